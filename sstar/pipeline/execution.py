"""Running candidates on inputs with no expected output: what each program does, as comparable data."""

from __future__ import annotations

import enum
import hashlib
import json
import time
from dataclasses import dataclass
from typing import Optional, Sequence

from ..judge.runner import classify
from ..judge.structures import wrap_for
from ..problem import Problem, TestType
from ..sandbox.protocol import ExecRequest, Limits, Mode, Sandbox
from .rounds import run_round


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
    SKIPPED = "skipped"  #: not run: the program had already hit the time limit on too many inputs


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


OUTPUT_KEPT = 64 * 1024
"""Characters of an output kept as they are. A longer one keeps its head and its length and digest, which
compare as the whole would (equal outputs give equal texts; any difference, a different digest): the
candidates × inputs matrix, the trace and the judge's prompts never hold up to 32 MB an output."""


def compact_output(text: str) -> str:
    if len(text) <= OUTPUT_KEPT:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{text[:OUTPUT_KEPT]}\n... ({len(text)} characters in all, sha256 {digest})"


def _normalize_stdout(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").replace("\r\n", "\n")
    return compact_output("\n".join(" ".join(line.split()) for line in text.strip().split("\n")))


def request(code: str, problem: Problem, text: str, limits: Limits) -> ExecRequest:
    if problem.test_type is TestType.FUNCTIONAL:
        args = tuple(line for line in text.split("\n") if line.strip())
        # ListNode / TreeNode arguments are built from their list encodings, returned ones turned back
        return ExecRequest(code=wrap_for(code, problem), mode=Mode.FUNCTIONAL, args=args, func_name=problem.func_name,
                           limits=limits)
    return ExecRequest(code=code, mode=Mode.STDIN, stdin=text, limits=limits)


def run_matrix(codes: Sequence[str], problem: Problem, inputs: Sequence[str], sandbox: Sandbox,
               limits: Limits, give_up_after: int = 0, first_round: int = 10,
               budget_s: Optional[float] = None) -> list[list[Outcome]]:
    """``out[c][i]``: candidate c on input i, each round's runs in one batch over the sandbox's workers.

    With ``give_up_after`` (> 0), inputs go in rounds (``first_round`` inputs, then twice as many each
    round: few rounds, so little waiting on the slowest program of a round), and a candidate that has hit
    the time limit on that many inputs is not run on later rounds (``skipped``): a program that loops
    forever on small inputs would otherwise cost a whole time limit on each of them, and it is already
    told apart. Within a round, a candidate's inputs stop at its time limit (:func:`run_round`): one that
    times out on an input most candidates answer, one of them within a quarter of the limit, has lost
    to it by execution (the pair rule ``time_limit``) and is not run any further either.

    With ``budget_s``, inputs also go in rounds, and a round after the first is cut to what the seconds
    left allow at the pace so far (none: the matrix ends there, with fewer columns than ``inputs``): a
    problem whose correct program needs a second on each large input would otherwise take minutes."""
    out: list[list[Outcome]] = [[] for _ in codes]
    sizes = _rounds(len(inputs), first_round if give_up_after > 0 or budget_s is not None else len(inputs),
                    budget_s is not None)
    start, began = 0, time.monotonic()
    lost: set[int] = set()  # lost by a time limit where others answered fast: not run any more
    for size in sizes:
        if budget_s is not None and start:
            spent = time.monotonic() - began
            size = min(size, int((budget_s - spent) / (spent / start)) if spent > 0 else size)
            if size < 1:
                break
        texts = inputs[start:start + size]
        start += size
        hits = [sum(o.status is Status.TIME_LIMIT for o in row) for row in out]  # time limits so far
        active = [c for c in range(len(codes)) if c not in lost and (not give_up_after or hits[c] < give_up_after)]
        if give_up_after and getattr(sandbox, "run_program", None) is not None:
            rows = run_round(sandbox, [codes[c] for c in active], problem, texts, limits,
                             [give_up_after - hits[c] for c in active],
                             None if budget_s is None else began + budget_s)
            lost.update(active[n] for n, row in enumerate(rows) if row.lost)
            results = {c: row.outcomes for c, row in zip(active, rows)}
        else:
            flat = sandbox.run_many([request(codes[c], problem, text, limits) for c in active for text in texts])
            results = {c: [_outcome(r, problem, limits) for r in flat[n * len(texts):(n + 1) * len(texts)]]
                       for n, c in enumerate(active)}
        ran = min((len(r) for r in results.values()), default=len(texts))  # a round cut at the deadline
        for c in range(len(codes)):
            out[c] += (results.get(c) or [Outcome(Status.SKIPPED, "", 0.0) for _ in texts])[:ran]
        if ran < len(texts):
            break
    return out


def _rounds(total: int, first: int, probe: bool) -> list[int]:
    """Round sizes: ``first``, then twice as many each round; with ``probe``, the first round's first two
    inputs go alone, so the pace is known before the bulk of it."""
    sizes, step = ([2, max(0, first - 2)] if probe and first > 2 else [first]), max(1, first) * 2
    while sum(sizes) < total:
        sizes.append(step)
        step *= 2
    return [n for n in sizes if n > 0]


def _outcome(result, problem: Problem, limits: Limits) -> Outcome:
    verdict, _ = classify(result, limits)
    if verdict is not None:
        return Outcome(verdict.value, "", result.cpu_s)
    if problem.test_type is TestType.FUNCTIONAL:
        if result.result_json is None:
            return Outcome("no_result", "", result.cpu_s)
        try:
            return Outcome("ok", compact_output(json.dumps(json.loads(result.result_json), sort_keys=True)),
                           result.cpu_s)
        except RecursionError:  # nested deeper than Python's parser goes: unreadable, as the grader rules
            return Outcome(Status.WRONG_ANSWER, "", result.cpu_s)
    return Outcome("ok", _normalize_stdout(result.stdout), result.cpu_s)
