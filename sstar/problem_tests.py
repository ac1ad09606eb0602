"""A problem's tests: one test case, and the test lists as LiveCodeBench's release stores them.

A list is stored as a list, a JSON string, or (the release's private tests) a compressed string:
base64 -> zlib -> pickle -> JSON. :class:`sstar.problem.Problem` reads its test fields through
``decode_test_cases``; both names are importable from :mod:`sstar.problem` as well.
"""

from __future__ import annotations

import base64
import enum
import io
import json
import pickle
import zlib
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from .problem_checks import loads_json


class TestType(str, enum.Enum):
    __test__ = False  # not a pytest class

    STDIN = "stdin"
    FUNCTIONAL = "functional"


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
        return loads_json(text)
    raw = zlib.decompress(base64.b64decode(text))
    inner = _RestrictedUnpickler(io.BytesIO(raw)).load()
    if isinstance(inner, bytes):
        inner = inner.decode()
    return json.loads(inner) if isinstance(inner, str) else inner


def encode_test_cases(tests: list[dict]) -> str:
    """The compressed form the official release uses (for round-trip tests and converters)."""
    return base64.b64encode(zlib.compress(pickle.dumps(json.dumps(tests)))).decode()
