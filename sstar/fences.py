"""Fenced blocks in a model's answer (```lang ... ```), thinking text ignored."""

from __future__ import annotations

import re

from .models.base import split_thinking

FENCE = re.compile(r"```[ \t]*([\w+#.-]*)[^\n]*\n(.*?)```", re.S)


def fenced_blocks(answer: str) -> list[tuple[str, str]]:
    """(language tag in lower case, body) of every closed fence outside the thinking."""
    _, text = split_thinking(answer or "")
    return [(lang.lower(), body) for lang, body in FENCE.findall(text)]


def extract_blocks(answer: str, langs: set[str] | None = None) -> list[str]:
    """Every fenced block's body (optionally only those tagged with one of ``langs``)."""
    return [body for lang, body in fenced_blocks(answer) if langs is None or lang in langs]
