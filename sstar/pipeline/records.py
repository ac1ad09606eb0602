"""What an S* run produces: data, JSON-ready with ``to_dict`` and back with ``from_dict``.

Verdicts, pair decisions, the rule that decided a pair and what decided the
final choice are enums end to end: nothing in a trace is a string that code
compares later.
"""

from __future__ import annotations

import dataclasses
import enum
import typing
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

from ..judge.verdict import Verdict
from ..models.protocol import FinishReason, Stage
from ..synthesis.kinds import InputKind


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _build(hint: Any, value: Any) -> Any:
    """``value`` (parsed JSON) as the type ``hint`` names: nested records, enums, tuples, optionals."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if value is None:
        return None
    if origin is typing.Union:
        options = [a for a in args if a is not type(None)]
        return _build(options[0], value) if len(options) == 1 else value
    if origin in (tuple, list):
        inner = args[0] if args else Any
        items = [_build(inner, v) for v in value]
        return tuple(items) if origin is tuple else items
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    if isinstance(hint, type) and issubclass(hint, Record):
        return hint.from_dict(value)
    return value


class Record:
    def to_dict(self) -> dict:
        return _plain(asdict(self))

    @classmethod
    def from_dict(cls, data: dict):
        """The inverse of ``to_dict`` (unknown keys are ignored, so older readers accept newer traces)."""
        hints = typing.get_type_hints(cls)
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: _build(hints[k], v) for k, v in data.items() if k in names})


class _VerdictOrNoCode(str, enum.Enum):
    """Behaviour of :data:`RoundVerdict` (an enum with no members of its own can be extended)."""

    @classmethod
    def of(cls, verdict: Verdict) -> "RoundVerdict":
        """The round verdict for a grader's verdict (same name, same value)."""
        return cls[verdict.name]

    @property
    def verdict(self) -> Optional[Verdict]:
        """The grader's verdict, or None for ``NO_CODE``."""
        return None if self.name == "NO_CODE" else Verdict[self.name]


# One family with the grader's Verdict: every member of it (same names and values, so traces written before
# this derivation still read), plus NO_CODE; a verdict added to the grader is a round verdict at once.
RoundVerdict = _VerdictOrNoCode("RoundVerdict", [(v.name, v.value) for v in Verdict] + [("NO_CODE", "no_code")],
                                module=__name__, qualname="RoundVerdict")
RoundVerdict.__doc__ = ("A candidate version on the public tests: the grader's :class:`~sstar.judge.Verdict`, or "
                        "NO_CODE -- the model's answer held no program (cut by the length limit, a refusal, a failed "
                        "request).")


class PairDecision(str, enum.Enum):
    A = "A"  #: the first program shown (cluster_a) is right
    B = "B"
    TIE = "tie"  #: both right, as far as the judge can tell: half a point each
    NONE = "none"  #: no decision: no point to either


class Rule(str, enum.Enum):
    """What decided a pair, or why nothing did."""

    CRASH = "crash"  #: one program crashed on a valid input where the other answered
    TIME_LIMIT = "time_limit"  #: one ran out of time where the other finished within a quarter of the limit
    EXPECTED_OUTPUT = "expected_output"  #: the judge model's predicted output matched exactly one side
    JUDGE = "judge"  #: the judge model, asked in both orders, agreed with itself
    JUDGE_DISAGREED = "judge_disagreed"
    JUDGE_UNREADABLE = "judge_unreadable"  #: no ``ANSWER:`` line it could read
    JUDGE_FAILED = "judge_failed"  #: the judge model's request failed (server down, errors)
    AGREEMENT = "agreement"  #: no judge model: the other candidates' outputs, where the pair differs, side with one
    NO_MODEL = "no_model"
    NO_COMPARABLE_INPUT = "no_comparable_input"  #: they differ only where one or both fail, and no rule decides


class DecidedBy(str, enum.Enum):
    """How the final choice was made."""

    JUDGE = "judge"  #: the chosen program won at least one pair by the judge model
    EXECUTION = "execution"  #: it won pairs by execution rules only (crash, time limit)
    AGREEMENT = "agreement"  #: it won a pair by the other candidates' agreement (no judge model), none by a judge
    TIE_BREAK = "tie_break"  #: nothing decided for it: cluster size, then speed, then index
    MAJORITY = "majority"  #: ``--selection majority``: its cluster is strictly the largest
    RANDOM = "random"  #: ``--selection random``
    PUBLIC_TESTS = "public_tests"  #: on public-test results alone, or only one candidate was kept
    NONE = "none"  #: no program


@dataclass(frozen=True)
class ModelCall(Record):
    """One completion from a model: what a run spent and what came back."""

    stage: Stage
    model: str
    finish_reason: FinishReason
    prompt_tokens: int = 0
    completion_tokens: int = 0
    text: str = ""
    error: str = ""
    cached: bool = False
    seconds: float = 0.0
    max_tokens: int = 0
    """The budget it ran under: with ``finish_reason == length`` the answer was cut there."""

    @property
    def cut_by_length(self) -> bool:
        return self.finish_reason is FinishReason.LENGTH


@dataclass(frozen=True)
class TestRecord(Record):
    __test__ = False  # not a pytest class

    verdict: RoundVerdict
    time_s: float
    message: str = ""


@dataclass(frozen=True)
class RoundRecord(Record):
    """One version of a candidate and how it did on the public tests."""

    round: int
    """0 for the first sample, then one per debugging round."""
    code: Optional[str]
    verdict: RoundVerdict
    passed: int
    total: int
    tests: tuple[TestRecord, ...] = ()
    feedback: str = ""
    """What the model was told about this version in the next debugging prompt."""
    cut_by_length: bool = False
    """The model's answer for this version ended at the token limit."""


@dataclass(frozen=True)
class Candidate(Record):
    index: int
    code: Optional[str]
    """The final version (None: the model never produced code)."""
    source: str = "generated"
    """``generated`` by the model, or ``given`` by the caller."""
    history: tuple[RoundRecord, ...] = ()
    path: Optional[str] = None
    runnable: bool = True
    """False: empty, not valid Python, or another language -- ranked below every runnable candidate."""

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
    """``model``, ``hypothesis``, ``public``, or ``pair`` (written for one pair of programs)."""
    valid: bool = True
    reason: str = ""
    pair: Optional[tuple[int, int]] = None
    """With source ``pair``: the clusters it was written for."""
    outcomes: tuple[str, ...] = ()
    """With source ``pair``: what each program of the pair did (output, or how it failed)."""
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
    """The winning cluster, or None when no side won (a tie or no decision)."""
    how: str = ""
    """Why, in words (the rule's details)."""
    judge_answers: tuple[str, ...] = ()
    decision: PairDecision = PairDecision.NONE
    rule: Rule = Rule.NO_MODEL
    program_a: int = -1
    """The candidate index that stood for cluster_a."""
    program_b: int = -1
    inputs_shown: int = 0
    """How many distinguishing inputs the judge saw."""


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
    """Calls, tokens and seconds per stage, all models together (``total`` sums them)."""
    timings: dict = field(default_factory=dict)
    config: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    decided_by: DecidedBy = DecidedBy.NONE
    undistinguished: tuple[int, ...] = ()
    """Candidates never told apart from the chosen one: no comparison decided between them."""
    calls: tuple[ModelCall, ...] = ()
    """Every model completion, in order of return."""
    usage_by_model: dict = field(default_factory=dict)
    """``{model name: usage per stage}``: the generator and the judge apart."""
    version: str = ""

    @property
    def chosen(self) -> Optional[Candidate]:
        return None if self.chosen_index is None else self.candidates[self.chosen_index]
