"""What makes two runs the same experiment, and where a run came from.

A run folder may be resumed or extended only by the same experiment: the dataset and its filters, the
model and its sampling settings, the S* settings. How the model is reached is not part of it (base URL, API
key, timeouts, retries, concurrency, the Ray address, the cache file): the same model at
``127.0.0.1`` instead of ``localhost`` continues the run. A larger ``--limit`` or a wider date window
extends it. A refusal names each differing field, old value → new value.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

TRANSPORT = frozenset({"base_url", "api_key", "max_concurrency", "max_retries", "timeout_s", "backoff_s",
                       "backoff_max_s", "cache", "concurrency"})
"""Settings of how a model is reached, never of what it computes."""
EXTENDING = frozenset({"limit", "start_date", "end_date"})
"""Problem filters that may change between sessions of one run (the run grows or is taken in parts)."""


def _strip(value: Any, drop: frozenset) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v, drop) for k, v in value.items() if k not in drop}
    return value


def identity(config: dict) -> dict:
    """The experiment a ``config.json`` describes (older files, without the newer keys, included)."""
    plain = json.loads(json.dumps(config))
    return {"dataset": plain.get("dataset"),
            "problems": _strip(plain.get("selection") or {}, EXTENDING),
            "model": _strip(plain.get("model") or {}, TRANSPORT),
            "judge_model": _strip(plain.get("judge_model") or {}, TRANSPORT),
            "sstar": _strip(plain.get("sstar") or {}, TRANSPORT),
            "reselect_from": plain.get("reselect_from")}


def differences(before: dict, after: dict, prefix: str = "") -> list[str]:
    """``n: 4 → 2`` for each leaf that differs (S* settings by their own name, the rest with their section)."""
    out = []
    for key in sorted(set(before) | set(after), key=str):
        a, b = before.get(key), after.get(key)
        name = f"{prefix}{key}"
        if isinstance(a, dict) and isinstance(b, dict):
            out += differences(a, b, "" if name == "sstar" else f"{name}.")
        elif a != b:
            out.append(f"{name}: {_show(a)} → {_show(b)}")
    return out


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def provenance() -> dict:
    """sstar's version, the git commit when sstar runs from a checkout, and the command line."""
    from .. import __version__

    return {"sstar_version": __version__, "git_commit": git_commit(),
            "command": " ".join(shlex.quote(a) for a in [_program(), *sys.argv[1:]]),
            "python": sys.version.split()[0], "host": os.uname().nodename}


def _program() -> str:
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    return "sstar" if name in ("__main__.py", "sstar", "-m") else name


def git_commit() -> str | None:
    package = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "-C", str(package), "rev-parse", "HEAD", "--show-toplevel"],
                              capture_output=True, text=True, timeout=5)
        lines = head.stdout.split()
        # Only a checkout of sstar itself counts, not some repository that happens to hold an installed copy.
        if head.returncode != 0 or len(lines) != 2 or Path(lines[1]).resolve() / "sstar" != package:
            return None
        dirty = subprocess.run(["git", "-C", str(package), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5)
        return lines[0] + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None
