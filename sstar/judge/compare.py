"""Output comparison, compatible with LiveCodeBench's grader.

stdin problems: strip the whole output, split into lines, strip each line;
lines must match exactly or, failing that, token by token as equal decimals
(so ``1.0`` matches ``1`` and extra inner spaces between numbers are fine).
An opt-in float tolerance compares numeric tokens with ``math.isclose``.
Functional problems: the return value as JSON equals the expected JSON value
(tuples have become lists on the way); the tolerance applies to floats inside.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").strip().split("\n")]


def _decimals(line: str) -> list[Decimal] | None:
    try:
        return [Decimal(tok) for tok in line.split()]
    except (InvalidOperation, ValueError):
        return None


def _numbers_close(a: list[Decimal], b: list[Decimal], tol: float) -> bool:
    return len(a) == len(b) and all(
        x == y or (x.is_finite() and y.is_finite() and math.isclose(float(x), float(y), rel_tol=tol, abs_tol=tol))
        for x, y in zip(a, b)
    )


def compare_stdout(actual: str, expected: str, float_tolerance: float | None = None) -> tuple[bool, str]:
    """(matches, why not) for a stdin/stdout test."""
    got, want = _lines(actual), _lines(expected)
    if len(got) != len(want):
        return False, f"expected {len(want)} line(s), got {len(got)}"
    for number, (g, w) in enumerate(zip(got, want), start=1):
        if g == w:
            continue
        gd, wd = _decimals(g), _decimals(w)
        if gd is not None and wd is not None:
            if gd == wd:
                continue
            if float_tolerance is not None and _numbers_close(gd, wd, float_tolerance):
                continue
        return False, f"line {number}: expected {w[:80]!r}, got {g[:80]!r}"
    return True, ""


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
    if _values_equal(actual, expected, float_tolerance):
        return True, ""
    return False, f"expected {_short(expected)}, got {_short(actual)}"


def _short(value: Any, limit: int = 120) -> str:
    import json

    text = json.dumps(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
