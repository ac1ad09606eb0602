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

from ..judge.structures import node_kinds

_EXAMPLE_RE = re.compile(r"^\s*Example \d+:", re.M)


class ConversionError(ValueError):
    pass


def _signature(starter: str, method: str) -> list[str]:
    tree = ast.parse(starter + "\n        pass\n" if starter.rstrip().endswith(":") else starter)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == method:
            return [a.arg for a in node.args.args if a.arg != "self"]
    raise ConversionError(f"method {method!r} not found in the starter code")


def _helpers(tree: ast.Module) -> dict[str, tuple[str, str]]:
    """The test's conversion helpers, by name: ``(direction, kind)``.

    Problems on linked lists and trees define, at the top of ``test``, lambdas that build the argument
    from its list encoding (``_f1 = lambda lst: ListNode(lst[0], _f1(lst[1:])) if lst else None``) and
    turn the returned object back (``_f2 = lambda node: [node.val] + _f2(node.next) if node else []``).
    They are read, never run: ``encode`` names the ``ListNode``/``TreeNode`` class, ``decode`` walks a node's links."""
    found = {}
    for stmt in tree.body:
        if not (isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Lambda)
                and isinstance(stmt.targets[0], ast.Name)):
            continue
        names = {n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)}
        attrs = {n.attr for n in ast.walk(stmt.value) if isinstance(n, ast.Attribute)}
        for cls, kind, walks in (("ListNode", "list", {"next"}), ("TreeNode", "tree", {"left", "right"})):
            if cls in names:
                found[stmt.targets[0].id] = ("encode", kind)
            elif walks & attrs and "val" in attrs:
                found[stmt.targets[0].id] = ("decode", kind)
    return found


def _literal(node: ast.expr, helpers: dict[str, tuple[str, str]], direction: str, where: str) -> Any:
    """A literal, or a helper call on one (the literal is then the structure's list encoding)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers:
        if helpers[node.func.id][0] != direction or len(node.args) != 1:
            raise ConversionError(f"{where}: {node.func.id}() used the other way round")
        inner = node.args[0]
        if direction == "decode":  # decode(my_solution.method(...)): the call itself
            return inner
        value = _literal(inner, helpers, direction, where)
        if not isinstance(value, list):
            raise ConversionError(f"{where}: {node.func.id}() of a {type(value).__name__}, not a list encoding")
        return value
    if isinstance(node, ast.Dict):
        return {_literal(k, helpers, direction, where): _literal(v, helpers, direction, where)
                for k, v in zip(node.keys, node.values)}
    try:
        return ast.literal_eval(node)
    except ValueError:
        what = "test input" if direction == "encode" else "expected value"
        raise ConversionError(f"{where}: {what} is not a literal") from None


def _cases(test_source: str) -> tuple[str, list[tuple[dict, Any]], dict[str, str]]:
    """(method name, [(arguments, expected)], the structures the tests build: argument name or
    ``return`` -> ``list``/``tree``)."""
    tree = ast.parse(test_source)
    helpers = _helpers(tree)
    method, current, cases, built = "", None, [], {}
    for stmt in tree.body:
        where = f"line {stmt.lineno}"
        if isinstance(stmt, ast.Assign) and getattr(stmt.targets[0], "id", "") == "test_input":
            current = _literal(stmt.value, helpers, "encode", where)
            for key, value in zip(getattr(stmt.value, "keys", []), getattr(stmt.value, "values", [])):
                if isinstance(value, ast.Call) and getattr(value.func, "id", "") in helpers:
                    built[ast.literal_eval(key)] = helpers[value.func.id][1]
        elif isinstance(stmt, ast.Assert) and isinstance(stmt.test, ast.Compare):
            call, decoded = stmt.test.left, ""
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in helpers:
                decoded = helpers[call.func.id][1]
                call = _literal(call, helpers, "decode", where)
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)) or current is None:
                raise ConversionError(f"unexpected assert at {where}")
            method = call.func.attr
            if decoded:
                built["return"] = decoded
            expected = _literal(stmt.test.comparators[0], helpers, "encode", where)
            if decoded == "tree" and isinstance(expected, list):
                while expected and expected[-1] is None:  # LeetCode prints a tree without trailing nulls
                    expected.pop()
            cases.append((current, expected))
            current = None
    return method, cases, built


def convert_record(record: dict) -> dict:
    """One DeepSeek LeetCode record as a LiveCodeBench functional problem."""
    prompt = record["prompt"]
    starter = prompt[prompt.rindex('"""') + 3:].strip("\n") if '"""' in prompt else ""
    method, cases, built = _cases(record["test"])
    names = _signature(starter, method)
    # The runner builds and reads structures from the signature's types: they must be the tests' own.
    kinds = node_kinds(starter, method)
    typed = dict(zip(names, kinds.params)) | {"return": kinds.returns}
    for name, kind in built.items():
        if typed.get(name, "").removesuffix("[]") != kind:
            what = "returns" if name == "return" else f"types {name!r} as"
            raise ConversionError(f"the tests build a {kind} structure for {name!r}, the signature {what} "
                                  f"{typed.get(name) or 'no ListNode/TreeNode'}")
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
