"""``Problem.from_dict``: a problem from plain data, as an agent writes it.

A minimal dict needs only a statement and tests::

    {"statement": "Print the sum of two integers.", "tests": [["1 2\\n", "3\\n"], {"input": "5 5", "output": "10"}]}
    {"statement": "...", "starter_code": "class Solution:\\n    def add(self, a: int, b: int) -> int:\\n",
     "tests": [{"input": [1, 2], "output": 3}, {"input": {"a": 5, "b": 5}, "output": 10}]}

The kind (stdin or functional) comes from the starter code (a ``def`` means functional) or ``function_name``;
``kind`` overrides it. Functional inputs may be the argument list, a dict by parameter name, or
LiveCodeBench's JSON lines; outputs a value or its JSON text. The id is derived from the content when
missing (stable, so caches and traces line up). A full LiveCodeBench record is accepted as well, with
``question_id`` and each test's ``testtype`` filled in when absent.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

ALIASES = {
    "id": "question_id", "title": "question_title", "statement": "question_content",
    "description": "question_content", "tests": "public_test_cases", "public_tests": "public_test_cases",
    "private_tests": "private_test_cases", "hidden_tests": "private_test_cases",
}
META = {"function_name": "func_name", "func_name": "func_name", "time_limit_s": "time_limit_s",
        "memory_limit_mb": "memory_limit_mb"}
MINIMAL = set(ALIASES) | set(META) | {"kind", "starter_code"}
KINDS = ("stdin", "functional")


def problem_from_any(record: Any, source: str = "<dict>"):
    """A :class:`~sstar.problem.Problem` from a minimal dict or a LiveCodeBench record."""
    from .problem import Problem, ProblemFormatError, problem_from_dict

    if isinstance(record, Problem):
        return record
    if not isinstance(record, dict):
        raise ProblemFormatError(f"{source}: a problem is a dict (statement, tests, ...), got {type(record).__name__}")
    data = _canonical(record, source)
    kind = _kind(data, source)
    spelt = {ALIASES.get(k, k): k for k in record}  # messages use the caller's own field names
    for field in ("public_test_cases", "private_test_cases"):
        if field in data:
            where = f"{source}: {spelt.get(field, field)}"
            data[field] = [_test(t, kind, data, f"{where}[{i}]") for i, t in enumerate(_test_list(data[field], where))]
    if not data.get("question_id"):
        data["question_id"] = _content_id(data)
    return problem_from_dict(data, source)


def _canonical(record: dict, source: str) -> dict:
    from .problem import Problem, ProblemFormatError

    minimal = any(k in MINIMAL and k not in Problem.model_fields for k in record)
    if minimal:
        unknown = [k for k in record if k not in MINIMAL and k not in Problem.model_fields]
        if unknown:
            raise ProblemFormatError(f"{source}: unknown field {unknown[0]!r}; a problem dict takes "
                                     f"{', '.join(sorted(MINIMAL))} (or the LiveCodeBench fields)")
    data: dict[str, Any] = {}
    metadata = dict(_metadata(record.get("metadata"), source))
    for key, value in record.items():
        if key in META:
            metadata[META[key]] = value
            continue
        target = ALIASES.get(key, key)
        if target in data:
            raise ProblemFormatError(f"{source}: both {key!r} and another name for {target!r} are given")
        data[target] = value
    if metadata:
        data["metadata"] = metadata
    return data


def _metadata(value: Any, source: str) -> dict:
    from .problem import ProblemFormatError

    if value in (None, ""):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ProblemFormatError(f"{source}: field 'metadata': not JSON") from None
    if not isinstance(value, dict):
        raise ProblemFormatError(f"{source}: field 'metadata': expected an object")
    return value


def _kind(data: dict, source: str) -> str:
    from .problem import ProblemFormatError

    kind = data.pop("kind", None)
    if kind is not None:
        if kind not in KINDS:
            raise ProblemFormatError(f"{source}: field 'kind': {kind!r} is not one of {', '.join(KINDS)}")
        return kind
    for field in ("public_test_cases", "private_test_cases"):
        tests = data.get(field)
        if isinstance(tests, list):
            for test in tests:
                if isinstance(test, dict) and test.get("testtype") in KINDS:
                    return test["testtype"]
    starter = data.get("starter_code") or ""
    return "functional" if re.search(r"\bdef\s+\w+\s*\(", starter) or data.get("metadata", {}).get("func_name") \
        else "stdin"


def _test_list(value: Any, where: str) -> list:
    from .problem import ProblemFormatError, decode_test_cases

    try:
        value = decode_test_cases(value)
    except Exception:  # noqa: BLE001 - any decoding failure is a format error
        raise ProblemFormatError(f"{where}: expected a list of tests (or LiveCodeBench's JSON or compressed "
                                 "text of one)") from None
    if not isinstance(value, (list, tuple)):
        raise ProblemFormatError(f"{where}: expected a list of tests, got {type(value).__name__}")
    return list(value)


def _test(test: Any, kind: str, data: dict, where: str) -> dict:
    from .problem import ProblemFormatError

    if isinstance(test, (list, tuple)) and len(test) == 2:
        given, expected, testtype = test[0], test[1], kind
    elif isinstance(test, dict) and {"input", "output"} <= set(test) and set(test) <= {"input", "output", "testtype"}:
        given, expected, testtype = test["input"], test["output"], test.get("testtype", kind)
    else:
        raise ProblemFormatError(f"{where}: a test is {{\"input\": ..., \"output\": ...}} or [input, output]")
    if testtype == "functional":
        return {"input": _arguments(given, data, where), "output": _value_text(expected), "testtype": testtype}
    return {"input": _stdin_text(given, where), "output": _stdin_text(expected, where), "testtype": testtype}


def _stdin_text(value: Any, where: str) -> str:
    from .problem import ProblemFormatError

    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float)) for v in value):
        return "".join(f"{v}\n" for v in value)  # one line each
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    raise ProblemFormatError(f"{where}: a stdin test's input and output are text (or a list of lines)")


def _value_text(value: Any) -> str:
    """A functional output: its JSON text as LiveCodeBench stores it; a string that is not JSON is the value."""
    if isinstance(value, str):
        try:
            json.loads(value)
            return value
        except ValueError:
            return json.dumps(value)
    return json.dumps(value)


def _arguments(value: Any, data: dict, where: str) -> str:
    from .problem import ProblemFormatError

    if isinstance(value, str):
        return value  # LiveCodeBench's form: one JSON text per line
    if isinstance(value, dict):
        names = parameter_names(data.get("starter_code") or "", data.get("metadata", {}).get("func_name"))
        if set(value) != set(names):
            raise ProblemFormatError(f"{where}: the input names {sorted(value)} but the starter code's "
                                     f"parameters are {names}")
        value = [value[name] for name in names]
    if isinstance(value, (list, tuple)):
        return "\n".join(json.dumps(v) for v in value)
    raise ProblemFormatError(f"{where}: a functional input is the argument list, a dict by parameter name, "
                             "or JSON lines")


def parameter_names(starter_code: str, func_name: str | None = None) -> list[str]:
    """The parameters of the starter code's function (``self`` left out), read without executing it."""
    name = re.escape(func_name) if func_name else r"\w+"
    found = re.findall(rf"def\s+{name}\s*\((.*?)\)\s*(?:->[^:]*)?:", starter_code, re.S)
    if not found:
        return []
    names = []
    depth, current = 0, ""
    for ch in found[-1] + ",":
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            bare = current.split(":")[0].split("=")[0].strip().lstrip("*")
            if bare and bare != "self":
                names.append(bare)
            current = ""
        else:
            current += ch
    return names


def _content_id(data: dict) -> str:
    digest = hashlib.sha256(json.dumps({k: data.get(k) for k in ("question_content", "starter_code",
                                        "public_test_cases")}, sort_keys=True, default=str).encode()).hexdigest()
    return f"problem-{digest[:12]}"
