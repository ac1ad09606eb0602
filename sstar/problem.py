"""Problems in the LiveCodeBench record format (code_generation_lite).

Official release files load as they are: test lists may be JSON strings, the
private tests may be the compressed string the release uses (base64 -> zlib ->
pickle -> JSON; the test cases and that codec: :mod:`sstar.problem_tests`), and
``metadata`` may be a JSON string. A malformed file gets a
:class:`ProblemFormatError` naming the file, the line and the field.
"""

from __future__ import annotations

import enum
import json
import re
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from .problem_checks import LIMITS, check_json, check_limit, loads_json
from .problem_tests import TestCase, TestType, decode_test_cases, encode_test_cases

# The test cases' names are public here as well (``from sstar.problem import TestCase``).
__all__ = ["Difficulty", "Platform", "Problem", "ProblemFormatError", "TestCase", "TestType", "decode_test_cases",
           "encode_test_cases", "iter_problems", "json_record", "load_problem", "load_problems", "problem_from_dict"]


class ProblemFormatError(ValueError):
    """A problem file that cannot be read; the message names file, line and field."""


class Platform(str, enum.Enum):
    LEETCODE = "leetcode"
    ATCODER = "atcoder"
    CODEFORCES = "codeforces"
    OTHER = "other"

    @classmethod
    def _missing_(cls, value: object) -> "Platform":
        if isinstance(value, str):
            lowered = value.strip().lower()
            for member in cls:
                if member.value == lowered:
                    return member
            return cls.OTHER  # kattis, codechef, ...: keep the problem, lose only the label
        return None  # type: ignore[return-value]


class Difficulty(str, enum.Enum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"

    @classmethod
    def _missing_(cls, value: object) -> "Difficulty | None":
        if not isinstance(value, str) or not value.strip():
            return None
        label = value.strip().lower()
        for member in cls:
            if member.value == label:
                return member
        # Other sets carry other labels (CodeContests: "MEDIUM_HARD", ratings, ...): keep them, as given.
        extra = cls._value2member_map_.get(value.strip())
        if extra is None:
            extra = str.__new__(cls, value.strip())
            extra._name_, extra._value_ = value.strip().upper(), value.strip()
            cls._value2member_map_[value.strip()] = extra
        return extra


_DEF_RE = re.compile(r"def\s+([A-Za-z_]\w*)\s*\(\s*self\b")
_TOP_DEF_RE = re.compile(r"^def\s+([A-Za-z_]\w*)\s*\(", re.M)


class Problem(BaseModel):
    """One programming problem with its public and private tests."""

    model_config = ConfigDict(frozen=True, extra="allow")

    question_id: str
    question_title: str = ""
    question_content: str = ""
    platform: Platform = Platform.OTHER
    contest_id: str = ""
    contest_date: str = ""
    difficulty: Difficulty | None = None
    starter_code: str = ""
    public_test_cases: tuple[TestCase, ...] = ()
    private_test_cases: tuple[TestCase, ...] = ()
    metadata: dict[str, Any] = {}

    @field_validator("question_id", "contest_id", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("contest_date", "question_title", "question_content", "starter_code", mode="before")
    @classmethod
    def _optional_text(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("difficulty", mode="before")
    @classmethod
    def _difficulty(cls, value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)  # a rating (Codeforces-style sets): kept as the label
        return None if value in (None, "") else value

    @field_validator("public_test_cases", "private_test_cases", mode="before")
    @classmethod
    def _tests(cls, value: Any) -> Any:
        try:
            return decode_test_cases(value)
        except Exception as exc:  # noqa: BLE001 - any decoding failure is a format error
            raise ValueError(f"not a JSON list nor a compressed test blob ({type(exc).__name__}: {exc})") from None

    @field_validator("metadata", mode="before")
    @classmethod
    def _metadata(cls, value: Any) -> Any:
        if value is None or value == "":
            return {}
        if isinstance(value, str):
            return loads_json(value)
        return value

    @model_validator(mode="after")
    def _functional_arguments_are_json(self) -> "Problem":
        for field in ("public_test_cases", "private_test_cases"):
            for i, test in enumerate(getattr(self, field)):
                if test.testtype is not TestType.FUNCTIONAL:
                    continue
                part = "input"  # its arguments, then the output
                try:
                    for text in test.arguments():
                        check_json(text)
                    part, text = "output", test.output
                    check_json(text)
                except ValueError as exc:
                    raise ValueError(f"{field}[{i}].{part}: {exc}: {text[:60]!r}") from None
        if self.test_type is TestType.FUNCTIONAL and not self.func_name:
            raise ValueError("functional problem without metadata.func_name or a method in starter_code")
        for key, (low, high) in LIMITS.items():
            if key in self.metadata:
                check_limit(key, self.metadata[key], low, high)
        return self

    @classmethod
    def from_dict(cls, data: Any) -> "Problem":
        """A problem from plain data: a minimal dict (statement, tests, optional starter code and function
        name) or a LiveCodeBench record. See :mod:`sstar.problem_dict`."""
        from .problem_dict import problem_from_any

        return problem_from_any(data)

    # -- derived ----------------------------------------------------------
    @property
    def test_type(self) -> TestType:
        tests = self.public_test_cases or self.private_test_cases
        if tests:
            return tests[0].testtype
        return TestType.FUNCTIONAL if self.starter_code.strip() else TestType.STDIN

    @property
    def func_name(self) -> str:
        name = self.metadata.get("func_name")
        if name:
            return str(name)
        found = _DEF_RE.findall(self.starter_code) or _TOP_DEF_RE.findall(self.starter_code)
        return found[-1] if found else ""

    def tests(self, which: str = "all") -> tuple[TestCase, ...]:
        """``public``, ``private`` or ``all`` (public first)."""
        if which == "public":
            return self.public_test_cases
        if which == "private":
            return self.private_test_cases
        if which == "all":
            return self.public_test_cases + self.private_test_cases
        raise ValueError(f"unknown test selection {which!r}: use public, private or all")

    def limit_overrides(self) -> dict[str, float]:
        """Per-problem limits from ``metadata`` (``time_limit_s``, ``memory_limit_mb``; checked on load)."""
        out: dict[str, float] = {}
        for key, field in (("time_limit_s", "time_s"), ("memory_limit_mb", "memory_mb")):
            if key in self.metadata:
                value = check_limit(key, self.metadata[key], *LIMITS[key])
                out[field] = value if field == "time_s" else max(1, int(value))
        return out


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        loc = ".".join(str(p) for p in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        parts.append(f"field '{loc}': {message}" if loc else message)
    return "; ".join(parts)


def problem_from_dict(record: Any, source: str = "<dict>", line: int | None = None) -> Problem:
    where = f"{source}, line {line}" if line is not None else source
    if not isinstance(record, dict):
        raise ProblemFormatError(f"{where}: expected a JSON object, got {type(record).__name__}")
    try:
        return Problem.model_validate(record)
    except ValidationError as exc:
        raise ProblemFormatError(f"{where}: {_describe(exc)}") from None


def iter_problems(path: str | Path) -> Iterator[Problem]:
    """Problems from a ``.json`` file (one object or a list) or a ``.jsonl`` file."""
    path = Path(path)
    if path.is_dir():
        raise ProblemFormatError(f"{path}: is a directory, not a problem file (.json or .jsonl)")
    if not path.is_file():
        raise ProblemFormatError(f"{path}: no such file")
    try:
        if path.suffix == ".jsonl":
            with path.open("rb") as fh:
                for number, raw in enumerate(fh, start=1):
                    if raw.strip():
                        yield problem_from_dict(json_record(raw, f"{path}, line {number}"), str(path), number)
            return
        data = json_record(path.read_bytes(), str(path))
    except OSError as exc:
        raise ProblemFormatError(f"{path}: cannot read ({exc.strerror or exc})") from None
    records = data if isinstance(data, list) else [data]
    for i, record in enumerate(records):
        yield problem_from_dict(record, f"{path}" + (f" [record {i}]" if isinstance(data, list) else ""))


def json_record(raw: bytes, where: str) -> Any:
    """One JSON document from raw bytes; every failure a ProblemFormatError naming ``where``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProblemFormatError(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        line = f", line {exc.lineno}" if ", line" not in where else ""
        raise ProblemFormatError(f"{where}{line}: invalid JSON ({exc.msg}, column {exc.colno})") from None
    except RecursionError:
        raise ProblemFormatError(f"{where}: invalid JSON (nested too deeply)") from None
    except ValueError as exc:  # e.g. an integer too long to convert
        raise ProblemFormatError(f"{where}: invalid JSON ({exc})") from None


def load_problems(path: str | Path) -> list[Problem]:
    return list(iter_problems(path))


def load_problem(path: str | Path, question_id: str | None = None) -> Problem:
    """Exactly one problem: the file's only one, or the one with ``question_id``."""
    problems = load_problems(path)
    if question_id is not None:
        for problem in problems:
            if problem.question_id == question_id:
                return problem
        raise ProblemFormatError(f"{path}: no problem with question_id {question_id!r}")
    if len(problems) != 1:
        raise ProblemFormatError(f"{path}: holds {len(problems)} problems; choose one by question_id")
    return problems[0]
