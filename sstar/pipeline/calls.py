"""Model calls of one run: which model serves a stage, the token budget, and the record of every completion.

The generator writes and debugs programs; the judge model (the same one unless
another is given) writes test inputs, predicts outputs and judges pairs -- as
in the paper's reference, where one judge model served every generator.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Optional

from ..models.protocol import Completion, Model, Stage, Usage
from .config import SStarConfig
from .records import ModelCall

JUDGE_STAGES = (Stage.SYNTHESIZE, Stage.JUDGE)


@dataclass
class CallLog:
    """Usage per stage (all models), per model and stage, and one :class:`ModelCall` per completion."""

    usage: Usage = field(default_factory=Usage)
    by_model: dict[str, Usage] = field(default_factory=dict)
    calls: list[ModelCall] = field(default_factory=list)

    def usage_by_model(self) -> dict:
        return {name: usage.to_dict() for name, usage in self.by_model.items()}


class Caller:
    """Sends a stage's request to the model that serves it, under a concurrency gate, and logs it."""

    def __init__(self, config: SStarConfig, model: Optional[Model], judge_model: Optional[Model] = None) -> None:
        self.config, self.model = config, model
        self.judge_model = judge_model if judge_model is not None else model
        self._names = {}
        for role, m in (("generator", model), ("judge", self.judge_model)):
            if m is not None and id(m) not in self._names:
                name = getattr(m, "name", type(m).__name__)
                self._names[id(m)] = name if name not in self._names.values() else f"{name} ({role})"

    def model_for(self, stage: Stage) -> Optional[Model]:
        return self.judge_model if stage in JUDGE_STAGES else self.model

    def max_tokens(self, model: Model) -> int:
        try:
            info = model.config()
        except Exception:  # noqa: BLE001 - a model that cannot describe itself gets the plain budget
            info = {}
        return self.config.tokens_for({"name": getattr(model, "name", ""), **(info or {})})

    async def complete(self, log: CallLog, gate: asyncio.Semaphore, messages: list, stage: Stage, n: int = 1,
                       temperature: float | None = None, seed: int | None = None) -> list[Completion]:
        model = self.model_for(stage)
        if model is None:
            raise RuntimeError(f"the {stage.value} stage needs a model")
        c = self.config
        budget = self.max_tokens(model)
        extra = {"top_p": c.top_p} if c.top_p is not None and stage not in JUDGE_STAGES else {}
        async with gate:
            start = time.perf_counter()
            out = await model.agenerate(messages, n=n, temperature=c.temperature if temperature is None else temperature,
                                        max_tokens=budget, stop=c.stop, seed=c.seed if seed is None else seed,
                                        stage=stage, **extra)
        seconds = time.perf_counter() - start
        name = self._names[id(model)]
        log.usage.record(stage, out, seconds)
        log.by_model.setdefault(name, Usage()).record(stage, out, seconds)
        for comp in out:
            log.calls.append(ModelCall(stage, name, comp.finish_reason, comp.prompt_tokens, comp.completion_tokens,
                                       comp.text, comp.error, comp.cached, round(seconds / max(1, len(out)), 3),
                                       budget))
        return out

    async def ask(self, log: CallLog, gate: asyncio.Semaphore, messages: list, stage: Stage) -> Optional[str]:
        """One deterministic answer from the judge side; None when the request failed."""
        reply = await self.complete(log, gate, messages, stage, n=1, temperature=0.0)
        return None if reply[0].failed else reply[0].text
