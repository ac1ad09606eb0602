"""Test inputs written by the model: edge cases and tricky inputs, in the problem's own format."""

from __future__ import annotations

import json

from ..fences import fenced_blocks
from ..problem import Problem, TestType


def parse_model_inputs(answer: str, problem: Problem, arity: int, max_chars: int) -> list[str]:
    """The inputs in a model's answer: validated, normalized, deduplicated."""
    blocks = [body for _, body in fenced_blocks(answer)]
    out: list[str] = []
    for body in blocks:
        if problem.test_type is TestType.FUNCTIONAL:
            out += _functional(body, arity)
        else:
            normalized = "\n".join(line.rstrip() for line in body.strip("\n").split("\n")).strip("\n")
            if normalized.strip():
                out.append(normalized + "\n")
    return list(dict.fromkeys(t for t in out if len(t) <= max_chars))


def _functional(body: str, arity: int) -> list[str]:
    try:
        value = json.loads(body)
    except RecursionError:  # nested deeper than Python's parser goes: no program could take it either
        return []
    except ValueError:
        # Also accept one JSON value per line, one line per argument.
        lines = [line for line in body.strip().split("\n") if line.strip()]
        try:
            value = [json.loads(line) for line in lines]
        except (ValueError, RecursionError):
            return []
        return [_as_text(value)] if len(value) == arity else []
    if isinstance(value, list) and len(value) == arity and (arity != 1 or not _is_arg_list(value, arity)):
        return [_as_text(value)]
    if isinstance(value, list) and value and all(isinstance(v, list) and len(v) == arity for v in value):
        return [_as_text(v) for v in value]  # several inputs in one block
    return []


def _is_arg_list(value, arity: int) -> bool:
    return all(isinstance(v, list) and len(v) == arity for v in value)


def _as_text(args) -> str:
    return "\n".join(json.dumps(a) for a in args)


