"""What the library's functions accept, turned into what the pipeline takes: problems, programs, config.

A problem is a :class:`Problem`, a dict (a minimal one or a LiveCodeBench record) or a path; a program
is its text or a :class:`~pathlib.Path`. A string that names no file but looks like a path is a
mistake, not a program: taking ``"cand_a.py"`` for program text would run it, fail, and quietly
lose a candidate.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional, Sequence, Union

from ..problem import Problem, load_problem
from .config import SStarConfig

ProblemLike = Union[Problem, dict, str, Path]
ProgramLike = Union[str, Path]

# A one-line program nearly always holds one of these; a file path seldom does.
_CODE_CHARS = set("()=;'\"[]{}<>+*,")
_SUFFIX = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}$")


class CandidateError(ValueError):
    """A candidate that is neither a program nor a readable file; the message names it."""


def as_problem(problem: ProblemLike) -> Problem:
    if isinstance(problem, Problem):
        return problem
    if isinstance(problem, dict):
        return Problem.from_dict(problem)
    if isinstance(problem, str) and problem.lstrip().startswith("{"):  # a record sent as JSON text (MCP clients do)
        return Problem.from_dict(_json_object(problem))
    if isinstance(problem, (str, Path)):
        return load_problem(problem)
    raise TypeError(f"a problem is a Problem, a dict or a path, not {type(problem).__name__}")


def _json_object(text: str) -> dict:
    import json

    from ..problem import ProblemFormatError

    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProblemFormatError(f"<problem text>: invalid JSON ({exc.msg}, line {exc.lineno})") from None
    except RecursionError:
        raise ProblemFormatError("<problem text>: JSON nested too deeply to read") from None


def as_config(config: Union[SStarConfig, dict, None], **overrides: Any) -> SStarConfig:
    base = config if isinstance(config, SStarConfig) else SStarConfig(**(config or {}))
    return base.model_copy(update={k: v for k, v in overrides.items() if v is not None}) if overrides else base


def looks_like_path(text: str) -> bool:
    """``cand_a.py``, ``out/b``, ``~/x.txt``: one line, no code punctuation, a suffix or a separator."""
    s = text.strip()
    if not s or "\n" in s or any(c in _CODE_CHARS for c in s):
        return False
    return bool(_SUFFIX.search(s)) or "/" in s or "\\" in s or s.startswith("~")


def read_candidate(item: ProgramLike, index: int = 0) -> tuple[str, Optional[str]]:
    """(program text, its path or None)."""
    if isinstance(item, Path):
        return _read(item, index), str(item)
    if not isinstance(item, str):
        raise CandidateError(f"candidate {index}: a program is a string or a pathlib.Path, "
                             f"not {type(item).__name__}")
    if looks_like_path(item):
        path = Path(item.strip()).expanduser()
        if not path.exists():
            raise CandidateError(f"candidate {index}: {item.strip()!r} looks like a file path but no such file "
                                 "exists; pass the program's text, or the path of a file that exists")
        return _read(path, index), item.strip()
    return item, None


def read_candidates(items: Sequence[ProgramLike]) -> tuple[list[str], list[Optional[str]]]:
    if isinstance(items, (str, Path)):
        raise CandidateError("candidates are a list of programs (strings or Paths), not one "
                             f"{type(items).__name__}")
    pairs = [read_candidate(item, i) for i, item in enumerate(items)]
    return [code for code, _ in pairs], [path for _, path in pairs]


def _read(path: Path, index: int) -> str:
    try:
        return path.expanduser().read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CandidateError(f"candidate {index}: {path}: no such file") from None
    except IsADirectoryError:
        raise CandidateError(f"candidate {index}: {path}: is a directory, not a program") from None
    except UnicodeDecodeError:
        raise CandidateError(f"candidate {index}: {path}: not UTF-8 text") from None
    except OSError as exc:
        raise CandidateError(f"candidate {index}: {path}: {exc.strerror}") from None
