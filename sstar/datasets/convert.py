"""``sstar convert``: real problem sets into LiveCodeBench records, validated on the way."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Iterator, Optional

from ..problem import ProblemFormatError, json_record, problem_from_dict

log = logging.getLogger(__name__)
SOURCES = ("leetcode", "humaneval", "lcb")
EXTRA_FIELDS = ("solutions", "incorrect_solutions")


def _records(source: str, path: Optional[Path]) -> Iterator[dict]:
    if source == "humaneval":
        from ..sandbox.local import LocalSandbox
        from .humaneval import convert_humaneval, load_humaneval

        with LocalSandbox() as sandbox:
            yield from convert_humaneval(load_humaneval(), sandbox)
        return
    if path is not None and path.is_dir():
        raise ProblemFormatError(f"{path}: is a directory, not a problem file")
    if path is None or not path.is_file():
        raise ProblemFormatError(f"{path}: no such file" if path else f"{source} needs an input file")
    if source == "lcb" and path.suffix != ".jsonl":  # a .json file: one record or a list of them
        data = json_record(path.read_bytes(), str(path))
        for i, record in enumerate(data if isinstance(data, list) else [data]):
            if not isinstance(record, dict):
                raise ProblemFormatError(f"{path} [record {i}]: expected a JSON object, got {type(record).__name__}")
            yield record
        return
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            record = json_record(raw, f"{path}, line {number}")
            if not isinstance(record, dict):
                raise ProblemFormatError(f"{path}, line {number}: expected a JSON object, got {type(record).__name__}")
            if source == "leetcode":
                from .leetcode import ConversionError, convert_record

                try:
                    yield convert_record(record)
                except (ConversionError, ValueError, SyntaxError, KeyError) as exc:
                    log.warning("%s, line %d (%s): skipped: %s", path, number, record.get("task_id"), exc)
                    yield {"_skipped": True}
            else:
                yield record


def convert_source(source: str, path: Optional[Path], out: Path, keep_solutions: bool = True) -> tuple[int, int]:
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}: use one of {', '.join(SOURCES)}")
    if out.is_dir():  # found out before converting anything
        raise ValueError(f"--out {out}: is a directory; name the .jsonl file to write")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    count = skipped = 0
    with tmp.open("w", encoding="utf-8") as fh:
        for record in _records(source, path):
            if record.get("_skipped"):
                skipped += 1
                continue
            problem_from_dict(record, str(path or source))  # every record written is a valid problem
            if not keep_solutions:
                record = {k: v for k, v in record.items() if k not in EXTRA_FIELDS}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    os.replace(tmp, out)
    return count, skipped
