"""The DeepSeek-Coder LeetCode contest set -> LiveCodeBench functional records.

Each record's ``test`` is Python: ``my_solution = Solution()`` then blocks of
``test_input = {...}`` / ``assert my_solution.METHOD(**test_input) == EXPECTED``.
The first k asserts, k being the number of "Example N:" in the statement,
are the public tests; the rest are private.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from typing import Any

_EXAMPLE_RE = re.compile(r"^\s*Example \d+:", re.M)


class ConversionError(ValueError):
    pass


def _signature(starter: str, method: str) -> list[str]:
    tree = ast.parse(starter + "\n        pass\n" if starter.rstrip().endswith(":") else starter)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == method:
            return [a.arg for a in node.args.args if a.arg != "self"]
    raise ConversionError(f"method {method!r} not found in the starter code")


def _cases(test_source: str) -> tuple[str, list[tuple[dict, Any]]]:
    method, current, cases = "", None, []
    for stmt in ast.parse(test_source).body:
        if isinstance(stmt, ast.Assign) and getattr(stmt.targets[0], "id", "") == "test_input":
            try:
                current = ast.literal_eval(stmt.value)
            except ValueError:
                raise ConversionError(f"line {stmt.lineno}: test input is not a literal") from None
        elif isinstance(stmt, ast.Assert) and isinstance(stmt.test, ast.Compare):
            call = stmt.test.left
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)) or current is None:
                raise ConversionError(f"unexpected assert at line {stmt.lineno}")
            method = call.func.attr
            try:
                cases.append((current, ast.literal_eval(stmt.test.comparators[0])))
            except ValueError:
                raise ConversionError(f"line {stmt.lineno}: expected value is not a literal (a linked list or "
                                      "tree object?)") from None
            current = None
    return method, cases


def convert_record(record: dict) -> dict:
    """One DeepSeek LeetCode record as a LiveCodeBench functional problem."""
    prompt = record["prompt"]
    starter = prompt[prompt.rindex('"""') + 3:].strip("\n") if '"""' in prompt else ""
    method, cases = _cases(record["test"])
    names = _signature(starter, method)
    tests = []
    for inputs, expected in cases:
        if set(inputs) != set(names):
            raise ConversionError(f"test arguments {sorted(inputs)} do not match the signature {names}")
        tests.append({"input": "\n".join(json.dumps(inputs[n]) for n in names),
                      "output": json.dumps(expected), "testtype": "functional"})
    statement = record.get("prompt_sft") or prompt
    k = len(_EXAMPLE_RE.findall(statement)) or 1
    task_id = record["task_id"]
    contest = re.match(r"((?:bi)?weekly-contest-\d+)", task_id)
    start = record.get("start_time")
    return {
        "question_id": task_id,
        "question_title": record.get("meta", {}).get("title") or record.get("title", task_id),
        "question_content": statement,
        "platform": "leetcode",
        "contest_id": contest.group(1) if contest else "",
        "contest_date": dt.datetime.fromtimestamp(start, dt.timezone.utc).isoformat() if start else "",
        "difficulty": record.get("meta", {}).get("difficulty", "").lower() or None,
        "starter_code": starter,
        "public_test_cases": tests[:k],
        "private_test_cases": tests[k:],
        "metadata": {"func_name": method, "source": "DeepSeek-Coder LeetCode contest set (MIT)",
                     "url": record.get("url", "")},
    }
