"""Functional return values judged as strictly as LiveCodeBench's grader judges them.

LiveCodeBench (``grade_call_based``) compares the returned Python object with ``==``
against the expected JSON value, after turning a tuple at the top into a list. So a
tuple *inside* the result (``[(1, 2)]``), a set, or a dict with non-string keys
(``{1: 2}``) is a wrong answer there. The sandbox hands results back as JSON, which
would erase exactly those differences (tuples become lists, keys become strings), so
the check runs inside the sandbox, before serialisation: ``with_strict_results``
appends to the program a wrapper around the called function that replaces such a
value by a marker the judge reports as a wrong answer. The wrapper checks only the
outermost call (recursive calls of the function see their real return values).
"""

from __future__ import annotations

import functools
from typing import Any

from ..sandbox.guest._sstar_entry import appended
from ..sandbox.guest._sstar_strict import CHECK_CACHE, CHECK_FILE, CHECK_SOURCE

MARKER = "__sstar_not_comparable__"
"""The one key of the object that stands for a result LiveCodeBench's == would reject."""


@functools.lru_cache(maxsize=64)
def with_strict_results(code: str, func_name: str) -> str:
    """``code`` with the wrapper that reports results LiveCodeBench's ``==`` would reject.

    A few lines are appended; the wrapper is compiled under its own file name, so that its frame in a
    traceback (between the caller and the program's function) says where it comes from. Cached: a
    program's tests get the one same string (built once, hashed once when the sandbox groups them)."""
    # The wrapper's code object is compiled once per process (the worker does it before it forks, see
    # guest/_sstar_strict.py), not once per test: about 1 ms.
    return appended(code, CHECK_SOURCE, CHECK_FILE, CHECK_CACHE, f"__sstar_strict_results({func_name!r}, {MARKER!r})")


def rejected(value: Any) -> str | None:
    """What the wrapper found (None: a value to compare), from the decoded JSON result."""
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get(MARKER), str):
        return value[MARKER]
    return None


def rejection_message(found: str) -> str:
    return (f"returned {found}: LiveCodeBench's grader compares return values with == against JSON values "
            "(lists, string-keyed dicts), so this is a wrong answer")
