"""Checks behind problem loading: per-problem limits, and JSON whose every failure is a ValueError."""

from __future__ import annotations

import json
import math
from json.decoder import WHITESPACE
from typing import Any

_scan_json = json.JSONDecoder().scan_once  # what json.loads runs (its default decoder's C scanner)
_skip_whitespace = WHITESPACE.match
_SHALLOW = 200
"""Texts with fewer brackets than this are checked by ``check_json``'s direct scan: far from the recursion
limit, where json.loads (a few frames deeper) could fail on a text the scan accepts."""

LIMITS = {"time_limit_s": (0.0, 86400.0), "memory_limit_mb": (1.0, float(1 << 20))}
"""Per-problem limits: exclusive lower bound for time, inclusive for memory; a day and a TiB at most."""


def check_limit(key: str, value: Any, low: float, high: float) -> float:
    """A metadata limit as a number, or a ValueError saying why it is not one."""
    number = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            pass
    if number is None or math.isnan(number):
        raise ValueError(f"metadata.{key} must be a number, got {value!r:.40}")
    positive = number > low if key == "time_limit_s" else number >= low
    if not positive or number > high:
        raise ValueError(f"metadata.{key} must be {'above' if key == 'time_limit_s' else 'at least'} {low:.0f} "
                         f"and at most {high:.0f}, got {value!r:.40}")
    return number


def loads_json(text: str) -> Any:
    """json.loads whose every failure is a ValueError (too deep, too long a number included)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    except ValueError as exc:
        raise ValueError(f"not JSON ({exc})") from None


def check_json(text: str) -> None:
    """``loads_json``'s check, the value dropped: the same texts pass, the others raise its very errors.

    Loading a dataset checks every functional test's arguments and output (thousands of texts): this is
    ``json.loads`` without its Python layers -- what its default decoder does for a ``str``: skip JSON
    whitespace, scan one value, skip whitespace, require the end (a leading BOM, which json.loads refuses
    first, is no value's start either) -- at half the cost. Whatever the scan does not accept goes through
    ``loads_json``, which raises (or, near the recursion limit, decides)."""
    if text.count("[") + text.count("{") < _SHALLOW:
        try:
            _, end = _scan_json(text, _skip_whitespace(text, 0).end())
        except (StopIteration, ValueError, RecursionError):
            pass
        else:
            if _skip_whitespace(text, end).end() == len(text):
                return
    loads_json(text)
