"""The model seam: one protocol, small data types, per-stage usage.

A model is named by one string (``openai:gpt-4o-mini``, ``transformers:PATH``,
``smollm2``, ``scripted``) and answers chat messages with ``n`` completions.
Every call names the S* stage it serves, so a run can report its cost per stage.
"""

from __future__ import annotations

import enum
import threading
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, Sequence, runtime_checkable

Message = dict[str, str]
"""``{"role": "system" | "user" | "assistant", "content": str}``"""


class Stage(str, enum.Enum):
    GENERATE = "generate"
    DEBUG = "debug"
    SYNTHESIZE = "synthesize"
    JUDGE = "judge"
    OTHER = "other"


class FinishReason(str, enum.Enum):
    STOP = "stop"  #: the model ended, or hit a stop string
    LENGTH = "length"  #: ``max_tokens`` ran out
    ERROR = "error"  #: the request failed for good (after retries); ``error`` says why
    OTHER = "other"  #: anything else a server reports (content filter, tool call, ...)

    @classmethod
    def parse(cls, value: str | None) -> "FinishReason":
        try:
            return cls(value)
        except ValueError:
            return cls.OTHER


@dataclass(frozen=True)
class Completion:
    """One sampled answer. ``text`` never contains the thinking: that is in ``thinking``."""

    text: str
    finish_reason: FinishReason = FinishReason.STOP
    prompt_tokens: int = 0
    completion_tokens: int = 0
    thinking: str = ""
    error: str = ""
    cached: bool = False

    @property
    def failed(self) -> bool:
        return self.finish_reason is FinishReason.ERROR

    def to_dict(self) -> dict:
        data = asdict(self)
        data["finish_reason"] = self.finish_reason.value
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Completion":
        return cls(**{**data, "finish_reason": FinishReason.parse(data.get("finish_reason"))})


@dataclass(frozen=True)
class SamplingParams:
    """What a caller may ask of any backend."""

    n: int = 1
    temperature: float = 0.7
    max_tokens: int = 1024
    stop: tuple[str, ...] = ()
    seed: int | None = None
    top_p: float | None = None

    def key(self) -> dict[str, Any]:
        """The fields that change what a model returns (for the completion cache)."""
        return {"temperature": self.temperature, "max_tokens": self.max_tokens, "stop": list(self.stop),
                "seed": self.seed, "top_p": self.top_p}


@dataclass
class StageUsage:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    failures: int = 0
    cached: int = 0


@dataclass
class Usage:
    """Calls, tokens and seconds per stage. Thread-safe; one per model, or one per run."""

    stages: dict[str, StageUsage] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __getstate__(self) -> dict:
        return {"stages": self.stages}

    def __setstate__(self, state: dict) -> None:
        self.stages = state["stages"]
        self._lock = threading.Lock()

    def record(self, stage: Stage, completions: Sequence[Completion], seconds: float) -> None:
        with self._lock:
            entry = self.stages.setdefault(stage.value, StageUsage())
            entry.calls += 1
            entry.seconds += seconds
            for c in completions:
                entry.prompt_tokens += c.prompt_tokens
                entry.completion_tokens += c.completion_tokens
                entry.failures += c.failed
                entry.cached += c.cached

    def merge(self, other: "Usage") -> None:
        with self._lock:
            for name, theirs in other.stages.items():
                mine = self.stages.setdefault(name, StageUsage())
                for key, value in asdict(theirs).items():
                    setattr(mine, key, getattr(mine, key) + value)

    def total(self) -> StageUsage:
        out = StageUsage()
        for entry in self.stages.values():
            for key, value in asdict(entry).items():
                setattr(out, key, getattr(out, key) + value)
        return out

    def to_dict(self) -> dict:
        with self._lock:
            data = {name: asdict(entry) for name, entry in self.stages.items()}
        data["total"] = asdict(self.total())
        return data


@runtime_checkable
class Model(Protocol):
    """Answers chat messages. ``generate`` is thread-safe; ``agenerate`` lets many requests run at once."""

    name: str
    usage: Usage

    def generate(self, messages: Sequence[Message], *, n: int = 1, temperature: float = 0.7,
                 max_tokens: int = 1024, stop: Sequence[str] = (), seed: int | None = None,
                 stage: Stage = Stage.OTHER, top_p: float | None = None) -> list[Completion]: ...

    async def agenerate(self, messages: Sequence[Message], *, n: int = 1, temperature: float = 0.7,
                        max_tokens: int = 1024, stop: Sequence[str] = (), seed: int | None = None,
                        stage: Stage = Stage.OTHER, top_p: float | None = None) -> list[Completion]: ...

    def config(self) -> dict[str, Any]:
        """The resolved settings (no secrets), for run records."""
        ...

    def close(self) -> None: ...
