"""Output comparison, compatible with LiveCodeBench's grader.

stdin problems (``compare_stdout``, in ``stdout_compare``): strip the whole output,
split into lines, strip each line; lines must match exactly or, failing that, token
by token as equal decimals (so ``1.0`` matches ``1``), in bounded memory.
An opt-in float tolerance compares numeric tokens with ``math.isclose``.
Functional problems (``compare_values``): the return value as JSON equals the
expected JSON value; the tolerance applies to floats inside. Return values that
LiveCodeBench's ``==`` would reject (a tuple inside the result, a set, a dict with
non-string keys) are flagged in the sandbox by ``strict`` before they become JSON.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .stdout_compare import compare_stdout

__all__ = ["compare_stdout", "compare_values"]


def _values_equal(a: Any, b: Any, tol: float | None) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_values_equal(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_values_equal(a[k], b[k], tol) for k in a)
    if tol is not None and isinstance(a, (int, float)) and isinstance(b, (int, float)) \
            and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=tol, abs_tol=tol)
    return a == b  # Python equality, as LiveCodeBench's grader uses (True == 1)


def compare_values(actual: Any, expected: Any, float_tolerance: float | None = None) -> tuple[bool, str]:
    """(matches, why not) for a functional test's return value."""
    try:
        if _values_equal(actual, expected, float_tolerance):
            return True, ""
    except RecursionError:  # only a value nested deeper than the stack allows: not the expected one
        return False, "the value is nested too deeply to compare"
    return False, f"expected {_short(expected)}, got {_short(actual)}"


def _short(value: Any, limit: int = 120) -> str:
    try:
        text = json.dumps(value)
    except (RecursionError, ValueError):
        text = "(too deep to show)"
    return text if len(text) <= limit else text[: limit - 3] + "..."
