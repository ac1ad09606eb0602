"""Getting the program out of a model's answer.

The last fenced block wins (a model often shows a draft, then the fix);
thinking text is ignored; an unclosed fence takes the rest of the answer;
an answer with no fence is taken whole only if it parses as Python that
looks like a program. Anything else is "no code", recorded as such.
"""

from __future__ import annotations

import ast

from ..fences import fenced_blocks
from ..models.base import split_thinking
NOT_CODE_LANGS = {"text", "txt", "output", "input", "plaintext", "console", "bash", "sh", "shell", "json"}


def extract_code(answer: str) -> str | None:
    _, text = split_thinking(answer or "")
    blocks = fenced_blocks(answer)
    code_blocks = [body for lang, body in blocks if lang not in NOT_CODE_LANGS and body.strip()]
    if code_blocks:
        return _clean(code_blocks[-1])
    tail = text.rsplit("```", 1)
    if len(tail) == 2 and text.count("```") % 2 == 1:  # an unclosed fence: the model ran out of tokens
        body = tail[1].split("\n", 1)[1] if "\n" in tail[1] else ""
        if body.strip() and _looks_like_program(body):
            return _clean(body)
    if not blocks and _looks_like_program(text):
        return _clean(text)
    return None


def _looks_like_program(text: str) -> bool:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    except (RecursionError, MemoryError):  # the parser's depth limits ("-" * 100000 + "1"): not a program
        return False
    kinds = (ast.FunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom, ast.For, ast.While, ast.Assign)
    return any(isinstance(node, kinds) for node in tree.body) or "print(" in text


def _clean(code: str) -> str:
    return code.strip("\n") + "\n"
