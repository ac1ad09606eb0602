"""Problems in the LiveCodeBench record format (code_generation_lite).

Official release files load as they are: test lists may be JSON strings, the
private tests may be the compressed string the release uses (base64 -> zlib ->
pickle -> JSON), and ``metadata`` may be a JSON string. A malformed file gets
a :class:`ProblemFormatError` naming the file, the line and the field.
"""

from __future__ import annotations

import base64
import enum
import io
import json
import pickle
import re
import zlib
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator


class ProblemFormatError(ValueError):
    """A problem file that cannot be read; the message names file, line and field."""


class TestType(str, enum.Enum):
    __test__ = False  # not a pytest class

    STDIN = "stdin"
    FUNCTIONAL = "functional"


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


class TestCase(BaseModel):
    model_config = ConfigDict(frozen=True)
    __test__ = False  # not a pytest class

    input: str
    output: str
    testtype: TestType

    @field_validator("input", "output", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        return value

    def arguments(self) -> tuple[str, ...]:
        """Functional tests: one JSON text per argument (the input's lines)."""
        return tuple(line for line in self.input.split("\n") if line.strip())


class _RestrictedUnpickler(pickle.Unpickler):
    """The release pickles a plain string: refuse anything that names a class."""

    def find_class(self, module: str, name: str):  # pragma: no cover - only hostile files get here
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a test-case blob")


def decode_test_cases(value: Any) -> Any:
    """A test list as stored: a list, a JSON string, or the release's compressed blob."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return []
    if text[0] == "[":
        return json.loads(text)
    raw = zlib.decompress(base64.b64decode(text))
    inner = _RestrictedUnpickler(io.BytesIO(raw)).load()
    if isinstance(inner, bytes):
        inner = inner.decode()
    return json.loads(inner) if isinstance(inner, str) else inner


def encode_test_cases(tests: list[dict]) -> str:
    """The compressed form the official release uses (for round-trip tests and converters)."""
    return base64.b64encode(zlib.compress(pickle.dumps(json.dumps(tests)))).decode()


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
            return json.loads(value)
        return value

    @model_validator(mode="after")
    def _functional_arguments_are_json(self) -> "Problem":
        for field in ("public_test_cases", "private_test_cases"):
            for i, test in enumerate(getattr(self, field)):
                if test.testtype is not TestType.FUNCTIONAL:
                    continue
                for part, texts in (("input", test.arguments()), ("output", (test.output,))):
                    for text in texts:
                        try:
                            json.loads(text)
                        except ValueError:
                            raise ValueError(f"{field}[{i}].{part}: not JSON: {text[:60]!r}") from None
        if self.test_type is TestType.FUNCTIONAL and not self.func_name:
            raise ValueError("functional problem without metadata.func_name or a method in starter_code")
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
        """Per-problem limits from ``metadata`` (``time_limit_s``, ``memory_limit_mb``)."""
        out: dict[str, float] = {}
        for key, field in (("time_limit_s", "time_s"), ("memory_limit_mb", "memory_mb")):
            if key in self.metadata:
                out[field] = float(self.metadata[key]) if field == "time_s" else int(self.metadata[key])
        return out


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        loc = ".".join(str(p) for p in err["loc"]) or "record"
        parts.append(f"field '{loc}': {err['msg']}")
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
    if not path.is_file():
        raise ProblemFormatError(f"{path}: no such file")
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as fh:
            for number, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise ProblemFormatError(f"{path}, line {number}: invalid JSON ({exc.msg}, column {exc.colno})") from None
                yield problem_from_dict(record, str(path), number)
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ProblemFormatError(f"{path}, line {exc.lineno}: invalid JSON ({exc.msg})") from None
    except UnicodeDecodeError as exc:
        raise ProblemFormatError(f"{path}: not UTF-8 text ({exc.reason})") from None
    records = data if isinstance(data, list) else [data]
    for i, record in enumerate(records):
        yield problem_from_dict(record, f"{path}" + (f" [record {i}]" if isinstance(data, list) else ""))


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
