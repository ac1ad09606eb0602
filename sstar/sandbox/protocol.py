"""The execution seam: what any sandbox backend takes and returns.

A backend runs one program on one input under limits and reports raw facts.
It never sees expected outputs and never decides verdicts: grading lives in
:mod:`sstar.judge`, so every backend is graded the same way.
"""

from __future__ import annotations

import binascii
import enum
from dataclasses import dataclass, field, replace
from typing import Protocol, Sequence, runtime_checkable


class Mode(str, enum.Enum):
    """How a program receives its input."""

    STDIN = "stdin"  #: the input is the program's standard input
    FUNCTIONAL = "functional"  #: the input is JSON arguments for ``Solution().func_name``


class ExecStatus(str, enum.Enum):
    COMPLETED = "completed"  #: the program ran (whatever it did)
    INFRA_ERROR = "infra_error"  #: the sandbox itself failed; says nothing about the program


@dataclass(frozen=True)
class Limits:
    """Resource limits for one test. Defaults sit near LiveCodeBench's grader."""

    time_s: float = 6.0
    """CPU seconds the program may use (LiveCodeBench allows 6 s per test)."""
    wall_time_s: float | None = None
    """Wall-clock seconds before the process group is killed; default ``2 * time_s + 1``.
    CPU time decides time_limit; the wall clock only catches sleepers and hangs."""
    memory_mb: int = 1024
    """Memory the program may add on top of the interpreter: per process (RLIMIT_AS) and, where the
    sandbox makes a cgroup per test, over its whole process tree (an OOM kill there is memory_limit)."""
    output_mb: float = 32.0
    """Bytes of stdout (or of a functional return value) kept before output_limit."""
    file_mb: int = 64
    """Largest file the program may write (RLIMIT_FSIZE)."""
    max_processes: int = 256
    """Processes and threads: of the program's uid (RLIMIT_NPROC) and of the test's cgroup (pids.max)."""
    max_open_files: int = 256
    """Open descriptors per process (RLIMIT_NOFILE)."""

    @property
    def wall_s(self) -> float:
        return self.wall_time_s if self.wall_time_s is not None else 2 * self.time_s + 1

    @property
    def output_bytes(self) -> int:
        return int(self.output_mb * 1024 * 1024)

    def with_overrides(self, **changes: float | int | None) -> "Limits":
        """A copy with the given fields replaced; ``None`` values are ignored."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def to_wire(self) -> dict:
        return {
            "cpu_s": self.time_s,
            "wall_s": self.wall_s,
            "memory_mb": self.memory_mb,
            "output_bytes": self.output_bytes,
            "file_bytes": self.file_mb * 1024 * 1024,
            "nproc": self.max_processes,
            "nofile": self.max_open_files,
        }


@dataclass(frozen=True)
class ExecRequest:
    code: str
    mode: Mode = Mode.STDIN
    stdin: str = ""
    args: tuple[str, ...] = ()
    """Functional mode: one JSON text per argument."""
    func_name: str = ""
    limits: Limits = field(default_factory=Limits)


@dataclass(frozen=True)
class ExecResult:
    """Raw facts about one run. ``stdout`` is bytes: invalid UTF-8 is the grader's call."""

    status: ExecStatus
    exit_code: int | None = None
    signal: int | None = None
    timed_out: bool = False
    """Killed by the wall clock."""
    cpu_exceeded: bool = False
    output_exceeded: bool = False
    memory_exceeded: bool = False
    """The test's cgroup hit its memory limit and the kernel killed a process of it (OOM)."""
    exception: str | None = None
    """Name of the exception that ended the program, reported out of band."""
    result_json: str | None = None
    """Functional mode: the return value as JSON text."""
    stdout: bytes = b""
    stderr: str = ""
    cpu_s: float = 0.0
    wall_s: float = 0.0
    max_rss_mb: float = 0.0
    """Peak memory: of the test's whole cgroup where there is one, else the main process's peak RSS."""
    infra_message: str = ""

    @classmethod
    def infra(cls, message: str) -> "ExecResult":
        return cls(status=ExecStatus.INFRA_ERROR, infra_message=message)


@dataclass(frozen=True)
class SandboxInfo:
    """What isolation a backend actually provides, for ``sstar sandbox check``."""

    backend: str
    isolation: str
    workers: int
    uid_drop: bool
    network_isolated: bool
    filesystem_readonly: bool
    warnings: tuple[str, ...] = ()
    cgroup: str | None = None
    """``v1`` or ``v2`` when every test gets a cgroup of its own; None: per-process rlimits only."""
    seccomp: bool = False
    ipc_namespace: bool = False
    """A fresh IPC namespace (SysV shared memory, semaphores, queues, POSIX queues) per test."""
    session_keyring: bool = False


@runtime_checkable
class Sandbox(Protocol):
    """Runs untrusted programs. Thread-safe: many callers may share one sandbox."""

    def run(self, request: ExecRequest) -> ExecResult: ...

    def run_many(self, requests: Sequence[ExecRequest]) -> list[ExecResult]:
        """Results in order. Requests of one program (same code, mode, function, limits) may share a process,
        test after test, unless the backend isolates tests (``isolate_tests``)."""
        ...

    def run_program(self, requests: Sequence[ExecRequest], stop_after_failure: bool = False) -> list[ExecResult]:
        """The tests of one program, in order; with ``stop_after_failure``, none after the first run that does
        not end cleanly (so the list may be shorter)."""
        ...

    def info(self) -> SandboxInfo: ...

    def close(self) -> None: ...


def to_result(reply: dict) -> ExecResult:
    """A worker's reply (see ``guest/wire.py``) as an ExecResult."""
    if reply.get("infra"):
        return ExecResult.infra(str(reply["infra"]))
    get = reply.get
    # Filled in place rather than through the frozen dataclass's __init__ (one object.__setattr__ a field):
    # a graded program's hundred results are made in a third of the time. Every field is set here.
    result = object.__new__(ExecResult)
    result.__dict__.update(
        status=ExecStatus.COMPLETED,
        exit_code=get("exit_code"),
        signal=get("signal"),
        timed_out=bool(get("timed_out")),
        cpu_exceeded=bool(get("cpu_exceeded")),
        output_exceeded=bool(get("output_exceeded")),
        memory_exceeded=bool(get("memory_exceeded")),
        exception=get("exception"),
        result_json=get("result"),
        stdout=binascii.a2b_base64(get("stdout_b64", "")),
        stderr=get("stderr", ""),
        cpu_s=float(get("cpu_s", 0.0)),
        wall_s=float(get("wall_s", 0.0)),
        max_rss_mb=round(float(get("max_rss_kb", 0)) / 1024, 3),
        infra_message="",
    )
    return result
