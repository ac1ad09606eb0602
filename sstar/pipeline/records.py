"""What an S* run produces: data, JSON-ready with ``to_dict``."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

from ..synthesis.kinds import InputKind


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class Record:
    def to_dict(self) -> dict:
        return _plain(asdict(self))


@dataclass(frozen=True)
class RoundRecord(Record):
    """One version of a candidate and how it did on the public tests."""

    round: int
    """0 for the first sample, then one per debugging round."""
    code: Optional[str]
    verdict: str
    passed: int
    total: int
    tests: tuple[dict, ...] = ()
    """Per public test: verdict, time, message."""


@dataclass(frozen=True)
class Candidate(Record):
    index: int
    code: Optional[str]
    """The final version (None: the model never produced code)."""
    source: str = "generated"
    """``generated`` by the model, or ``given`` by the caller."""
    history: tuple[RoundRecord, ...] = ()
    path: Optional[str] = None

    @property
    def last(self) -> Optional[RoundRecord]:
        return self.history[-1] if self.history else None

    @property
    def pass_rate(self) -> float:
        last = self.last
        return last.passed / last.total if last and last.total else 0.0

    @property
    def passes_public(self) -> bool:
        last = self.last
        return bool(last and last.total and last.passed == last.total)


@dataclass(frozen=True)
class SynthesizedInput(Record):
    text: str
    """stdin text, or the functional arguments as JSON lines."""
    source: str
    """``model``, ``hypothesis`` or ``public``."""
    valid: bool = True
    reason: str = ""
    kind: InputKind = InputKind.RANDOM
    """How it was made: edge, random, max_size, sample_mutation, model, pair, public."""
    checked: bool = False
    """Generated from constraints read in the statement, so valid by construction: kept as valid
    even where most candidates fail on it (a time limit there is evidence, not a bad input)."""


@dataclass(frozen=True)
class Comparison(Record):
    cluster_a: int
    cluster_b: int
    input: str
    output_a: str
    output_b: str
    winner: Optional[int]
    """The winning cluster, or None when the judge did not decide."""
    how: str = ""
    """``expected_output``, ``judge``, or why there was no decision."""
    judge_answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class SolveResult(Record):
    question_id: str
    program: Optional[str]
    chosen_index: Optional[int]
    selection: str
    candidates: tuple[Candidate, ...]
    synthesized_inputs: tuple[SynthesizedInput, ...] = ()
    clusters: tuple[tuple[int, ...], ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    usage: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    config: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def chosen(self) -> Optional[Candidate]:
        return None if self.chosen_index is None else self.candidates[self.chosen_index]
