"""The run folder: ``config.json`` and an append-only ``results.jsonl``, safe against ``kill -9``.

Each finished problem is one line, written with a single ``write`` on an
``O_APPEND`` descriptor and synced. A line cut short by a kill is removed when
the log is next opened, and a question id is never written twice, so an
interrupted run resumes with no problem lost and none duplicated.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Iterator


class ResultsLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._repair()
        self.done: set[str] = {rec["question_id"] for rec in self.records()}

    def _repair(self) -> None:
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            keep = data.rfind(b"\n") + 1  # drop the line a kill cut short
            with open(self.path, "r+b") as fh:
                fh.truncate(keep)
                fh.flush()
                os.fsync(fh.fileno())

    def records(self) -> Iterator[dict]:
        if not self.path.exists():
            return
        seen: set[str] = set()
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if rec.get("question_id") in seen:
                    continue
                seen.add(rec["question_id"])
                yield rec

    def append(self, record: dict) -> bool:
        """Write one finished problem; False (and nothing written) if it is there already."""
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
        with self._lock:
            if record["question_id"] in self.done:
                return False
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                view = memoryview(line)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            finally:
                os.close(fd)
            self.done.add(record["question_id"])
            return True


def write_json_atomic(path: Path, data) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False))
    os.replace(tmp, path)
