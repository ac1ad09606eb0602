"""Running candidates on inputs with no expected output: what each program does, as comparable data."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Sequence

from ..judge.runner import classify
from ..problem import Problem, TestType
from ..sandbox.protocol import ExecRequest, Limits, Mode, Sandbox


class Status(str, enum.Enum):
    """What a program did on an input with no expected output."""

    OK = "ok"
    WRONG_ANSWER = "wrong_answer"  #: a functional result that is not JSON-comparable
    TIME_LIMIT = "time_limit"
    MEMORY_LIMIT = "memory_limit"
    RUNTIME_ERROR = "runtime_error"
    OUTPUT_LIMIT = "output_limit"
    INFRA_ERROR = "infra_error"
    NO_RESULT = "no_result"  #: a functional call that returned nothing readable


@dataclass(frozen=True)
class Outcome:
    """A program's behaviour on one input: ``ok`` with its output, or how it failed."""

    status: Status
    output: str
    cpu_s: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    @property
    def signature(self) -> str:
        return f"{self.status.value}:{self.output}" if self.ok else self.status.value


def _normalize_stdout(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").replace("\r\n", "\n")
    return "\n".join(" ".join(line.split()) for line in text.strip().split("\n"))


def request(code: str, problem: Problem, text: str, limits: Limits) -> ExecRequest:
    if problem.test_type is TestType.FUNCTIONAL:
        args = tuple(line for line in text.split("\n") if line.strip())
        return ExecRequest(code=code, mode=Mode.FUNCTIONAL, args=args, func_name=problem.func_name, limits=limits)
    return ExecRequest(code=code, mode=Mode.STDIN, stdin=text, limits=limits)


def run_matrix(codes: Sequence[str], problem: Problem, inputs: Sequence[str], sandbox: Sandbox,
               limits: Limits) -> list[list[Outcome]]:
    """``out[c][i]``: candidate c on input i, all runs in one batch over the sandbox's workers."""
    requests = [request(code, problem, text, limits) for code in codes for text in inputs]
    results = sandbox.run_many(requests)
    out: list[list[Outcome]] = []
    for c in range(len(codes)):
        row = []
        for i in range(len(inputs)):
            result = results[c * len(inputs) + i]
            verdict, _ = classify(result, limits)
            if verdict is not None:
                row.append(Outcome(verdict.value, "", result.cpu_s))
            elif problem.test_type is TestType.FUNCTIONAL:
                if result.result_json is None:
                    row.append(Outcome("no_result", "", result.cpu_s))
                else:
                    canonical = json.dumps(json.loads(result.result_json), sort_keys=True)
                    row.append(Outcome("ok", canonical, result.cpu_s))
            else:
                row.append(Outcome("ok", _normalize_stdout(result.stdout), result.cpu_s))
        out.append(row)
    return out
