"""What a functional problem's arguments are: names and annotations from the starter code, kinds and
list depths from the annotations or the public inputs' JSON."""

from __future__ import annotations

import ast
from typing import Any


def signature(starter_code: str, func_name: str) -> list[tuple[str, str]]:
    """(argument name, annotation text) of the method, ``self`` excluded."""
    code = starter_code.rstrip()
    for attempt in (code, code + "\n        pass", code + "\n    pass"):
        try:
            tree = ast.parse(attempt)
            break
        except SyntaxError:
            continue
    else:
        return []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == func_name:
            return [(a.arg, ast.unparse(a.annotation) if a.annotation else "") for a in node.args.args if a.arg != "self"]
    return []


def _kind_from_hint(hint: str) -> tuple[str, int]:
    h = hint.replace("typing.", "").replace(" ", "")
    depth = 0
    while True:
        lowered = h.lower()
        for prefix in ("list[", "optional["):
            if lowered.startswith(prefix) and h.endswith("]"):
                depth += prefix == "list["
                h = h[len(prefix):-1]
                break
        else:
            break
    base = {"int": "int", "float": "float", "bool": "bool", "str": "str"}.get(h.lower(), "")
    return base, depth


def _kind_from_value(value: Any) -> tuple[str, int]:
    depth = 0
    while isinstance(value, list):
        depth += 1
        value = next((v for v in value if v is not None), None) if value else None
    if isinstance(value, bool):
        return "bool", depth
    if isinstance(value, int):
        return "int", depth
    if isinstance(value, float):
        return "float", depth
    if isinstance(value, str):
        return "str", depth
    return "", depth


def _leaves(value: Any):
    if isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def _lengths(value: Any, depth: int):
    if depth == 0 or not isinstance(value, list):
        return
    yield len(value)
    if depth > 1:
        for v in value:
            yield from _lengths(v, depth - 1)
