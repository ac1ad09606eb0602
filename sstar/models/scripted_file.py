"""Scripted answers from a file, for ``--model scripted:FILE`` (a demo, or CI with no model server).

Accepted forms (an answer is a string, ``{"text": ...}``, or ``{"error": ...}`` for a failed request):

- JSON object by stage: ``{"generate": [A, B], "debug": C, "synthesize": D, "judge": "A", "default": ""}``;
  each stage's answers cycle (so any ``--n`` works), ``default`` answers the stages not named.
- JSON list: answers handed out in order, one per sample; running out is a one-line error.
- JSONL: one answer per line, in order; or lines ``{"stage": "generate", "text": ...}`` grouped by stage.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Union

from .base import ModelError
from .protocol import Completion, FinishReason, Stage

STAGES = {s.value for s in Stage} | {"default"}
Answer = Union[str, Completion]


def read_script(path: str | Path) -> Union[list[Answer], dict[str, list[Answer]]]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelError(f"scripted model: {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"scripted model: {path}: cannot read ({exc})") from None
    if path.suffix == ".jsonl":
        return _lines(path, text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(f"scripted model: {path}, line {exc.lineno}: invalid JSON ({exc.msg})") from None
    if isinstance(data, list):
        return [_answer(item, f"{path} [answer {i}]") for i, item in enumerate(data)]
    if isinstance(data, dict):
        return _by_stage(data, str(path))
    raise ModelError(f"scripted model: {path}: expected a list of answers or an object by stage, "
                     f"got {type(data).__name__}")


def _lines(path: Path, text: str) -> Union[list[Answer], dict[str, list[Answer]]]:
    ordered: list[Answer] = []
    staged: dict[str, list[Answer]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}, line {number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ModelError(f"scripted model: {where}: invalid JSON ({exc.msg})") from None
        if isinstance(item, dict) and "stage" in item:
            stage = _stage(item.pop("stage"), where)
            staged.setdefault(stage, []).append(_answer(item, where))
        else:
            ordered.append(_answer(item, where))
    if ordered and staged:
        raise ModelError(f"scripted model: {path}: mixes lines with a 'stage' and lines without; use one form")
    if not ordered and not staged:
        raise ModelError(f"scripted model: {path}: holds no answers")
    return staged or ordered


def _by_stage(data: dict, where: str) -> dict[str, list[Answer]]:
    out: dict[str, list[Answer]] = {}
    for key, value in data.items():
        stage = _stage(key, where)
        items = value if isinstance(value, list) else [value]
        if not items:
            raise ModelError(f"scripted model: {where}: stage {key!r} has an empty list")
        out[stage] = [_answer(item, f"{where} [{key}]") for item in items]
    if not out:
        raise ModelError(f"scripted model: {where}: holds no answers")
    return out


def _stage(value: Any, where: str) -> str:
    if value not in STAGES:
        raise ModelError(f"scripted model: {where}: unknown stage {value!r}; use one of {', '.join(sorted(STAGES))}")
    return value


def _answer(item: Any, where: str) -> Answer:
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and set(item) <= {"text", "error"} and item:
        if item.get("error"):
            return Completion(text="", finish_reason=FinishReason.ERROR, error=str(item["error"]))
        if isinstance(item.get("text"), str):
            return item["text"]
    raise ModelError(f"scripted model: {where}: an answer is a string, {{\"text\": ...}} or {{\"error\": ...}}, "
                     f"got {json.dumps(item)[:80]}")
