"""What every backend shares: parameter checks, timing, usage, thinking split."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Sequence

from .protocol import Completion, FinishReason, Message, SamplingParams, Stage, Usage

log = logging.getLogger(__name__)

THINK_START, THINK_END = "<think>", "</think>"


class ModelError(RuntimeError):
    """A model that cannot be loaded or reached: a one-line, actionable message."""


def split_thinking(text: str, start: str = THINK_START, end: str = THINK_END) -> tuple[str, str]:
    """(thinking, answer). Unfinished thinking is all thinking: it is never taken for the answer."""
    if end in text:
        head, _, answer = text.partition(end)
        return head.replace(start, "", 1).strip(), answer.lstrip()
    stripped = text.lstrip()
    if stripped.startswith(start):
        return stripped[len(start):].strip(), ""
    return "", text


def check_messages(messages: Sequence[Message]) -> list[Message]:
    if not messages:
        raise ValueError("no messages to send")
    out = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or "role" not in m or "content" not in m:
            raise ValueError(f"message {i} must be a dict with 'role' and 'content'")
        out.append({"role": str(m["role"]), "content": str(m["content"])})
    return out


def failed(n: int, error: str) -> list[Completion]:
    return [Completion(text="", finish_reason=FinishReason.ERROR, error=error) for _ in range(n)]


class ModelBase:
    """Subclasses implement ``_sample`` (blocking) or ``_asample`` (async); this does the rest."""

    backend = "base"

    def __init__(self, name: str) -> None:
        self.name = name
        self.usage = Usage()

    # -- the protocol -----------------------------------------------------
    def generate(self, messages: Sequence[Message], *, n: int = 1, temperature: float = 0.7,
                 max_tokens: int = 1024, stop: Sequence[str] = (), seed: int | None = None,
                 stage: Stage = Stage.OTHER, top_p: float | None = None) -> list[Completion]:
        params = self._params(n, temperature, max_tokens, stop, seed, top_p)
        msgs = check_messages(messages)
        start = time.perf_counter()
        out = self._sample(msgs, params, Stage(stage))
        self.usage.record(Stage(stage), out, time.perf_counter() - start)
        return out

    async def agenerate(self, messages: Sequence[Message], *, n: int = 1, temperature: float = 0.7,
                        max_tokens: int = 1024, stop: Sequence[str] = (), seed: int | None = None,
                        stage: Stage = Stage.OTHER, top_p: float | None = None) -> list[Completion]:
        params = self._params(n, temperature, max_tokens, stop, seed, top_p)
        msgs = check_messages(messages)
        start = time.perf_counter()
        out = await self._asample(msgs, params, Stage(stage))
        self.usage.record(Stage(stage), out, time.perf_counter() - start)
        return out

    def config(self) -> dict[str, Any]:
        return {"backend": self.backend, "name": self.name}

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- for subclasses ---------------------------------------------------
    def _sample(self, messages: list[Message], params: SamplingParams, stage: Stage) -> list[Completion]:
        raise NotImplementedError

    async def _asample(self, messages: list[Message], params: SamplingParams, stage: Stage) -> list[Completion]:
        # Local backends compute in a thread, so that an event loop stays responsive.
        return await asyncio.to_thread(self._sample, messages, params, stage)

    @staticmethod
    def _params(n, temperature, max_tokens, stop, seed, top_p=None) -> SamplingParams:
        if n < 1:
            raise ValueError("n must be at least 1")
        if max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        if temperature < 0:
            raise ValueError("temperature must not be negative")
        if top_p is not None and not 0 < top_p <= 1:
            raise ValueError("top_p must be in (0, 1]")
        stops = (stop,) if isinstance(stop, str) else tuple(stop or ())
        return SamplingParams(n=n, temperature=temperature, max_tokens=max_tokens, stop=stops, seed=seed, top_p=top_p)
