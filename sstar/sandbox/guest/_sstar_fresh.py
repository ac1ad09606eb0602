"""What a fresh process starts from, and the check after each test of a batch (``_sstar_batch``) that nothing
is left behind that the next test could see (``FreshState``). Standard library only.

A trivial test costs about 0.1 ms of CPU in all, so every check here is written to be cheap: counters read
with ``pread`` from ``/proc`` files opened once, builtins compared through the dict's version tag, signal
handlers through ``_signal`` (``signal.getsignal`` converts each to an enum in Python).
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

from _sstar_views import VIEWS

MEMORY_SLACK = 16 << 20  # bytes a process may keep after a test before it is replaced
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGALRM, signal.SIGCHLD, signal.SIGPIPE, signal.SIGXFSZ,
           signal.SIGXCPU, signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP, signal.SIGSEGV, signal.SIGFPE)
LIMITS = (resource.RLIMIT_AS, resource.RLIMIT_FSIZE, resource.RLIMIT_NOFILE, resource.RLIMIT_NPROC,
          resource.RLIMIT_CORE, resource.RLIMIT_STACK)
STREAMS = ("stdin", "stdout", "stderr", "__stdin__", "__stdout__", "__stderr__")
PAGE = os.sysconf("SC_PAGE_SIZE")
STDOUT: list = [None]  # the program's sys.stdout, as made when the process was confined


def statm(fd: int) -> tuple[int, int]:
    """The process's virtual and resident size now, in bytes (``fd``: /proc/self/statm, or -1)."""
    if fd >= 0:
        data = os.pread(fd, 128, 0)
    else:
        with open("/proc/self/statm", "rb") as f:
            data = f.read()
    size, resident = data.split()[:2]
    return int(size) * PAGE, int(resident) * PAGE


def status(fd: int) -> dict[bytes, int]:
    """This test's peak resident size (VmHWM), the threads now, and the memory now (VmSize, VmRSS), in kB:
    one read of /proc/self/status (``fd``)."""
    try:
        data = os.pread(fd, 4096, 0)
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


def _size_counts_entries(path: str) -> bool:
    """Whether ``path``'s size tells how many entries it holds (tmpfs adds 20 bytes an entry): tried with a
    file made and removed while it is empty."""
    probe = os.path.join(path, ".sstar-size-probe")
    try:
        if os.listdir(path):
            return False
        empty = os.stat(path).st_size
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        try:
            one = os.stat(path).st_size
        finally:
            os.unlink(probe)
        return one != empty and os.stat(path).st_size == empty and not os.listdir(path)
    except OSError:
        return False


def _agree(from_stat: dict[bytes, int], from_status: dict[bytes, int]) -> bool:
    """The two files read alike (the memory may move by a few pages between the reads)."""
    return from_stat[b"Threads:"] == from_status.get(b"Threads:") and all(
        abs(from_stat[k] - from_status.get(k, -1 << 40)) < 1024 for k in (b"VmSize:", b"VmRSS:"))


class FreshState:
    """What a fresh process starts from, taken before the first test and checked after each."""

    def __init__(self, work_dir: str, shm_dir: str | None, code_len: int, keep_fds: tuple[int, ...] = (),
                 tmpfs: bool | None = None, clear_refs: int = -1) -> None:
        """``tmpfs``: the scratch directories are tmpfs mounts (None: unknown, found out with a probe).
        ``clear_refs``: the process's ``/proc/self/clear_refs``, opened while it could be (-1: opened here if
        it still can be)."""
        import decimal

        self.work_dir, self.shm_dir = work_dir, shm_dir
        self.decimal = decimal.getcontext().copy()
        self.int_digits = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
        builtins.stdin, builtins.stdout, builtins.stderr = sys.stdin, sys.stdout, sys.stderr  # (as restore() does)
        self.builtins_version, self.random_view = VIEWS.get("builtins"), VIEWS.get("random")
        self.random_seen = None
        self.version = None
        # Without a version tag: compared in dict order, by identity; the streams (set anew for every test)
        # compare as None. (Only then: walking the ~600 builtins costs ~0.5 ms of copy-on-write faults.)
        self.builtin_streams = [i for i, k in enumerate(builtins.__dict__) if k in STREAMS] \
            if self.builtins_version is None else []
        self.builtin_values = self._builtin_values() if self.builtins_version is None else None
        self.signals = list(map(_signal.getsignal, SIGNALS))
        self.limits = {r: resource.getrlimit(r) for r in LIMITS}
        self.environ = dict(os.environ._data)  # the bytes behind os.environ: compared without decoding
        me = os.getpid()
        # Read many times: opened once (a pread of a /proc file regenerates it).
        self.proc = {name: os.open(path, os.O_RDONLY) for name, path in (
            ("statm", "/proc/self/statm"), ("status", "/proc/self/status"),
            ("children", f"/proc/{me}/task/{me}/children"))}
        if clear_refs < 0:
            try:
                clear_refs = os.open("/proc/self/clear_refs", os.O_WRONLY)
            except OSError:  # (not once the uid was dropped: the process is no longer dumpable)
                pass
        self.proc["clear_refs"] = clear_refs
        # Without a per-test peak to reset, the peak is the process's (getrusage's) and the threads and the
        # memory now come from /proc/self/stat: a fifth of the kernel's work of /proc/self/status.
        self.proc["stat"] = os.open("/proc/self/stat", os.O_RDONLY)
        # With clear_refs, getrusage's peak is the test's own too (both read the memory's high-water mark,
        # which "5" resets), until a thread's exit copies that mark into the process's record: then the
        # batch loop sets this and the peak comes from /proc/self/status (VmHWM) instead.
        self.peak_from_status = False
        if self.proc["stat"] >= 0 and not _agree(self._from_stat(0), status(self.proc["status"])):
            os.close(self.proc["stat"])
            self.proc["stat"] = -1
        self.sys = (list(sys.path), list(sys.meta_path), list(sys.path_hooks), sys.excepthook, sys.displayhook)
        self.fds = self._fds()
        # What these are (the output pipes, the batch's own files, clear_refs: written before every test).
        self.watched = (1, 2, 3) + tuple(keep_fds) + ((clear_refs,) if clear_refs >= 0 else ())
        self.pipes = self._pipes()
        self.pgrp = os.getpgrp()
        self.dirs = tuple(d for d in (work_dir, shm_dir) if d)
        # Where the scratch directories are tmpfs mounts (the sandbox's own, as root), one stat a test tells
        # whether they are empty; elsewhere they are listed.
        if tmpfs is None:
            tmpfs = all(map(_size_counts_entries, self.dirs))
        self.dir_facts = self._dir_facts() if tmpfs and not any(map(os.listdir, self.dirs)) else None
        self.memory = tuple(x + MEMORY_SLACK + 8 * code_len for x in statm(self.proc["statm"]))
        self.stdin = None

    def _builtin_values(self) -> list:
        values = list(builtins.__dict__.values())
        for i in self.builtin_streams:
            if i < len(values):
                values[i] = None
        return values

    def facts(self, peak_kb: int) -> dict[bytes, int]:
        """What ``status()`` gives, for the check after a test; ``peak_kb``: getrusage's peak."""
        if self.proc["stat"] < 0 or self.peak_from_status:
            return status(self.proc["status"])
        try:
            return self._from_stat(peak_kb)
        except (OSError, ValueError, IndexError):
            return {b"VmHWM:": peak_kb}

    def _from_stat(self, peak_kb: int) -> dict[bytes, int]:
        # After the command's closing parenthesis: field 3 (state) first; threads 20, vsize 23 (bytes), rss 24 (pages).
        fields = os.pread(self.proc["stat"], 1024, 0).rsplit(b")", 1)[1].split()
        return {b"VmHWM:": peak_kb, b"VmSize:": int(fields[20]) // 1024, b"VmRSS:": int(fields[21]) * PAGE // 1024,
                b"Threads:": int(fields[17])}

    def _dir_facts(self) -> list[tuple[int, int, int, int]]:
        return [(st.st_size, st.st_mode, st.st_uid, st.st_ino) for st in map(os.stat, self.dirs)]

    def _pipes(self) -> list[tuple[int, int]]:
        """What the watched descriptors are: a program may have put something else there."""
        return [(st.st_dev, st.st_ino) for st in map(os.fstat, self.watched)]

    @staticmethod
    def _fds() -> list[str]:
        # Descriptor 0 is the next test's input, put in place before it whatever the program did with it.
        return sorted(fd for fd in os.listdir("/proc/self/fd") if fd != "0")

    def restore(self, seed: bytes) -> None:
        """The state a forked process starts from. ``seed``: fresh random bytes for ``random`` (a forked child
        reseeds itself from the system; 16 bytes make the draws as unpredictable at half the cost of 2.5 kB).
        A generator the last test did not touch (neither drawn from nor seeded) is as fresh as a new one: its
        draws were never seen."""
        import decimal
        import random

        if self.random_view is None or self.random_view() != self.random_seen:
            random.seed(int.from_bytes(seed, "little"))
            if self.random_view is not None:
                self.random_seen = self.random_view()
        decimal.setcontext(self.decimal.copy())
        if self.int_digits is not None:
            sys.set_int_max_str_digits(self.int_digits)
        sys.stdin = sys.__stdin__ = self.stdin = io.TextIOWrapper(
            io.open(0, "rb", closefd=False), encoding="utf-8", errors="surrogateescape")
        self.stdin.mode = "r"  # as io.open() sets it (FastIO templates read it)
        # What each test's program sees as ``from sys import *``'s streams; set here, before the version is
        # read, so that the program's own setting of them (to the same objects) changes nothing.
        builtins.stdin, builtins.stdout, builtins.stderr = sys.stdin, sys.stdout, sys.stderr
        if self.builtins_version is not None:
            self.version = self.builtins_version.value

    def children(self) -> bytes:
        """The process's children, zombies included (empty: nothing to reap)."""
        return os.pread(self.proc["children"], 64, 0)

    def left_behind(self, facts: dict[bytes, int]) -> str:
        """Why this process cannot run another test ("" if it can); ``facts``: ``status()`` after the test."""
        try:
            return self._left_behind(facts)
        except Exception as exc:  # noqa: BLE001 - anything we cannot check is not trusted
            return f"state check failed: {type(exc).__name__}"

    def _left_behind(self, facts: dict[bytes, int]) -> str:
        threads = facts.get(b"Threads:")
        if (threads if threads is not None else len(os.listdir("/proc/self/task"))) != 1:
            return "a thread is still running"
        if self.children().split():
            return "a child process is still running"
        if sys.stdin is not self.stdin or any(getattr(sys, n) is not getattr(sys, "__" + n + "__")
                                              for n in ("stdout", "stderr")) or sys.stdout is not STDOUT[0]:
            return "the standard streams were replaced"
        if self.builtins_version is not None:
            if self.builtins_version.value != self.version:
                return "a builtin was changed"
        else:
            now = self._builtin_values()
            if len(now) != len(self.builtin_values) or any(map(operator.is_not, now, self.builtin_values)):
                return "a builtin was changed"
        if any(map(operator.is_not, map(_signal.getsignal, SIGNALS), self.signals)):
            return "a signal handler was changed"
        if signal.getitimer(signal.ITIMER_REAL) != (0.0, 0.0) or \
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
        if (self._dir_facts() != self.dir_facts) if self.dir_facts is not None else any(map(os.listdir, self.dirs)):
            return "files were left in the scratch directory"
        if sysv_objects():
            return "SysV IPC objects were left"
        memory = (facts[b"VmSize:"] * 1024, facts[b"VmRSS:"] * 1024) if b"VmRSS:" in facts else statm(self.proc["statm"])
        if any(now > cap for now, cap in zip(memory, self.memory)):
            gc.collect()
            if any(now > cap for now, cap in zip(statm(self.proc["statm"]), self.memory)):
                return "memory was kept after the test"
        return ""
