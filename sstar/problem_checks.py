"""Checks behind problem loading: per-problem limits, and JSON whose every failure is a ValueError."""

from __future__ import annotations

import json
import math
from typing import Any

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
