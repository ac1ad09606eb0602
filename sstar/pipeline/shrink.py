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


MAX_CANDIDATES = 512
"""Candidates built per shrinking step. Their number grows with the input's size and nesting (6828 for a
15 kB nested list, each a full re-encoding: 6 s), while a step tries at most ``shrink_steps`` of them. The
first built are the top-level halvings and deletions, the ones sorting by length puts first anyway."""
ENCODED_CHARS = 4_000_000
"""Characters encoded per step, past the first :data:`MIN_CANDIDATES`: on a 200 kB input, 0.1 s, not 2 s."""
MIN_CANDIDATES = 32
MAX_DEPTH = 16
"""Nesting levels edited: deeper edits are tiny and would cost a stack frame per level."""


def _smaller_values(value: Any, depth: int = 0) -> Iterator[Any]:
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
        if depth < MAX_DEPTH:
            for i in range(min(len(value), 4)):
                for smaller in _smaller_values(value[i], depth + 1):
                    yield value[:i] + [smaller] + value[i + 1:]


def simpler(problem: Problem, text: str, limit: int = MAX_CANDIDATES) -> list[str]:
    """Distinct simpler inputs, shortest first (of the first ``limit`` built: see :data:`MAX_CANDIDATES`)."""
    if problem.test_type is not TestType.FUNCTIONAL:
        return []
    out: dict[str, None] = {}
    try:
        args = [json.loads(line) for line in text.split("\n") if line.strip()]
        edits = ((k, smaller) for k, arg in enumerate(args) for smaller in _smaller_values(arg))
        encoded = 0
        for k, smaller in edits:
            if len(out) >= limit or (encoded >= ENCODED_CHARS and len(out) >= MIN_CANDIDATES):
                break
            candidate = "\n".join(json.dumps(a) for a in args[:k] + [smaller] + args[k + 1:])
            out[candidate] = None
            encoded += len(candidate)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the JSON reader goes
        return []
    return sorted(out, key=len)


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
