"""The local sandbox: a pool of warm, isolated worker processes.

Each worker forks once per test (about 2 ms) instead of starting a fresh
interpreter (about 14 ms). The pool admits as many tests at once as it has
workers -- by default one per core -- so that a burst of callers queues
instead of oversubscribing the CPUs and turning into false time limits.
"""

from __future__ import annotations

import itertools
import logging
import os
import select
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, replace

from .cgroups import reap_stale, remove_worker, worker_cgroup_name
from .isolation import Isolation, available, base_interpreter, compile_guest, worker_argv, worker_source
from .kernel_report import kernel_info, kernel_warnings
from .pool import FramedWorker, SandboxStartError, WorkerDied, WorkerPool
from .protocol import SandboxInfo
from .view import find_seccomp_bindings, package_paths

log = logging.getLogger(__name__)

UID_BASE = 100_000
_CGROUP_SERIAL = itertools.count()
__all__ = ["LocalSandbox", "LocalSandboxConfig", "SandboxStartError", "UID_BASE", "WorkerDied"]


@dataclass(frozen=True)
class LocalSandboxConfig:
    """Settings of the local process sandbox."""

    workers: int = 0
    """Worker processes, i.e. tests running at once; 0 means one per CPU core."""
    isolation: str = "auto"
    """``auto`` (best available), ``bwrap``, ``unshare`` or ``none``."""
    python: str = ""
    """Interpreter that runs programs; default: the real interpreter behind this one."""
    scratch_mb: int = 256
    """Size of each test's private tmpfs working directory (bubblewrap only)."""
    scratch_inodes: int = 20_000
    """Files the program may create in its working directory (bubblewrap only)."""
    packages: tuple[str, ...] = ()
    """Installed packages of the sandbox's interpreter a program may import (e.g. ``("numpy",)``), bound
    read-only into the allow-listed view; by default a program sees the standard library only."""
    cgroups: bool = True
    """A cgroup per test (memory over the whole process tree, CPU of every descendant, a pids cap);
    where none can be made, per-process rlimits only, with a warning."""
    seccomp: bool = True
    """The seccomp filter (needs libseccomp's Python bindings for the interpreter: python3-seccomp);
    False runs without it, with a warning. Missing bindings with True: the sandbox refuses to start."""
    isolate_tests: bool = False
    """Every test in a process of its own (fork per test). Default: a program's tests run in sequence in one
    confined process (compiled once), each with its own input, output, accounting and verdict; a test that
    times out, crashes, runs out of memory or leaves state behind is followed by a fresh process."""


class _Worker(FramedWorker):
    """One worker process; the channel is its stdin and stdout."""

    def __init__(self, argv: list[str], root: str | None, index: int, cgroup_name: str | None = None) -> None:
        self.root = root
        self.index = index
        self.cgroup_name = cgroup_name
        self.errlog = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errlog,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"},
            start_new_session=True,
            close_fds=True,
        )
        self.rfd = self.proc.stdout.fileno()
        self.wfd = self.proc.stdin.fileno()
        self.greet()

    def describe_exit(self) -> str:
        try:
            status = self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            status = "still running"
        try:
            self.errlog.seek(0)
            tail = self.errlog.read()[-2000:].decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            tail = ""
        return f"exit status {status}: {tail or 'no message'}"

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.wfd, view):]

    def _read_some(self, n: int, timeout: float) -> bytes:
        if not select.select([self.rfd], [], [], timeout)[0]:
            raise WorkerDied(f"worker {self.index} did not answer in time")
        return os.read(self.rfd, n)

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            log.warning("worker %d did not exit after SIGKILL", self.index)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.errlog.close()
        if self.root:
            shutil.rmtree(self.root, ignore_errors=True)
        if self.cgroup_name and os.geteuid() == 0:
            remove_worker(self.cgroup_name)  # a worker that exits cleanly removes its own

    def close(self) -> None:
        self.request_exit()
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        self.kill()


class LocalSandbox(WorkerPool):
    """A pool of isolated worker processes on this machine. Thread-safe."""

    backend = "local"
    parallel_spawn = True

    def __init__(self, config: LocalSandboxConfig | None = None, **overrides) -> None:
        base = config or LocalSandboxConfig()
        self.config = replace(base, **overrides)
        super().__init__(self.config.workers or os.cpu_count() or 1)
        self.isolate_tests = self.config.isolate_tests
        self.python = self.config.python or base_interpreter()
        self.worker_file = worker_source()
        self._isolation: Isolation | None = None
        self._warnings: list[str] = []
        self._hello: dict = {}
        self._seccomp_path: str | None = None
        self._spawn_lock = threading.Lock()

    def _candidates(self) -> list[Isolation]:
        wanted = self.config.isolation
        if wanted != "auto":
            return [Isolation(wanted)]
        return [m for m in Isolation if available(m)]

    def _child_uid(self, index: int) -> int:
        # Distinct per worker and per harness process: RLIMIT_NPROC counts per uid.
        return UID_BASE + (os.getpid() % 20_000) * 64 + index % 64

    def _seccomp(self) -> str | None:
        if not self.config.seccomp:
            return None
        if self._seccomp_path is None:
            try:
                found = find_seccomp_bindings(self.python)
            except (OSError, ValueError, subprocess.SubprocessError) as exc:
                raise SandboxStartError(f"could not start a sandbox worker: cannot run the interpreter {self.python}: {exc}") from None
            if found is None:
                raise SandboxStartError(
                    f"no libseccomp Python bindings for {self.python}: install them (Debian: apt-get install "
                    "python3-seccomp; the module must match the interpreter's version), choose an interpreter they "
                    "fit (LocalSandboxConfig.python), or run without the filter (LocalSandboxConfig.seccomp=False)")
            self._seccomp_path = found
        return self._seccomp_path

    def _spawn(self) -> _Worker:
        # Thread-safe (parallel_spawn): numbering, the cgroup sweep, the filesystem view and adopting the
        # isolation level are done under a lock; the slow part, the worker's own start-up, is not.
        with self._spawn_lock:
            index = self._next_index
            self._next_index += 1
            if index == 0 and self.config.cgroups and os.geteuid() == 0:
                reap_stale()
            if index == 0:
                compile_guest(self.python)
            seccomp = self._seccomp()
            for package in self.config.packages:
                try:
                    package_paths(self.python, package)
                except (OSError, ValueError, subprocess.SubprocessError) as exc:
                    raise SandboxStartError(f"could not start a sandbox worker: {exc}") from None
            modes = [self._isolation] if self._isolation else self._candidates()
        errors = []
        for mode in modes:
            root = None if mode is Isolation.BWRAP else tempfile.mkdtemp(prefix="sstar-worker-")
            if root:
                os.chmod(root, 0o711)  # the program's uid may traverse to its work dir, no more
            try:
                with self._spawn_lock:
                    argv = worker_argv(mode, self.python, self.worker_file, root, seccomp, tuple(self.config.packages))
            except (OSError, ValueError, subprocess.SubprocessError) as exc:
                errors.append(f"{mode.value}: {exc}")
                continue
            argv += [f"--scratch-mb={self.config.scratch_mb}", f"--scratch-inodes={self.config.scratch_inodes}"]
            if not seccomp:
                argv.append("--no-seccomp")
            # Unique in this process: two sandboxes (a worker index each) must never share a cgroup parent.
            cgroup_name = worker_cgroup_name(next(_CGROUP_SERIAL)) if self.config.cgroups else None
            if cgroup_name:
                argv.append(f"--cgroup-name={cgroup_name}")
            if os.geteuid() == 0:
                argv.append(f"--child-uid={self._child_uid(index)}")
            try:
                worker = _Worker(argv, root, index, cgroup_name)
            except (WorkerDied, OSError) as exc:
                errors.append(f"{mode.value}: {exc}")
                if root:
                    shutil.rmtree(root, ignore_errors=True)
                continue
            with self._spawn_lock:
                if self._isolation is None:
                    self._adopt(mode, worker.hello, errors)
            return worker
        raise SandboxStartError("could not start a sandbox worker: " + "; ".join(errors))

    def _adopt(self, mode: Isolation, hello: dict, errors: list[str]) -> None:
        self._isolation = mode
        self._hello = hello
        for err in errors:
            self._warnings.append(f"isolation level skipped: {err}")
        if mode is not Isolation.BWRAP:
            self._warnings.append(
                f"sandbox isolation is degraded to '{mode.value}': no read-only filesystem view"
                + ("" if mode is Isolation.UNSHARE else " and no network or PID namespace")
                + "; install bubblewrap (apt-get install bubblewrap) for full isolation"
            )
        if hello.get("child_uid") is None:
            self._warnings.append("programs run with the harness's uid (not root): no uid drop")
        self._warnings += kernel_warnings(hello)
        for warning in self._warnings:
            log.warning("%s", warning)

    def info(self) -> SandboxInfo:
        self.start()
        mode = self._isolation or Isolation.NONE
        return SandboxInfo(
            backend=self.backend,
            isolation=mode.value,
            workers=self.size,
            uid_drop=self._hello.get("child_uid") is not None,
            network_isolated=mode is not Isolation.NONE,
            filesystem_readonly=mode is Isolation.BWRAP,
            warnings=tuple(self._warnings),
            **kernel_info(self._hello),
        )


