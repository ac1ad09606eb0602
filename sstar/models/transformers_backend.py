"""A local Hugging Face model: GPU when there is one (bf16, device_map auto), else CPU (float32).

``n`` samples come from one batched ``generate`` call. Loads a local folder,
a ``.gguf`` file (with ``gguf`` installed), or a hub id. ``torch`` and
``transformers`` are imported only when such a model is loaded.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from .base import THINK_END, THINK_START, ModelBase, ModelError, split_thinking
from .protocol import Completion, FinishReason, Message, SamplingParams, Stage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TransformersConfig:
    """Settings of the ``transformers`` backend."""

    device: str = "auto"
    """``auto`` (CUDA if available, else CPU), ``cpu``, ``cuda``."""
    dtype: str = "auto"
    """``auto`` (bfloat16 on GPU, float32 on CPU), ``float32``, ``bfloat16``, ``float16``."""
    max_thinking_tokens: int | None = None
    """End the thinking after this many tokens by forcing the end-of-thinking delimiter."""
    min_thinking_tokens: int | None = None
    """Replace an earlier attempt to stop thinking with "Wait"."""
    think_start: str = THINK_START
    think_end: str = THINK_END
    threads: int = 0
    """CPU threads for torch; 0 leaves torch's default (one per core)."""


def _import_torch():
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise ModelError("the transformers backend needs torch and transformers: pip install 'sstar[local]' "
                         "(on a CPU machine install torch==2.13.0 first, for the CPU build)") from exc
    transformers.utils.logging.disable_progress_bar()  # our own logging says what happens
    transformers.utils.logging.set_verbosity_error()
    return torch, transformers


class TransformersModel(ModelBase):
    backend = "transformers"

    def __init__(self, path: str, config: TransformersConfig | None = None, **options: Any) -> None:
        super().__init__(path)
        base = config or TransformersConfig()
        self.settings = replace(base, **options)
        torch, transformers = _import_torch()
        self._lock = threading.Lock()
        s = self.settings
        if s.threads:
            torch.set_num_threads(s.threads)
        cuda = torch.cuda.is_available()
        self.device = ("cuda" if cuda else "cpu") if s.device == "auto" else s.device
        if self.device.startswith("cuda") and not cuda:
            raise ModelError("device 'cuda' asked for, but torch sees no CUDA device")
        dtype_name = s.dtype if s.dtype != "auto" else ("bfloat16" if self.device.startswith("cuda") else "float32")
        self.dtype = getattr(torch, dtype_name)
        source, kwargs = _locate(path)
        kwargs["dtype"] = self.dtype
        if self.device.startswith("cuda"):
            kwargs["device_map"] = "auto"
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(source, **{k: v for k, v in kwargs.items()
                                                                                 if k == "gguf_file"})
            self.model = transformers.AutoModelForCausalLM.from_pretrained(source, **kwargs)
        except OSError as exc:
            raise ModelError(f"could not load model {path!r}: {str(exc).splitlines()[0]}") from None
        if not self.device.startswith("cuda"):
            self.model.to(self.device)
        self.model.eval()
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token

    def config(self) -> dict[str, Any]:
        return {"backend": self.backend, "name": self.name, **asdict(self.settings), "device": self.device,
                "dtype": str(self.dtype).replace("torch.", "")}

    def _prompt(self, messages: list[Message]):
        tok = self.tokenizer
        if tok.chat_template:
            enc = tok.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
        else:  # a base model: plain text, one message after another
            text = "\n\n".join(m["content"] for m in messages) + "\n\n"
            enc = tok(text, return_tensors="pt")
        return {k: v.to(self.model.device) for k, v in enc.items() if k in ("input_ids", "attention_mask")}

    def _sample(self, messages: list[Message], params: SamplingParams, stage: Stage) -> list[Completion]:
        torch, _ = _import_torch()
        s = self.settings
        with self._lock:  # one generate at a time; the seed sets torch's global generator
            enc = self._prompt(messages)
            prompt_len = enc["input_ids"].shape[1]
            prompt_tail = self.tokenizer.decode(enc["input_ids"][0, -8:], skip_special_tokens=False)
            opened = s.think_start in prompt_tail and s.think_end not in prompt_tail.split(s.think_start)[-1]
            budget = None
            extra_tokens = 0
            if s.max_thinking_tokens is not None or s.min_thinking_tokens is not None:
                from .thinking import ThinkingBudget

                budget = ThinkingBudget(self.tokenizer, prompt_len, opened, s.max_thinking_tokens,
                                        s.min_thinking_tokens, s.think_start, s.think_end)
                # The answer keeps its own max_tokens; the thinking has its budget on top.
                extra_tokens = (s.max_thinking_tokens or s.min_thinking_tokens or 0) + len(budget.end_ids)
            if params.seed is not None:
                torch.manual_seed(params.seed)
            sampling = params.temperature > 0
            kwargs: dict[str, Any] = dict(
                max_new_tokens=params.max_tokens + extra_tokens,
                num_return_sequences=params.n,
                do_sample=sampling,
                pad_token_id=self.tokenizer.pad_token_id,
            )
            if sampling:
                kwargs["temperature"] = params.temperature
                if params.top_p is not None:
                    kwargs["top_p"] = params.top_p
            if params.stop:
                kwargs["stop_strings"], kwargs["tokenizer"] = list(params.stop), self.tokenizer
            if budget is not None:
                kwargs["logits_processor"] = [budget]
            with torch.no_grad():
                out = self.model.generate(**enc, **kwargs)
        return [self._decode(row[prompt_len:].tolist(), prompt_len, kwargs["max_new_tokens"], params, opened)
                for row in out]

    def _decode(self, gen: list[int], prompt_len: int, limit: int, params: SamplingParams, opened: bool) -> Completion:
        tok = self.tokenizer
        eos = tok.eos_token_id
        stops = set(eos if isinstance(eos, list) else [eos]) | {tok.pad_token_id}
        cut = next((i for i, t in enumerate(gen) if t in stops), None)
        gen = gen if cut is None else gen[:cut]
        thinking, answer = self._split(gen, opened)
        stopped = False
        for stop in params.stop:  # stop strings end the answer, not the thinking
            if stop in answer:
                answer, stopped = answer[: answer.index(stop)], True
        finish = FinishReason.STOP if (cut is not None or stopped or len(gen) < limit) else FinishReason.LENGTH
        return Completion(text=answer, thinking=thinking, finish_reason=finish,
                          prompt_tokens=prompt_len, completion_tokens=len(gen))

    def _split(self, gen: list[int], opened: bool) -> tuple[str, str]:
        """(thinking, answer): by token id where the delimiters are special tokens, else by text."""
        tok, s = self.tokenizer, self.settings
        vocab = tok.get_vocab()
        start_id, end_id = vocab.get(s.think_start), vocab.get(s.think_end)
        special = set(getattr(tok, "all_special_ids", []) or [])
        if end_id is not None and end_id in special:
            if end_id in gen:
                at = gen.index(end_id)
                head = [t for t in gen[:at] if t != start_id]
                return (tok.decode(head, skip_special_tokens=True).strip(),
                        tok.decode(gen[at + 1:], skip_special_tokens=True).lstrip())
            if opened or (start_id is not None and start_id in gen):
                return tok.decode(gen, skip_special_tokens=True).strip(), ""
        text = tok.decode(gen, skip_special_tokens=True)
        return split_thinking((s.think_start + text) if opened else text, s.think_start, s.think_end)


def _locate(path: str) -> tuple[str, dict[str, Any]]:
    """(what to pass to from_pretrained, extra arguments), or a clear error."""
    p = Path(os.path.expanduser(path))
    if p.suffix == ".gguf":
        if not p.is_file():
            raise ModelError(f"no such model file: {path}")
        try:
            import gguf  # noqa: F401
        except ImportError:
            raise ModelError("loading a .gguf file needs the gguf package: pip install gguf") from None
        return str(p.parent), {"gguf_file": p.name}
    if p.is_dir():
        if not (p / "config.json").is_file():
            raise ModelError(f"{path} is a folder but not a Hugging Face model (no config.json)")
        return str(p), {}
    if path.startswith(("/", "./", "../", "~")) or os.sep in path.strip("/").split("/", 1)[-1]:
        raise ModelError(f"no such model path: {path}")
    return path, {}  # a hub id: needs the network or the local hub cache
