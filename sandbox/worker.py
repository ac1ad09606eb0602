"""The sandbox worker: a warm Python process that forks once per test.

It runs *inside* the isolation layer (bubblewrap, unshare, or a container) and
uses the standard library only, because it is started with the base
interpreter in isolated mode (``python -I``), not the harness's virtualenv.

Protocol: length-prefixed JSON frames (4-byte big-endian length, then UTF-8
JSON) on the worker's original stdin/stdout.  Those two descriptors are moved
to high numbers at start-up and fds 0/1 are pointed at /dev/null, so nothing
the worker or a program prints can corrupt the stream, and the forked child
closes them before it runs any untrusted code.  Results travel back on this
channel only; nothing is parsed from a program's stdout.  Expected outputs
never reach this process: it returns raw facts (exit status, CPU time,
output bytes, the functional return value) and the harness grades them.
"""

from __future__ import annotations

import base64
import ctypes
import errno
import json
import marshal
import os
import resource
import select
import signal
import struct
import sys
import time

# Modules a forked program gets for free (already imported, so the fork is
# cheap) -- the same set LiveCodeBench's grader prepends to every program.
PRELUDE = """\
from string import *
from re import *
from datetime import *
from collections import *
from heapq import *
from bisect import *
from copy import *
from math import *
from random import *
from statistics import *
from itertools import *
from functools import *
from operator import *
from io import *
from sys import *
from json import *
from builtins import *
from typing import *
import string, re, datetime, collections, heapq, bisect, copy, math, random
import statistics, itertools, functools, operator, io, sys, json, typing
"""
EXTRA_PRELOAD = ("decimal", "fractions", "array", "dataclasses", "enum", "threading",
                 "traceback", "atexit", "fcntl", "shutil", "types")

STDERR_KEEP = 8192
CTL_FD = 4  # in a standby child: the pipe its test arrives on
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
PR_SET_PDEATHSIG = 1
MNT_DETACH = 2
CLK_TCK = os.sysconf("SC_CLK_TCK")

_libc = ctypes.CDLL(None, use_errno=True)


def _prctl(option: int, arg: int) -> bool:
    return _libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0) == 0


class Channel:
    """Framed JSON over two file descriptors."""

    def __init__(self, rfd: int, wfd: int) -> None:
        self.rfd, self.wfd = rfd, wfd

    def _read_exact(self, n: int) -> bytes:
        chunks, got = [], 0
        while got < n:
            chunk = os.read(self.rfd, n - got)
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def recv(self) -> dict:
        (length,) = struct.unpack(">I", self._read_exact(4))
        return json.loads(self._read_exact(length))

    def send(self, msg: dict) -> None:
        data = json.dumps(msg, separators=(",", ":")).encode()
        view = memoryview(struct.pack(">I", len(data)) + data)
        while view:
            view = view[os.write(self.wfd, view):]


class Scratch:
    """A fresh, size-limited writable directory for each test.

    As root inside a mount namespace it is a tmpfs capped in bytes and inodes
    (so a million-file program hits ENOSPC, not the host disk) and is replaced
    by a new mount after any test that wrote to it; elsewhere it is a plain
    directory that is emptied between tests.
    """

    def __init__(self, path: str, size_mb: int, inodes: int, owner: int | None, mode: int, use_tmpfs: bool) -> None:
        self.path, self.size_mb, self.inodes, self.owner, self.mode = path, size_mb, inodes, owner, mode
        os.makedirs(self.path, exist_ok=True)
        self.use_tmpfs = use_tmpfs
        self.tmpfs = self._mount()
        if not self.tmpfs:
            self._own()

    def _mount(self) -> bool:
        # Only inside a private mount namespace: elsewhere the mount would land on the host.
        opts = f"size={self.size_mb}m,nr_inodes={self.inodes},mode={self.mode:o}".encode()
        if not self.use_tmpfs or _libc.mount(b"tmpfs", self.path.encode(), b"tmpfs", 0, opts) != 0:
            return False
        self._own()
        return True

    def _own(self) -> None:
        if self.owner is not None:
            os.chown(self.path, self.owner, self.owner)
        os.chmod(self.path, self.mode)

    def reset(self, owner: int | None = None) -> None:
        if owner is not None and owner != self.owner:
            self.owner = owner
            os.chown(self.path, owner, owner)
        if not os.listdir(self.path):
            return
        if self.tmpfs:
            _libc.umount2(self.path.encode(), MNT_DETACH)
            self.tmpfs = self._mount()
            if self.tmpfs:
                return
        import shutil

        for entry in os.listdir(self.path):
            full = os.path.join(self.path, entry)
            if os.path.isdir(full) and not os.path.islink(full):
                shutil.rmtree(full, ignore_errors=True)
            else:
                try:
                    os.unlink(full)
                except OSError:
                    pass
        self._own()


def _read_small(path: str) -> bytes:
    fd = os.open(path, os.O_RDONLY)  # os-level: io.open costs ~0.1 ms a call on this path
    try:
        return os.read(fd, 4096)
    finally:
        os.close(fd)


def _cpu_seconds(pid: int) -> float:
    try:
        fields = _read_small(f"/proc/{pid}/stat").rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0.0


def _descendants(root: int) -> list[int]:
    """Every process below ``root`` (orphans are re-parented to us)."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            ppid = int(_read_small(f"/proc/{name}/stat").rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(name))
    out, stack = [], [root]
    while stack:
        for pid in children.get(stack.pop(), ()):
            out.append(pid)
            stack.append(pid)
    return out


def _reap_zombies() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _children(me: int) -> list[int] | None:
    try:
        return [int(p) for p in _read_small(f"/proc/{me}/task/{me}/children").split()]
    except (OSError, ValueError):
        return None  # kernel without CONFIG_PROC_CHILDREN


def kill_everything(keep: int | None = None) -> None:
    """Kill every process the last test left behind, fork bombs included.

    Orphans are re-parented to us (PID 1 of the namespace, or a subreaper),
    so a test left nothing behind exactly when our only child is ``keep``.
    """
    me = os.getpid()
    for _ in range(10000):
        _reap_zombies()
        children = _children(me)
        if children is not None and not [c for c in children if c != keep]:
            return
        victims = [pid for pid in _descendants(me) if pid != keep]
        if not victims:
            return
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.001)


def _uid_can_run_python(uid: int) -> bool:
    """Can a program running as ``uid`` still import the standard library?

    Without a filesystem view of our own (unshare / none), the interpreter may
    live under a directory that only root can enter (pyenv under /root).
    """
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.listdir(os.path.dirname(os.__file__))
            os._exit(0)
        except BaseException:  # noqa: BLE001
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


class Standby:
    """The worker's handle on a pre-forked test process."""

    def __init__(self, pid: int, uid: int | None, ctl_w: int, out_r: int, err_r: int, res_r: int) -> None:
        self.pid, self.uid, self.ctl_w, self.out_r, self.err_r, self.res_r = pid, uid, ctl_w, out_r, err_r, res_r

    def alive(self) -> bool:
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0

    def go(self, header: bytes, body: bytes) -> bool:
        """Hand over the test; False if the process is gone."""
        data = memoryview(struct.pack(">II", len(header), len(body)) + header + body)
        try:
            while data:
                data = data[os.write(self.ctl_w, data):]
        except BrokenPipeError:
            self.close()
            return False
        os.close(self.ctl_w)
        self.ctl_w = -1
        return True

    def close(self) -> None:
        for fd in (self.ctl_w, self.out_r, self.err_r, self.res_r):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.ctl_w = self.out_r = self.err_r = self.res_r = -1


def _read_order(fd: int):  # pragma: no cover - runs in a standby child
    def exact(n: int) -> bytes | None:
        chunks, got = [], 0
        while got < n:
            chunk = os.read(fd, n - got)
            if not chunk:
                return None
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    sizes = exact(8)
    if sizes is None:
        return None
    header_len, body_len = struct.unpack(">II", sizes)
    header, body = exact(header_len), exact(body_len)
    if header is None or body is None:
        return None
    return json.loads(header), marshal.loads(body)


class Worker:
    def __init__(self, channel: Channel, options: dict) -> None:
        self.channel = channel
        self.root = options["root"]
        self.child_uid = options["child_uid"] if os.getuid() == 0 else None
        self.fatal = ""
        if self.child_uid is not None and not _uid_can_run_python(self.child_uid):
            # Never fall back to running untrusted programs as root.
            self.fatal = (f"an unprivileged uid cannot read the interpreter's standard library "
                          f"({os.path.dirname(os.__file__)}) and programs must not run as root: install bubblewrap, "
                          f"or choose an interpreter any user can read (LocalSandboxConfig.python)")
        tmpfs = options["tmpfs"] and os.getuid() == 0
        self.scratch = Scratch(os.path.join(self.root, "work"), options["scratch_mb"], options["scratch_inodes"],
                               self.child_uid, 0o700, tmpfs)
        # POSIX semaphores (multiprocessing locks) live in /dev/shm: a private, capped one per worker.
        self.shm = Scratch("/dev/shm", 64, 1024, None, 0o1777, True) if tmpfs else None
        self.compiled: dict[str, object] = {}
        install_prelude()
        # The program's environment, set once here rather than after every fork.
        os.environ.clear()
        os.environ.update({"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": self.scratch.path,
                           "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
        for name in EXTRA_PRELOAD:
            __import__(name)
        if os.getpid() != 1:
            _prctl(PR_SET_CHILD_SUBREAPER, 1)
        self.base_vm = self._vm_size()
        self.stdin_path = os.path.join(self.root, "stdin")
        self.standby: Standby | None = None
        self.parity = 0
        import gc

        gc.freeze()  # keep the collector off the worker's own objects: fewer copy-on-write faults per fork

    @staticmethod
    def _vm_size() -> int:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
        return 0

    def hello(self) -> dict:
        return {
            "type": "ready",
            "pid": os.getpid(),
            "uid": os.getuid(),
            "child_uid": self.child_uid,
            "tmpfs_scratch": self.scratch.tmpfs,
            "python": sys.version.split()[0],
            "pid1": os.getpid() == 1,
            **({"fatal": self.fatal} if self.fatal else {}),
        }

    def serve(self) -> None:
        self.channel.send(self.hello())
        if self.fatal:
            return
        while True:
            try:
                msg = self.channel.recv()
            except EOFError:
                return
            op = msg.get("op")
            if op == "exit":
                if self.standby:
                    self.standby.close()
                return
            if op == "ping":
                self.channel.send({"type": "pong"})
                continue
            try:
                reply = self.run(msg)
            except Exception as exc:  # the sandbox failed, not the program
                reply = {"type": "result", "infra": f"{type(exc).__name__}: {exc}"}
            reply["id"] = msg.get("id")
            self.channel.send(reply)

    def _compile(self, code: str):
        obj = self.compiled.get(code)
        if obj is None:
            obj = compile(code, "<solution>", "exec")
            if len(self.compiled) > 64:
                self.compiled.clear()
            self.compiled[code] = obj
        return obj

    def run(self, msg: dict) -> dict:
        limits = msg["limits"]
        try:
            code_obj = self._compile(msg["code"])
        except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
            return {"type": "result", "exit_code": 1, "signal": None, "cpu_s": 0.0, "wall_s": 0.0,
                    "max_rss_kb": 0, "stdout_b64": "", "stderr": f"{type(exc).__name__}: {exc}\n",
                    "exception": type(exc).__name__, "result": None, "timed_out": False,
                    "cpu_exceeded": False, "output_exceeded": False}
        standby, self.standby = self.standby, None
        if standby is None or not standby.alive():
            standby = self._fork_standby()
        try:
            self.scratch.reset(owner=standby.uid)
            if self.shm is not None:
                self.shm.reset()
        except OSError as exc:
            self.standby = standby
            return {"type": "result", "infra": f"scratch reset failed: {exc}"}
        stdin_path = self.stdin_path
        try:
            os.unlink(stdin_path)
        except FileNotFoundError:
            pass
        fd = os.open(stdin_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        try:
            data = memoryview(msg.get("stdin", "").encode())
            while data:
                data = data[os.write(fd, data):]
        finally:
            os.close(fd)
        header = json.dumps({k: msg.get(k) for k in ("mode", "args", "func_name", "limits")}).encode()
        body = marshal.dumps(code_obj)
        start = time.monotonic()
        if not standby.go(header, body):
            return {"type": "result", "infra": "the test process died before its test was handed over"}
        # Fork the next test's process now, while this one runs: the fork (~1.4 ms
        # here) leaves the critical path of the next test.
        self.standby = self._fork_standby()
        try:
            return self._supervise(standby.pid, start, limits, standby.out_r, standby.err_r, standby.res_r)
        finally:
            standby.close()

    def _fork_standby(self) -> "Standby":
        """A child forked ahead of time, already confined; it waits for its test on a pipe.

        Consecutive tests alternate between two uids, so that a test's processes
        (until they are swept after it) can neither signal nor trace the
        process that will run the next test.
        """
        self.parity ^= 1
        uid = None if self.child_uid is None else self.child_uid + 32 * self.parity
        ctl_r, ctl_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        res_r, res_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            try:
                self._prepare(uid, ctl_r, out_w, err_w, res_w)
                order = _read_order(CTL_FD)
                if order is None:  # the worker is shutting down
                    os._exit(0)
                os.close(CTL_FD)
                msg, code_obj = order
                self._start(msg, code_obj)
            except BaseException as exc:  # noqa: BLE001 - set-up failed before the program ran
                try:
                    os.write(3, json.dumps({"infra": f"child set-up: {type(exc).__name__}: {exc}"}).encode())
                finally:
                    os._exit(70)
            os._exit(70)
        for fd in (ctl_r, out_w, err_w, res_w):
            os.close(fd)
        return Standby(pid, uid, ctl_w, out_r, err_r, res_r)

    # -- the parent side -------------------------------------------------
    def _supervise(self, pid: int, start: float, limits: dict, out_r: int, err_r: int, res_r: int) -> dict:
        out_cap = int(limits["output_bytes"])
        bufs = {out_r: bytearray(), err_r: bytearray(), res_r: bytearray()}
        caps = {out_r: out_cap + 1, err_r: 1 << 20, res_r: out_cap + 1}
        pidfd = os.pidfd_open(pid)
        poller = select.poll()
        for fd in bufs:
            poller.register(fd, select.POLLIN)
        poller.register(pidfd, select.POLLIN)
        deadline = start + float(limits["wall_s"])
        cpu_limit = float(limits["cpu_s"])
        timed_out = cpu_exceeded = output_exceeded = False
        open_fds = set(bufs)
        next_cpu_check = start + 0.02

        def pump(fd: int) -> None:
            data = os.read(fd, 65536)
            if not data:
                poller.unregister(fd)
                open_fds.discard(fd)
                return
            buf = bufs[fd]
            if fd == err_r and len(buf) + len(data) > caps[fd]:
                del buf[: len(buf) + len(data) - STDERR_KEEP]  # keep the tail: tracebacks end there
            buf += data

        exited = False
        while not exited:
            now = time.monotonic()
            if now >= deadline:
                timed_out = True
                break
            for fd, _ in poller.poll(min(deadline - now, 0.05) * 1000):
                if fd == pidfd:
                    exited = True
                else:
                    pump(fd)
            if len(bufs[out_r]) > out_cap or len(bufs[res_r]) > out_cap:
                output_exceeded = True
                break
            if not exited and now >= next_cpu_check:
                next_cpu_check = now + 0.02
                if _cpu_seconds(pid) > cpu_limit:
                    cpu_exceeded = True
                    break
        if not exited:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        _, status, usage = os.wait4(pid, 0)
        wall = time.monotonic() - start
        poller.unregister(pidfd)
        os.close(pidfd)
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        kill_everything(keep=self.standby.pid if self.standby else None)
        # All writers are gone now: drain what is left in the pipes.
        drain_until = time.monotonic() + 1.0
        while open_fds and not output_exceeded and time.monotonic() < drain_until:
            for fd, _ in poller.poll(100):
                pump(fd)
            if len(bufs[out_r]) > out_cap or len(bufs[res_r]) > out_cap:
                output_exceeded = True
        lines = []
        for line in bytes(bufs[res_r][: out_cap + 64 * 1024]).split(b"\n"):
            try:
                item = json.loads(line) if line.strip() else None
            except (ValueError, UnicodeDecodeError):
                item = None  # a program may scribble on its own result pipe; it only hurts itself
            if isinstance(item, dict):
                lines.append(item)
        first = lines[0] if lines else {}
        ready = isinstance(first.get("ready"), float)
        report: dict = {}
        if ready:
            for item in lines[1:]:
                report.update({k: v for k, v in item.items() if k in ("result", "exception")})
        elif "infra" in first:
            report["infra"] = str(first["infra"])  # set-up failed: the program never ran
        base_cpu = first["ready"] if ready else 0.0
        cpu = max(0.0, usage.ru_utime + usage.ru_stime - base_cpu)
        return {
            "type": "result",
            "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            "timed_out": timed_out,
            "cpu_exceeded": cpu_exceeded or cpu > cpu_limit,
            "output_exceeded": output_exceeded,
            "cpu_s": round(cpu, 6),
            "wall_s": round(wall, 6),
            "max_rss_kb": usage.ru_maxrss,
            "stdout_b64": base64.b64encode(bytes(bufs[out_r][:out_cap])).decode(),
            "stderr": bytes(bufs[err_r][-STDERR_KEEP:]).decode("utf-8", "replace"),
            "exception": report.get("exception"),
            "result": report.get("result"),
            **({"infra": report["infra"]} if "infra" in report else {}),
        }

    # -- the child side (untrusted code runs here) ------------------------
    def _prepare(self, uid: int | None, ctl_r: int, out_w: int, err_w: int, res_w: int) -> None:  # pragma: no cover
        """Everything that does not depend on the test: done before it is handed over."""
        os.setsid()
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        os.dup2(res_w, 3)
        os.dup2(ctl_r, CTL_FD)
        os.closerange(CTL_FD + 1, 65536)  # the pipes' originals, the worker's channel, other tests' pipes
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # until the test's input is handed over
        # Signal dispositions stay the worker's, i.e. a fresh interpreter's
        # (SIGPIPE and SIGXFSZ ignored, SIGINT raising KeyboardInterrupt).
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if uid is not None:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # after setuid: a credential change clears it
        _prepare_streams()

    def _start(self, msg: dict, code_obj) -> None:  # pragma: no cover
        """The test's own part: its input, its limits, then the program."""
        fd_in = os.open(self.stdin_path, os.O_RDONLY)
        os.dup2(fd_in, 0)
        os.close(fd_in)
        os.chdir(self.scratch.path)  # after the hand-over: the parent may have replaced the mount
        limits = msg["limits"]
        cpu = int(limits["cpu_s"]) + 1
        for res, value in (
            (resource.RLIMIT_CPU, (cpu, cpu + 1)),
            (resource.RLIMIT_AS, int(limits["memory_mb"]) * 1024 * 1024 + self.base_vm),
            (resource.RLIMIT_FSIZE, int(limits["file_bytes"])),
            (resource.RLIMIT_NOFILE, int(limits["nofile"])),
            (resource.RLIMIT_NPROC, int(limits["nproc"])),
        ):
            soft, hard = value if isinstance(value, tuple) else (value, value)
            resource.setrlimit(res, (soft, hard))
        # The first line on the result pipe, before the program can write there:
        # the CPU spent so far (set-up, not the program's) and proof the set-up worked.
        usage = resource.getrusage(resource.RUSAGE_SELF)
        os.write(3, json.dumps({"ready": usage.ru_utime + usage.ru_stime}).encode() + b"\n")
        _run_program(msg, code_obj)


def _prepare_streams() -> None:  # pragma: no cover - child only
    """The program's sys.stdin/stdout/stderr, made before its input exists.

    stdin wraps descriptor 0, which is pointed at the test's input file on
    hand-over; /dev/null (there until then) and a regular file look alike to
    the wrapper (seekable, not a terminal).
    """
    import io

    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.open(0, "rb", closefd=False), encoding="utf-8",
                                                 errors="surrogateescape")
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(io.open(1, "wb", closefd=False), encoding="utf-8",
                                                   errors="surrogateescape")
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(io.open(2, "wb", closefd=False), encoding="utf-8",
                                                   errors="backslashreplace", line_buffering=True)


def install_prelude() -> None:
    """Make the prelude's names resolvable in every program, at no per-test cost.

    They go into the builtins (where a name is not a builtin already, which is
    the effect of the prelude's final ``from builtins import *``). Copying them
    into each program's globals instead would touch ~600 objects after every
    fork -- about 1 ms of copy-on-write faults per test on a small VM.
    """
    import builtins

    names: dict = {}
    exec(PRELUDE, names)
    for key, value in names.items():
        if not key.startswith("__"):
            builtins.__dict__.setdefault(key, value)


def _run_program(msg: dict, code_obj) -> None:  # pragma: no cover - child only
    import atexit
    import threading

    memory_report = b'{"exception":"MemoryError"}\n'

    def report(obj: dict) -> None:
        try:
            os.write(3, json.dumps(obj).encode() + b"\n")
        except (OSError, ValueError, TypeError, MemoryError):
            pass

    sys.argv = ["solution.py"]
    sys.setrecursionlimit(50000)
    atexit._clear()
    functional = msg.get("mode") == "functional"
    # A real module, registered in sys.modules, so that pickle (multiprocessing) finds its functions.
    import types

    module = types.ModuleType("__sstar_solution__" if functional else "__main__")
    namespace = module.__dict__
    namespace.update({"__name__": module.__name__, "__file__": "solution.py"})
    import builtins

    builtins.stdin, builtins.stdout, builtins.stderr = sys.stdin, sys.stdout, sys.stderr  # from sys import *
    sys.modules[module.__name__] = module
    exit_code = 0
    try:
        exec(code_obj, namespace)
        if functional:
            args = [json.loads(line) for line in msg.get("args", [])]
            name = msg["func_name"]
            solution = namespace.get("Solution")
            if isinstance(solution, type):
                fn = getattr(solution(), name)
            elif name in namespace:
                fn = namespace[name]
            else:
                raise NameError(f"no class Solution and no function named {name!r}")
            value = fn(*args)
            try:
                text = json.dumps(value, default=_to_jsonable)
            except (TypeError, ValueError) as exc:
                report({"exception": "UnserializableResult", "message": str(exc)[:300]})
                exit_code = 1
            else:
                report({"result": text})
    except SystemExit as exc:
        code = exc.code
        if code is None:
            exit_code = 0
        elif isinstance(code, int):
            exit_code = code & 0xFF
        else:
            print(code, file=sys.stderr)
            exit_code = 1
    except MemoryError:
        try:
            os.write(3, memory_report)
        except OSError:
            pass
        exit_code = 1
    except BaseException as exc:  # noqa: BLE001 - any error the program raises
        import traceback

        try:
            # Drop the worker's own frame: the traceback starts in the program.
            traceback.print_exception(type(exc), exc, exc.__traceback__.tb_next)
        except BaseException:  # noqa: BLE001
            pass
        report({"exception": type(exc).__name__})
        exit_code = 1
    try:
        threading._shutdown()  # a fresh interpreter waits for its non-daemon threads
    except BaseException:  # noqa: BLE001
        pass
    try:
        atexit._run_exitfuncs()
    except BaseException:  # noqa: BLE001
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001 - a broken stdout is the program's business
            if stream is sys.stdout and exit_code == 0:
                exit_code = 120  # what CPython returns when the final flush fails
    os._exit(exit_code)


def _to_jsonable(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def main(argv: list[str]) -> None:
    options = {"child_uid": None, "scratch_mb": 256, "scratch_inodes": 20000, "root": "/tmp", "tmpfs": False}
    for arg in argv:
        key, _, value = arg.partition("=")
        if key == "--child-uid" and value:
            options["child_uid"] = int(value)
        elif key in ("--scratch-mb", "--scratch-inodes"):
            options[key[2:].replace("-", "_")] = int(value)
        elif key == "--root":
            options["root"] = value
        elif key == "--tmpfs":
            options["tmpfs"] = True
    rfd, wfd = os.dup(0), os.dup(1)
    for fd in (rfd, wfd):
        os.set_inheritable(fd, False)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    Worker(Channel(rfd, wfd), options).serve()


if __name__ == "__main__":
    main(sys.argv[1:])
