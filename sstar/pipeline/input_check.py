"""Does a model-written input respect the constraints the statement states?

Only what can be read reliably is checked (functional problems, whose
arguments have names): ``1 <= nums.length <= 10^5``, ``-10^9 <= nums[i] <= 10^9``,
``1 <= k <= nums.length``. Anything unreadable passes: the execution check
(most programs must run on an input) still applies afterwards.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from ..problem import Problem, TestType


def _resolve(limit: Any, values: dict[str, Any]) -> Optional[float]:
    if isinstance(limit, (int, float)):
        return limit
    if isinstance(limit, tuple):  # a reference such as ("nums", "len")
        name, part = limit
        value = values.get(name)
        if part == "len" and isinstance(value, (list, str)):
            return len(value)
        if part == "val" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
    return None


def _within(value: Any, bound, values: dict[str, Any]) -> bool:
    lo, hi = _resolve(bound.lo, values), _resolve(bound.hi, values)
    return (lo is None or value >= lo) and (hi is None or value <= hi)


def constraint_violation(problem: Problem, text: str) -> str:
    """Why ``text`` breaks a stated constraint, or "" (also when nothing can be checked)."""
    if problem.test_type is not TestType.FUNCTIONAL:
        return ""
    from ..synthesis.constraints import parse_constraints
    from ..synthesis.functional import signature

    names = [name for name, _ in signature(problem.starter_code, problem.func_name)]
    try:
        args = [json.loads(line) for line in text.split("\n") if line.strip()]
    except ValueError:
        return "not JSON"
    except RecursionError:
        return "nested deeper than a JSON reader allows"
    if names and len(args) != len(names):
        return f"{len(args)} arguments, the method takes {len(names)}"
    values = dict(zip(names, args))
    for (name, part), bound in parse_constraints(problem.question_content).items():
        value = values.get(name)
        if value is None or isinstance(value, bool):
            continue
        if part == "val" and isinstance(value, (int, float)) and not _within(value, bound, values):
            return f"{name} = {value} is outside the stated range"
        if part == "len" and isinstance(value, (list, str)) and not _within(len(value), bound, values):
            return f"the length of {name} ({len(value)}) is outside the stated range"
        if part == "elem" and isinstance(value, list):
            bad = next((v for v in value if isinstance(v, (int, float)) and not isinstance(v, bool)
                        and not _within(v, bound, values)), None)
            if bad is not None:
                return f"an element of {name} ({bad}) is outside the stated range"
    return ""
