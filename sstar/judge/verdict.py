"""Verdicts and per-test results: data, never strings parsed later."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass


class Verdict(str, enum.Enum):
    ACCEPTED = "accepted"
    WRONG_ANSWER = "wrong_answer"
    TIME_LIMIT = "time_limit"
    MEMORY_LIMIT = "memory_limit"
    RUNTIME_ERROR = "runtime_error"
    OUTPUT_LIMIT = "output_limit"
    INFRA_ERROR = "infra_error"
    """The sandbox failed: never blamed on the program, never a pass or a fail."""

    @property
    def is_program_fault(self) -> bool:
        return self not in (Verdict.ACCEPTED, Verdict.INFRA_ERROR)


@dataclass(frozen=True)
class TestResult:
    """The outcome of one test."""

    __test__ = False  # not a pytest class

    index: int
    verdict: Verdict
    time_s: float
    """Wall-clock seconds."""
    cpu_s: float
    memory_mb: float
    """Peak resident memory."""
    message: str = ""
    """Why it failed, for people and for a model's debugging prompt."""
    output: str = ""
    """The program's output (stdout, or the functional return value), truncated."""
    stderr: str = ""
    exit_code: int | None = None
    signal: int | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["verdict"] = self.verdict.value
        return data


@dataclass(frozen=True)
class JudgeReport:
    """A program's results on a list of tests."""

    verdict: Verdict
    """``accepted`` only if every test is; otherwise the first failing test's verdict."""
    passed: int
    total: int
    tests: tuple[TestResult, ...]

    @classmethod
    def from_tests(cls, tests: list[TestResult] | tuple[TestResult, ...], total: int | None = None) -> "JudgeReport":
        tests = tuple(tests)
        failing = next((t for t in tests if t.verdict is not Verdict.ACCEPTED), None)
        verdict = failing.verdict if failing else Verdict.ACCEPTED
        total = len(tests) if total is None else total
        return cls(verdict, sum(t.verdict is Verdict.ACCEPTED for t in tests), total, tests)

    @property
    def accepted(self) -> bool:
        return self.verdict is Verdict.ACCEPTED

    @property
    def pass_rate(self) -> float:
        return self.passed / self.total if self.total else 0.0

    def to_dict(self) -> dict:
        return {"verdict": self.verdict.value, "passed": self.passed, "total": self.total,
                "tests": [t.to_dict() for t in self.tests]}
