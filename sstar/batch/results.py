"""The run folder: ``config.json`` and an append-only ``results.jsonl``, safe against ``kill -9``.

Each problem's outcome is one line, written with a single ``write`` on an ``O_APPEND`` descriptor and
synced. A problem is either ``finished`` (a trace, maybe without a program) or ``failed`` (the run could
not be done: the model was down, the run raised; the error is kept). A failed problem is retried on
resume, and a later finished line supersedes it. A line cut short by a kill is removed when the log is
next opened for writing, and readers skip it with a warning. A finished question id is never written
twice. One writer at a time: :class:`RunLock` holds the folder.
"""

from __future__ import annotations

import enum
import fcntl
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

log = logging.getLogger(__name__)


class Status(str, enum.Enum):
    FINISHED = "finished"  #: S* ran to the end (the chosen program may still be None)
    FAILED = "failed"  #: the run could not be done; ``error`` says why; retried on resume


def status_of(record: dict) -> Status:
    return Status(record.get("status", Status.FINISHED.value))  # lines of older runs have no status: finished


@dataclass
class RunRecords:
    """What a results file holds, read leniently: the latest outcome per problem, and what was odd."""

    finished: dict[str, dict] = field(default_factory=dict)
    failed: dict[str, dict] = field(default_factory=dict)
    torn: list[int] = field(default_factory=list)
    """Line numbers that are not JSON records (a kill cut them short)."""
    duplicates: list[str] = field(default_factory=list)
    """Question ids finished more than once (older runs could write them); the first is kept."""

    def warnings(self) -> list[str]:
        out = []
        if self.torn:
            out.append(f"skipped {len(self.torn)} unreadable line(s) (line {', '.join(map(str, self.torn[:5]))}"
                       f"{', ...' if len(self.torn) > 5 else ''}): cut short by a kill; bench repairs them on resume")
        if self.duplicates:
            shown = ", ".join(self.duplicates[:5]) + (", ..." if len(self.duplicates) > 5 else "")
            out.append(f"{len(self.duplicates)} problem(s) recorded more than once, the first record kept: {shown}")
        return out


def read_records(path: Path) -> RunRecords:
    out = RunRecords()
    if not path.exists():
        return out
    seen_dup: set[str] = set()
    with open(path, encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                qid = rec["question_id"]
                status = status_of(rec)
            except (ValueError, KeyError, TypeError):
                out.torn.append(number)
                continue
            if status is Status.FAILED:
                if qid not in out.finished:
                    out.failed[qid] = rec
                continue
            if qid in out.finished:
                if qid not in seen_dup:
                    seen_dup.add(qid)
                    out.duplicates.append(qid)
                continue
            out.finished[qid] = rec
            out.failed.pop(qid, None)
    return out


class ResultsLog:
    """The writer's view of ``results.jsonl``: repairs a torn tail, appends, never duplicates a finished id."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._repair()
        self.contents = read_records(path)
        self.done: set[str] = set(self.contents.finished)

    def _repair(self) -> None:
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            keep = data.rfind(b"\n") + 1  # drop the line a kill cut short
            log.warning("%s: removed a line cut short by a kill (%d bytes)", self.path, len(data) - keep)
            with open(self.path, "r+b") as fh:
                fh.truncate(keep)
                fh.flush()
                os.fsync(fh.fileno())

    def records(self) -> Iterator[dict]:
        yield from read_records(self.path).finished.values()

    def append(self, record: dict) -> bool:
        """Write one outcome; False (and nothing written) if the problem is finished already."""
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
            if status_of(record) is Status.FINISHED:
                self.done.add(record["question_id"])
            return True


class RunBusy(RuntimeError):
    pass


class RunLock:
    """An exclusive lock on a run folder for as long as one command writes it (the kernel drops it on any exit,
    ``kill -9`` included, so a stale lock cannot stay behind)."""

    def __init__(self, folder: Path, what: str = "sstar bench") -> None:
        self.path = folder / ".lock"
        self.what = what
        self._fd: Optional[int] = None

    def __enter__(self) -> "RunLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise RunBusy(f"{self.path.parent} is in use by {holder}: wait for it to end, or choose another --out") \
                from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{self.what} (pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')})".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing releases the lock
            self._fd = None


@dataclass
class Progress:
    total: int
    done: int = 0
    """Problems finished, including those finished before this session."""
    skipped: int = 0
    """Problems finished before this session."""
    failed: int = 0
    """Problems that failed in this session (they will be retried on resume)."""
    public_ok: int = 0
    tokens: int = 0
    first_error: str = ""
    in_a_row: int = 0
    """Problems failed since the last one finished (an outage shows as a run of these)."""
    stop_after: int = 0
    """Stop starting problems after this many failures in a row (0: never)."""
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started

    @property
    def eta_s(self) -> Optional[float]:
        handled = self.done - self.skipped + self.failed
        if handled <= 0:
            return None
        return self.elapsed_s / handled * (self.total - self.done - self.failed)

    def account(self, record: dict, written: bool) -> None:
        if status_of(record) is Status.FAILED:
            self.failed += 1
            self.in_a_row += 1
            self.first_error = self.first_error or f"{record['question_id']}: {record.get('error', '')}"
            return
        if not written:
            return
        self.in_a_row = 0
        self.done += 1
        self.public_ok += bool(record.get("public_passed"))
        total = record.get("usage", {}).get("total", {})
        self.tokens += total.get("prompt_tokens", 0) + total.get("completion_tokens", 0)

    @property
    def stopped(self) -> bool:
        """Too many failures in a row: the model (or its server) looks down; start no more problems."""
        return bool(self.stop_after) and self.in_a_row >= self.stop_after

    @property
    def not_attempted(self) -> int:
        return self.total - self.done - self.failed

    def line(self) -> str:
        """One plain line for logs: done/total, pass rate so far, tokens, failures, elapsed, ETA."""
        eta = self.eta_s
        rate = f"{100 * self.public_ok / self.done:.0f}%" if self.done else "-"
        return (f"[{self.done}/{self.total}] public tests pass {rate} | tokens {self.tokens:,} | failed {self.failed}"
                f" | elapsed {_clock(self.elapsed_s)} | ETA {'-' if eta is None else _clock(eta)}")


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def write_json_atomic(path: Path, data) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False))
    os.replace(tmp, path)
