"""Fenced blocks in a model's answer (```lang ... ```), thinking text ignored."""

from __future__ import annotations

import re

from .models.base import split_thinking

_TAG = re.compile(r"[ \t]*([\w+#.-]*)")
"""A fence's language tag: the start of the rest of its opening line."""


def fenced_blocks(answer: str) -> list[tuple[str, str]]:
    """(language tag in lower case, body) of every closed fence outside the thinking.

    A fence opens at a ``` with a newline after it somewhere on its line (the tag, and anything else, on
    that line) and closes at the next ``` after that newline. Found with ``str.find``, not one regex: a
    regex rescans the rest of the line (or of the text, looking for a closer) from every backtick of a
    long run, quadratic in it (3 s on a 100 kB line of backticks). When a fence cannot open or close,
    neither can any later one: they would have the same line, or be the missing closer."""
    _, text = split_thinking(answer or "")
    out: list[tuple[str, str]] = []
    pos = 0
    while (start := text.find("```", pos)) >= 0:
        line_end = text.find("\n", start + 3)
        if line_end < 0:
            break
        close = text.find("```", line_end + 1)
        if close < 0:
            break
        tag = _TAG.match(text, start + 3, line_end)
        out.append((tag.group(1).lower(), text[line_end + 1:close]))
        pos = close + 3
    return out


def extract_blocks(answer: str, langs: set[str] | None = None) -> list[str]:
    """Every fenced block's body (optionally only those tagged with one of ``langs``)."""
    return [body for lang, body in fenced_blocks(answer) if langs is None or lang in langs]
