"""What a fresh process starts from, and the check after each test of a batch (``_sstar_batch``) that nothing
is left behind that the next test could see (``FreshState``). Standard library only.

A trivial test costs well under 0.1 ms of CPU in all, so every check here is written to be cheap: counters read
with ``pread`` from ``/proc`` files opened once (``_sstar_procfacts``; one read of /proc/self/stat gives the
threads, the memory and what the kernel keeps for the process: group, signal mask and dispositions, priority),
the descriptor table by its count and each descriptor's identity (``_sstar_fds``), builtins compared through the
dict's version tag, signal handlers through ``_signal`` (``signal.getsignal`` converts each to an enum in Python).
"""

from __future__ import annotations

import _signal
import builtins
import gc
import io
import operator
import os
import resource
import signal
import sys

from _sstar_fds import FdTable
from _sstar_procfacts import (KERNEL_STATE, _agree, _size_counts_entries, stat_facts, stat_fields, statm, status,
                              sysv_objects)
from _sstar_views import VIEWS

MEMORY_SLACK = 16 << 20  # bytes a process may keep after a test before it is replaced
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGALRM, signal.SIGCHLD, signal.SIGPIPE, signal.SIGXFSZ,
           signal.SIGXCPU, signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP, signal.SIGSEGV, signal.SIGFPE)
LIMITS = (resource.RLIMIT_AS, resource.RLIMIT_FSIZE, resource.RLIMIT_NOFILE, resource.RLIMIT_NPROC,
          resource.RLIMIT_CORE, resource.RLIMIT_STACK)
STREAMS = ("stdin", "stdout", "stderr", "__stdin__", "__stdout__", "__stderr__")
WALL = 0x40000000  # __WALL: waitid sees children whatever signal they were made to send at their exit
NO_TIMER = (0.0, 0.0)
STDOUT: list = [None]  # the program's sys.stdout, as made when the process was confined


class FreshState:
    """What a fresh process starts from, taken before the first test and checked after each."""

    def __init__(self, work_dir: str, shm_dir: str | None, code_len: int, tmpfs: bool | None = None,
                 clear_refs: int = -1) -> None:
        """``tmpfs``: the scratch directories are tmpfs mounts (None: unknown, found out with a probe).
        ``clear_refs``: the process's ``/proc/self/clear_refs``, opened while it could be (-1: opened here if
        it still can be). Every descriptor open when it is made (the output pipes, the batch's own files) is
        watched."""
        import decimal
        import random

        self.work_dir, self.shm_dir = work_dir, shm_dir
        self.decimal = decimal.getcontext().copy()
        self.set_decimal, self.reseed = decimal.setcontext, random.seed  # (the originals, looked up once)
        self.int_digits = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
        builtins.stdin, builtins.stdout, builtins.stderr = sys.stdin, sys.stdout, sys.stderr  # (as restore() does)
        self.stdout = STDOUT[0] if STDOUT[0] is not None else sys.stdout
        self.stderr = sys.stderr
        self.stdout_encoding = getattr(self.stdout, "encoding", None)
        # What the program could set on the streams' objects, which outlive a test: their attributes (a file
        # object's ``__dict__``, holding ``mode``) and the settings ``reconfigure()`` changes.
        self.stream_facts = tuple(dict(v) if isinstance(v, dict) else v for v in self._stream_facts())
        self.builtins_version, self.random_view = VIEWS.get("builtins"), VIEWS.get("random")
        self.random_seen = None
        self.version = None
        # Without a version tag: compared in dict order, by identity; the streams (set anew for every test)
        # compare as None. (Only then: walking the ~600 builtins costs ~0.5 ms of copy-on-write faults.)
        self.builtin_streams = [i for i, k in enumerate(builtins.__dict__) if k in STREAMS] \
            if self.builtins_version is None else []
        self.builtin_values = self._builtin_values() if self.builtins_version is None else None
        self.signals = list(map(_signal.getsignal, SIGNALS))
        # Where /proc/self/stat is read, the kernel's own record of which signals are caught or ignored covers
        # every standard signal (``KERNEL_STATE``); only a signal with a Python handler already (SIGINT's) could
        # have it replaced by another without the kernel seeing a change.
        self.python_handled = [(sig, h) for sig, h in zip(SIGNALS, self.signals) if callable(h)]
        self.limits = list(map(resource.getrlimit, LIMITS))
        self.environ = dict(os.environ._data)  # the bytes behind os.environ: compared without decoding
        if clear_refs < 0:
            try:
                clear_refs = os.open("/proc/self/clear_refs", os.O_WRONLY)
            except OSError:  # (not once the uid was dropped: the process is no longer dumpable)
                pass
        # Read after every test: opened once (a pread of a /proc file regenerates it). Without a per-test peak
        # to reset, the peak is the process's (getrusage's), and the threads and the memory now come from
        # /proc/self/stat: a fifth of the kernel's work of /proc/self/status, which is opened only where
        # /proc/self/stat cannot be trusted or (``peak_from_status``) the peak must come from it.
        self.proc = {"clear_refs": clear_refs, "stat": os.open("/proc/self/stat", os.O_RDONLY), "status": -1}
        # With clear_refs, getrusage's peak is the test's own too (both read the memory's high-water mark,
        # which "5" resets), until a thread's exit copies that mark into the process's record: then the
        # batch loop calls ``use_status_peak`` and the peak comes from /proc/self/status (VmHWM) instead.
        self.peak_from_status = False
        self.proc["status"] = os.open("/proc/self/status", os.O_RDONLY)
        if _agree(self._from_stat(0), status(self.proc["status"])):
            os.close(self.proc["status"])
            self.proc["status"] = -1
        else:
            os.close(self.proc["stat"])
            self.proc["stat"] = -1
        self.sys = (list(sys.path), list(sys.meta_path), list(sys.path_hooks), sys.excepthook, sys.displayhook)
        self.pgrp = os.getpgrp()
        self.kernel = self._kernel_state()
        self.dirs = tuple(d for d in (work_dir, shm_dir) if d)
        # Where the scratch directories are tmpfs mounts (the sandbox's own, as root), one stat a test tells
        # whether they are empty; elsewhere they are listed.
        if tmpfs is None:
            tmpfs = all(map(_size_counts_entries, self.dirs))
        self.dir_fds: tuple[int, ...] = ()
        self.dir_facts = None
        if tmpfs and not any(map(os.listdir, self.dirs)):
            # Opened once: an fstat costs half a stat of the path. What each is (its device and inode) is in
            # its facts, so the descriptor table need not check them again.
            self.dir_fds = tuple(os.open(d, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC) for d in self.dirs)
            self.dir_facts = self._dir_facts()
        self.memory = tuple(x + MEMORY_SLACK + 8 * code_len for x in statm())
        self.memory_kb = tuple(x // 1024 for x in self.memory)
        self.stdin = None
        # Last: every descriptor open now (the output pipes, the batch's files, the ones above) is watched.
        self.fds = FdTable(self.dir_fds)

    def _stream_facts(self) -> tuple:
        out, err = self.stdout, self.stderr  # (the live attribute dicts: compared with the copies taken first)
        return (getattr(out, "__dict__", None), getattr(err, "__dict__", None), getattr(out, "encoding", None),
                getattr(err, "encoding", None), getattr(out, "errors", None), getattr(err, "errors", None),
                getattr(out, "line_buffering", None), getattr(err, "line_buffering", None),
                getattr(out, "write_through", None), getattr(err, "write_through", None))

    def _builtin_values(self) -> list:
        values = list(builtins.__dict__.values())
        for i in self.builtin_streams:
            if i < len(values):
                values[i] = None
        return values

    def _status_fd(self) -> int:
        if self.proc["status"] < 0:
            self.proc["status"] = os.open("/proc/self/status", os.O_RDONLY)
        return self.proc["status"]

    def use_status_peak(self) -> None:
        """The peak from now on comes from /proc/self/status: getrusage's no longer comes down with a reset."""
        self._status_fd()
        self.peak_from_status = True
        self.fds = FdTable(self.dir_fds)  # (one descriptor more)

    def facts(self, peak_kb: int | None = None) -> dict[bytes, int]:
        """What ``status()`` gives, for the check after a test; ``peak_kb``: getrusage's peak (None: the peak is
        left out where it would be getrusage's)."""
        if self.proc["stat"] < 0 or self.peak_from_status:
            return status(self._status_fd())
        try:
            return self._from_stat(peak_kb)
        except (OSError, ValueError, IndexError):
            return {} if peak_kb is None else {b"VmHWM:": peak_kb}

    def _from_stat(self, peak_kb: int | None) -> dict:
        return stat_facts(self.proc["stat"], peak_kb)

    def _kernel_state(self) -> tuple | None:
        """``KERNEL_STATE`` now, where the facts came from /proc/self/status (or None: no /proc/self/stat)."""
        return None if self.proc["stat"] < 0 else KERNEL_STATE(stat_fields(self.proc["stat"]))

    def _dir_facts(self) -> list[tuple[int, int, int, int, int]]:
        return [(st.st_size, st.st_mode, st.st_uid, st.st_dev, st.st_ino) for st in map(os.fstat, self.dir_fds)]

    def restore(self, seed: bytes) -> None:
        """The state a forked process starts from. ``seed``: fresh random bytes for ``random`` (a forked child
        reseeds itself from the system; 16 bytes make the draws as unpredictable at half the cost of 2.5 kB).
        A generator the last test did not touch (neither drawn from nor seeded) is as fresh as a new one: its
        draws were never seen."""
        if self.random_view is None or self.random_view() != self.random_seen:
            self.reseed(int.from_bytes(seed, "little"))
            if self.random_view is not None:
                self.random_seen = self.random_view()
        self.set_decimal(self.decimal.copy())
        if self.int_digits is not None:
            sys.set_int_max_str_digits(self.int_digits)
        # As io.open(0, "rb", closefd=False) makes it, less its isatty() call (a file is no terminal). (Each test
        # its own raw file object too: the last test's wrapper, collected, closes the one it holds.)
        raw = io.FileIO(0, "rb", closefd=False)
        sys.stdin = sys.__stdin__ = self.stdin = io.TextIOWrapper(
            io.BufferedReader(raw, raw._blksize if raw._blksize > 1 else io.DEFAULT_BUFFER_SIZE),
            encoding="utf-8", errors="surrogateescape")
        self.stdin.mode = "r"  # as io.open() sets it (FastIO templates read it)
        # What each test's program sees as ``from sys import *``'s streams; set here, before the version is
        # read, so that the program's own setting of them (to the same objects) changes nothing.
        builtins.stdin, builtins.stdout, builtins.stderr = sys.stdin, sys.stdout, sys.stderr
        if self.builtins_version is not None:
            self.version = self.builtins_version.value

    def left_behind(self, facts: dict[bytes, int], kids: bool | None = None) -> str:
        """Why this process cannot run another test ("" if it can); ``facts``: ``facts()`` after the test,
        ``kids``: whether the process has a child (``children()``; None: found out here)."""
        try:
            return self._left_behind(facts, children() if kids is None else kids)
        except Exception as exc:  # noqa: BLE001 - anything we cannot check is not trusted
            return f"state check failed: {type(exc).__name__}"

    def _left_behind(self, facts: dict[bytes, int], children: bool) -> str:
        # Written for speed (~60 checks a test): no generator, no list built where a comparison will do.
        threads = facts.get(b"Threads:")
        if (threads if threads is not None else len(os.listdir("/proc/self/task"))) != 1:
            return "a thread is still running"
        if children:
            return "a child process is still running"
        if sys.stdin is not self.stdin or sys.stdout is not self.stdout or sys.stderr is not self.stderr \
                or sys.__stdout__ is not self.stdout or sys.__stderr__ is not self.stderr:
            return "the standard streams were replaced"
        if self._stream_facts() != self.stream_facts:
            return "the standard streams were reconfigured"
        if self.builtins_version is not None:
            if self.builtins_version.value != self.version:
                return "a builtin was changed"
        else:
            now = self._builtin_values()
            if len(now) != len(self.builtin_values) or any(map(operator.is_not, now, self.builtin_values)):
                return "a builtin was changed"
        kernel = facts.get(b"kernel") or self._kernel_state()
        if any(_signal.getsignal(sig) is not handler for sig, handler in self.python_handled) if kernel is not None \
                else any(map(operator.is_not, map(_signal.getsignal, SIGNALS), self.signals)):
            return "a signal handler was changed"
        getitimer = signal.getitimer
        if getitimer(0) != NO_TIMER or getitimer(1) != NO_TIMER or getitimer(2) != NO_TIMER:  # real, virtual, prof
            return "a timer is pending"
        if self.fds.changed():
            return "descriptors were opened, closed or replaced"
        if list(map(resource.getrlimit, LIMITS)) != self.limits:
            return "resource limits were changed"
        if kernel != self.kernel if kernel is not None else os.getpgrp() != self.pgrp:
            return "the process group, signal mask, signal dispositions, priority or scheduling was changed"
        if os.environ._data != self.environ or os.getcwd() != self.work_dir:
            return "the environment or directory was changed"
        path, meta_path, path_hooks, excepthook, displayhook = self.sys
        if sys.path != path or sys.meta_path != meta_path or sys.path_hooks != path_hooks \
                or sys.excepthook is not excepthook or sys.displayhook is not displayhook \
                or sys.gettrace() is not None or sys.getprofile() is not None or not gc.isenabled():
            return "interpreter hooks were changed"
        if (self._dir_facts() != self.dir_facts) if self.dir_facts is not None else any(map(os.listdir, self.dirs)):
            return "files were left in the scratch directory"
        if sysv_objects():
            return "SysV IPC objects were left"
        size, resident = self.memory_kb  # (kB, as the facts are)
        if (facts[b"VmSize:"] > size or facts[b"VmRSS:"] > resident) if b"VmRSS:" in facts else \
                any(now > cap for now, cap in zip(statm(), self.memory)):
            gc.collect()
            if any(now > cap for now, cap in zip(statm(), self.memory)):
                return "memory was kept after the test"
        return ""


def children() -> bool:
    """Whether this process has a child, running or a zombie (of any of its threads, whatever its exit signal)."""
    try:
        os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT | WALL)
    except ChildProcessError:
        return False
    return True
