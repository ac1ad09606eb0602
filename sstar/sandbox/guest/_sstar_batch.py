"""A program's tests in one confined process: the child's side (``serve_tests``).

As LiveCodeBench's grader does, a program is compiled once and its tests run one after another in
the same process, each on its own input, with its own output capture, CPU, memory and exit status.
Each test runs the compiled module afresh in a new namespace (what a fresh process would see), with
the state a forked process starts from restored (random reseeded, decimal context, recursion and
int-digit limits). After each test the process checks that nothing it cannot reset is left behind -- a live
thread or child process, a replaced ``sys.stdin``/``stdout``/builtin, a signal handler, a pending
alarm, an open descriptor, a file in the scratch directory, SysV IPC objects, changed limits or
environment, memory the program kept -- and if anything is, the test still gets its verdict but the
process ends: the remaining tests continue in a fresh, freshly confined one.

Child to worker, one JSON line each on fd 3: ``{"ready": cpu}`` once, ``{"start": i}`` before the
child's first test, then per test the program's own ``result``/``exception`` lines and ``{"end": i,
"exit": status, "cpu": s, "rss_kb": peak, "retire": why, "nonce": marker}``. An end line without
``retire`` also says that test ``i + 1`` (if any) starts now: the worker starts its clock there. Every
input is in a file before the first test, so the child never waits for the worker; each test's output
is cut at the marker written after it on stdout and stderr.
"""

from __future__ import annotations

import builtins
import gc
import io
import json
import operator
import os
import resource
import signal
import sys

from _sstar_child import apply_limits, execute
from _sstar_os import _reap_zombies as _reap

MEMORY_SLACK = 16 << 20  # bytes a process may keep after a test before it is replaced
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGALRM, signal.SIGCHLD, signal.SIGPIPE, signal.SIGXFSZ,
           signal.SIGXCPU, signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP, signal.SIGSEGV, signal.SIGFPE)
LIMITS = (resource.RLIMIT_AS, resource.RLIMIT_FSIZE, resource.RLIMIT_NOFILE, resource.RLIMIT_NPROC,
          resource.RLIMIT_CORE, resource.RLIMIT_STACK)
STREAMS = ("stdin", "stdout", "stderr", "__stdin__", "__stdout__", "__stderr__")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


STATM: list = [-1]
STATUS: list = [-1]


def _statm() -> tuple[int, int]:
    if STATM[0] >= 0:
        data = os.pread(STATM[0], 128, 0)
    else:
        with open("/proc/self/statm", "rb") as f:
            data = f.read()
    size, resident = data.split()[:2]
    return int(size) * PAGE, int(resident) * PAGE


def _status() -> dict[bytes, int]:
    """This test's peak resident size (VmHWM), the threads now, and the memory now (VmSize, VmRSS), in kB:
    one read of /proc/self/status."""
    try:
        data = os.pread(STATUS[0], 4096, 0)
        fields = {}
        for key in (b"VmHWM:", b"VmSize:", b"VmRSS:", b"Threads:"):
            at = data.index(key) + len(key)
            fields[key] = int(data[at: data.index(b"\n", at)].split()[0])
        return fields
    except (OSError, ValueError, IndexError):
        return {b"VmHWM:": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


_IPC = {}


def sysv_objects() -> int:
    """SysV shared memory segments, semaphore sets and message queues in this IPC namespace (three calls)."""
    import ctypes

    if not _IPC:
        _IPC["libc"] = ctypes.CDLL(None, use_errno=True)
        _IPC["buf"] = ctypes.create_string_buffer(256)
    libc, buf = _IPC["libc"], _IPC["buf"]
    as_int = ctypes.cast(buf, ctypes.POINTER(ctypes.c_int))
    if libc.shmctl(0, 14, buf) < 0:  # SHM_INFO: struct shm_info, used_ids first
        raise OSError(ctypes.get_errno(), "shmctl(SHM_INFO)")
    count = as_int[0]
    if libc.semctl(0, 0, 19, buf) < 0:  # SEM_INFO: struct seminfo, semusz (sets in use) eighth
        raise OSError(ctypes.get_errno(), "semctl(SEM_INFO)")
    count += as_int[7]
    if libc.msgctl(0, 12, buf) < 0:  # MSG_INFO: struct msginfo, msgpool (queues in use) first
        raise OSError(ctypes.get_errno(), "msgctl(MSG_INFO)")
    return count + as_int[0]


def _clear_peak(fd: int) -> None:
    try:  # "5" resets the peak resident size (VmHWM): each test's own peak
        os.write(fd, b"5")
    except OSError:
        pass


def _join_threads() -> None:
    """Wait for the program's non-daemon threads, as a fresh interpreter does at exit (without
    ``threading._shutdown``, which would forbid threads in the next tests)."""
    import threading

    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()


class FreshState:
    """What a fresh process starts from, taken before the first test and checked after each."""

    def __init__(self, work_dir: str, shm_dir: str | None, code_len: int) -> None:
        import decimal
        import random

        self.work_dir, self.shm_dir = work_dir, shm_dir
        self.decimal = decimal.getcontext().copy()
        self.int_digits = sys.get_int_max_str_digits()
        # Compared in dict order, by identity; the streams (set anew for every test) compare as None.
        self.builtin_streams = [i for i, k in enumerate(builtins.__dict__) if k in STREAMS]
        self.builtin_values = self._builtin_values()
        self.signals = list(map(signal.getsignal, SIGNALS))
        self.limits = {r: resource.getrlimit(r) for r in LIMITS}
        self.environ = dict(os.environ._data)  # the bytes behind os.environ: compared without decoding
        me = os.getpid()
        # Read many times: opened once (a pread of a /proc file regenerates it).
        self.proc = {name: os.open(path, os.O_RDONLY) for name, path in (
            ("statm", "/proc/self/statm"), ("status", "/proc/self/status"),
            ("children", f"/proc/{me}/task/{me}/children"))}
        try:
            self.proc["clear_refs"] = os.open("/proc/self/clear_refs", os.O_WRONLY)
        except OSError:
            self.proc["clear_refs"] = -1
        STATM[0], STATUS[0] = self.proc["statm"], self.proc["status"]
        self.sys = (list(sys.path), list(sys.meta_path), list(sys.path_hooks), sys.excepthook, sys.displayhook)
        self.fds = self._fds()
        self.pipes = self._pipes()
        self.pgrp = os.getpgrp()
        self.memory = tuple(x + MEMORY_SLACK + 8 * code_len for x in _statm())
        self.stdin = None

    def _builtin_values(self) -> list:
        values = list(builtins.__dict__.values())
        for i in self.builtin_streams:
            if i < len(values):
                values[i] = None
        return values

    @staticmethod
    def _pipes() -> list[tuple[int, int]]:
        """What descriptors 1-3 are (the output pipes): a program may have put something else there."""
        return [(st.st_dev, st.st_ino) for st in map(os.fstat, (1, 2, 3))]

    @staticmethod
    def _fds() -> list[str]:
        # Descriptor 0 is the next test's input, put in place before it whatever the program did with it.
        return sorted(fd for fd in os.listdir("/proc/self/fd") if fd != "0")

    def restore(self) -> None:
        import decimal
        import random

        random.seed()  # as after a fork (random reseeds itself in a forked child): fresh draws per test
        decimal.setcontext(self.decimal.copy())
        sys.set_int_max_str_digits(self.int_digits)
        sys.stdin = sys.__stdin__ = self.stdin = io.TextIOWrapper(
            io.open(0, "rb", closefd=False), encoding="utf-8", errors="surrogateescape")
        self.stdin.mode = "r"  # as io.open() sets it (FastIO templates read it)

    def left_behind(self, status: dict[bytes, int]) -> str:
        """Why this process cannot run another test ("" if it can); ``status``: ``_status()`` after the test."""
        try:
            return self._left_behind(status)
        except Exception as exc:  # noqa: BLE001 - anything we cannot check is not trusted
            return f"state check failed: {type(exc).__name__}"

    def _left_behind(self, status: dict[bytes, int]) -> str:
        threads = status.get(b"Threads:")
        if (threads if threads is not None else len(os.listdir("/proc/self/task"))) != 1:
            return "a thread is still running"
        if os.pread(self.proc["children"], 64, 0).split():
            return "a child process is still running"
        if sys.stdin is not self.stdin or any(getattr(sys, n) is not getattr(sys, "__" + n + "__")
                                              for n in ("stdout", "stderr")) or sys.stdout is not STDOUT[0]:
            return "the standard streams were replaced"
        now = self._builtin_values()
        if len(now) != len(self.builtin_values) or any(map(operator.is_not, now, self.builtin_values)):
            return "a builtin was changed"
        if any(map(operator.is_not, map(signal.getsignal, SIGNALS), self.signals)):
            return "a signal handler was changed"
        if signal.alarm(0) or signal.getitimer(signal.ITIMER_REAL) != (0.0, 0.0) or \
                signal.getitimer(signal.ITIMER_VIRTUAL) != (0.0, 0.0) or signal.getitimer(signal.ITIMER_PROF) != (0.0, 0.0):
            return "a timer is pending"
        if self._fds() != self.fds or self._pipes() != self.pipes:
            return "descriptors were opened, closed or replaced"
        if any(resource.getrlimit(r) != v for r, v in self.limits.items()):
            return "resource limits were changed"
        if os.environ._data != self.environ or os.getpgrp() != self.pgrp or os.getcwd() != self.work_dir:
            return "the environment, process group or directory was changed"
        if (list(sys.path), list(sys.meta_path), list(sys.path_hooks), sys.excepthook, sys.displayhook) != self.sys \
                or sys.gettrace() is not None or sys.getprofile() is not None or not gc.isenabled():
            return "interpreter hooks were changed"
        if os.listdir(self.work_dir) or (self.shm_dir and os.listdir(self.shm_dir)):
            return "files were left in the scratch directory"
        if sysv_objects():
            return "SysV IPC objects were left"
        memory = (status[b"VmSize:"] * 1024, status[b"VmRSS:"] * 1024) if b"VmRSS:" in status else _statm()
        if any(now > cap for now, cap in zip(memory, self.memory)):
            gc.collect()
            if any(now > cap for now, cap in zip(_statm(), self.memory)):
                return "memory was kept after the test"
        return ""


STDOUT: list = [None]


def _drop_module() -> None:
    """The test's module goes, and what it holds goes now: its functions keep its namespace alive in a
    cycle, so a file object it opened on descriptor 0 (``open(0)``) would otherwise be collected, and
    close that descriptor, in the middle of a later test."""
    for name in ("__sstar_solution__", "__main__"):
        module = sys.modules.pop(name, None)
        if module is not None:
            module.__dict__.clear()


def input_path(stdin_path: str, index: int, kind: str = "in") -> str:
    """Where the worker puts a batch's test inputs (``in``: standard input, ``args``: functional arguments)."""
    return f"{stdin_path}-{kind}-{index}"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def serve_tests(msg: dict, stdin_path: str, work_dir: str, shm_dir: str | None,
                base_vm: int) -> None:  # pragma: no cover
    """Run tests ``index`` .. ``count - 1`` back to back, until done or this process is not clean.

    Every input is in a file already: no test waits for the worker. Each test's output ends with a marker
    written after it, on stdout and stderr, made of random bytes drawn after the test (so no program can
    know it): the worker cuts the streams there.
    """
    os.chdir(work_dir)  # after the hand-over: the parent may have replaced the mount
    apply_limits(msg["limits"], base_vm, None)
    cpu_limit = int(float(msg["limits"]["cpu_s"])) + 1
    functional = msg.get("mode") == "functional"
    STDOUT[0] = sys.stdout
    for name in ("__sstar_solution__", "__main__"):
        sys.modules.pop(name, None)
    state = FreshState(work_dir, shm_dir, len(msg["code"]))
    os.write(3, json.dumps({"ready": _cpu()}).encode() + b"\n")
    compiled: list = [None]
    import time

    first = int(msg["index"])
    empty = str(msg["empty_stdin"])
    for index in range(first, int(msg["count"])):
        fd = os.open(input_path(stdin_path, 0, "empty") if empty[index] == "1" else input_path(stdin_path, index),
                     os.O_RDONLY)
        os.dup2(fd, 0)
        os.close(fd)
        if functional:
            with open(input_path(stdin_path, index, "args"), "rb") as f:
                msg["args"] = json.loads(f.read())
        state.restore()
        _clear_peak(state.proc["clear_refs"])
        cpu0 = _cpu()
        # The kernel's own backstop for this test's CPU (the worker watches the whole cgroup every 20 ms).
        resource.setrlimit(resource.RLIMIT_CPU, (int(cpu0) + cpu_limit + 1, resource.RLIM_INFINITY))
        if index == first:  # later tests' starts ride on the previous test's end line: one write, one wake-up less
            os.write(3, b'{"start":%d}\n' % index)
        started = time.monotonic()
        status = execute(msg, compiled, _join_threads)
        _reap()
        wall, cpu = time.monotonic() - started, _cpu() - cpu0
        _drop_module()
        facts = _status()  # after the module's teardown, which may run the program's finalizers
        why = state.left_behind(facts)
        nonce = "" if why else os.urandom(16).hex()
        if nonce:  # (with a replaced descriptor, the worker takes everything up to this process's end)
            marker = b"\0sstar-end-" + nonce.encode() + b"\0"
            _write_all(1, marker)
            _write_all(2, marker)
        os.write(3, json.dumps({"end": index, "exit": status, "cpu": round(cpu, 6), "wall": round(wall, 6),
                                "rss_kb": facts[b"VmHWM:"], "retire": why, "nonce": nonce}).encode() + b"\n")
        if why or (msg.get("stop_after_failure") and status != 0):
            os._exit(0)
    os._exit(0)
