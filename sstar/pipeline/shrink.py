"""A simple minimiser for distinguishing inputs: smaller inputs are easier for a judge to reason about.

Functional inputs shrink structurally (drop list elements, halve lists and
strings, move integers toward zero) while the two programs still disagree in
the same way. Stdin inputs are not edited (their counts must stay consistent);
the smallest distinguishing input is chosen instead.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Iterator

from ..problem import Problem, TestType
from .execution import Outcome

RunPair = Callable[[str], Awaitable[tuple[Outcome, Outcome]]]


def _smaller_values(value: Any) -> Iterator[Any]:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        for v in (0, 1, value // 2, -value if value < 0 else None):
            if v is not None and abs(v) < abs(value):
                yield v
    elif isinstance(value, str):
        if len(value) > 1:
            yield value[: len(value) // 2]
            yield value[len(value) // 2:]
            for i in range(min(len(value), 6)):
                yield value[:i] + value[i + 1:]
    elif isinstance(value, list) and value:
        if len(value) > 1:
            yield value[: len(value) // 2]
            yield value[len(value) // 2:]
        for i in range(min(len(value), 8)):
            yield value[:i] + value[i + 1:]
        for i in range(min(len(value), 4)):
            for smaller in _smaller_values(value[i]):
                yield value[:i] + [smaller] + value[i + 1:]


def simpler(problem: Problem, text: str) -> list[str]:
    if problem.test_type is not TestType.FUNCTIONAL:
        return []
    try:
        args = [json.loads(line) for line in text.split("\n") if line.strip()]
    except ValueError:
        return []
    out = []
    for k, arg in enumerate(args):
        for smaller in _smaller_values(arg):
            out.append("\n".join(json.dumps(a) for a in args[:k] + [smaller] + args[k + 1:]))
    return sorted(dict.fromkeys(out), key=len)


def _same_disagreement(a: Outcome, b: Outcome, a0: Outcome, b0: Outcome) -> bool:
    return a.ok == a0.ok and b.ok == b0.ok and a.signature != b.signature


async def shrink_input(problem: Problem, text: str, out_a: Outcome, out_b: Outcome, run_pair: RunPair,
                       steps: int) -> tuple[str, Outcome, Outcome]:
    """Greedy: take the first simpler input that still distinguishes, until none does or steps run out."""
    best, best_a, best_b = text, out_a, out_b
    improved = True
    while improved and steps > 0:
        improved = False
        for candidate in simpler(problem, best):
            if steps <= 0:
                break
            steps -= 1
            a, b = await run_pair(candidate)
            if _same_disagreement(a, b, out_a, out_b):
                best, best_a, best_b, improved = candidate, a, b, True
                break
    return best, best_a, best_b
