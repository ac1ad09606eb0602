"""The forked side of the sandbox worker: where the untrusted program runs.

A standby child is forked ahead of its test, confined (session, uid,
no_new_privs, death signal, streams) and then waits on a pipe; on hand-over it
takes its input and limits and runs the program, reporting out of band on fd 3.
"""

from __future__ import annotations

import ctypes
import marshal
import os
import resource
import signal
import struct
import sys

from _sstar_os import PR_SET_NO_NEW_PRIVS, PR_SET_PDEATHSIG, _libc, prctl

CLONE_NEWIPC = 0x08000000
KEYCTL_JOIN_SESSION_KEYRING = 1

CTL_FD = 4  # in a standby child: the pipe its test arrives on
# In a confined child: its own /proc/self/clear_refs, opened while it is still root (a write of "5" resets its
# peak resident size: a batch's per-test peak), or -1. Once the uid is dropped the process is not dumpable,
# its /proc files are root's, and it could no longer open it.
CLEAR_REFS = [-1]


class Standby:
    """The worker's handle on a pre-forked test process."""

    def __init__(self, pid: int, uid: int | None, ctl_w: int, out_r: int, err_r: int, res_r: int, cgroup) -> None:
        self.pid, self.uid, self.ctl_w, self.out_r, self.err_r, self.res_r = pid, uid, ctl_w, out_r, err_r, res_r
        self.cgroup = cgroup  # its own cgroup (None where none can be made), joined before it confines itself

    def alive(self) -> bool:
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0

    def go(self, header: bytes, body: bytes, keep_open: bool = False) -> bool:
        """Hand over the test; False if the process is gone. ``keep_open``: more tests follow (a batch)."""
        if not self.order(header, body):
            self.close()
            return False
        if not keep_open:
            os.close(self.ctl_w)
            self.ctl_w = -1
        return True

    def order(self, header: bytes, body: bytes = b"") -> bool:
        """Write one order on the process's order pipe; False if the process is gone."""
        data = memoryview(struct.pack(">II", len(header), len(body)) + header + body)
        try:
            while data:
                data = data[os.write(self.ctl_w, data):]
        except BrokenPipeError:
            return False
        return True

    def close(self) -> None:
        for fd in (self.ctl_w, self.out_r, self.err_r, self.res_r):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.ctl_w = self.out_r = self.err_r = self.res_r = -1


def read_order(fd: int):  # pragma: no cover - runs in a standby child
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
    # marshal, not JSON: one C call over the worker's own dict (the order never comes from a program), where
    # json.loads runs its Python layers on pages a fresh process has not touched yet (~50 us of its set-up).
    msg = marshal.loads(header)
    msg["code"] = body.decode("utf-8", "surrogatepass")
    return msg


def confine(uid: int | None, pipes: tuple[int, int, int, int], kernel: "KernelState") -> None:  # pragma: no cover
    """Everything that confines a test's process, in one place, before its test is handed over.

    Order matters: the cgroup is joined first (so every page and every process
    after this point is the test's), then the fresh kernel state (IPC
    namespace, session keyring) while still root, then the uid drop,
    no_new_privs and finally the seccomp filter, which forbids undoing any of it.
    """
    ctl_r, out_w, err_w, res_w = pipes
    if kernel.cgroup is not None:
        kernel.cgroup.join()
    os.setsid()
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    os.dup2(res_w, 3)
    os.dup2(ctl_r, CTL_FD)
    os.closerange(CTL_FD + 1, 65536)  # the pipes' originals, the worker's channel, other tests' pipes
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # until the test's input is handed over
    CLEAR_REFS[0] = _open_clear_refs()
    # Signal dispositions stay the worker's, i.e. a fresh interpreter's
    # (SIGPIPE and SIGXFSZ ignored, SIGINT raising KeyboardInterrupt).
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if kernel.new_ipc and _libc.unshare(CLONE_NEWIPC) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWIPC)")
    if kernel.keyctl_nr is not None and _libc.syscall(kernel.keyctl_nr, KEYCTL_JOIN_SESSION_KEYRING, None) < 0:
        raise OSError(ctypes.get_errno(), "keyctl(JOIN_SESSION_KEYRING)")
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # after setuid: a credential change clears it
    if kernel.filter is not None:
        kernel.filter.load()
    _prepare_streams()


def _open_clear_refs() -> int:  # pragma: no cover - child only
    """This process's ``/proc/self/clear_refs``, write-only and close-on-exec, or -1 where it cannot be opened.

    What a program that finds the descriptor can do with it touches only its own process: reset its own peak
    (a figure reported, never a verdict's ground: memory kills come from the cgroup and RLIMIT_AS) or clear
    its own pages' referenced and soft-dirty bits. It is checked after each test like the output pipes.
    """
    try:
        return os.open("/proc/self/clear_refs", os.O_WRONLY | os.O_CLOEXEC)
    except OSError:
        return -1


class KernelState:
    """What each test's process gets fresh: its cgroup, IPC namespace, session keyring, and the filter."""

    def __init__(self, cgroup, new_ipc: bool, keyctl_nr: int | None, filter_) -> None:
        self.cgroup, self.new_ipc, self.keyctl_nr, self.filter = cgroup, new_ipc, keyctl_nr, filter_


def start(msg: dict, stdin_path: str, work_dir: str, base_vm: int) -> None:  # pragma: no cover
    """The test's own part: its input, its limits, then the program."""
    if CLEAR_REFS[0] >= 0:  # a process of its own: its peak is its whole life's, nothing to reset
        os.close(CLEAR_REFS[0])
        CLEAR_REFS[0] = -1
    fd_in = os.open(stdin_path, os.O_RDONLY)
    os.dup2(fd_in, 0)
    os.close(fd_in)
    os.chdir(work_dir)  # after the hand-over: the parent may have replaced the mount
    limits = msg["limits"]
    cpu = int(limits["cpu_s"]) + 1
    apply_limits(limits, base_vm, (cpu, cpu + 1))
    # The first line on the result pipe, before the program can write there:
    # the CPU spent so far (set-up, not the program's) and proof the set-up worked.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    os.write(3, b'{"ready":%r}\n' % (usage.ru_utime + usage.ru_stime))  # (JSON: a float's repr)
    _run_program(msg)


def apply_limits(limits: dict, base_vm: int, cpu: tuple[int, int] | None) -> None:  # pragma: no cover
    """The per-process rlimits of a test's process (``cpu``: RLIMIT_CPU's soft and hard, None: left alone)."""
    values = [
        (resource.RLIMIT_AS, int(limits["memory_mb"]) * 1024 * 1024 + base_vm),
        (resource.RLIMIT_FSIZE, int(limits["file_bytes"])),
        (resource.RLIMIT_NOFILE, int(limits["nofile"])),
        (resource.RLIMIT_NPROC, int(limits["nproc"])),
    ]
    if cpu is not None:
        values.insert(0, (resource.RLIMIT_CPU, cpu))
    for res, value in values:
        soft, hard = value if isinstance(value, tuple) else (value, value)
        resource.setrlimit(res, (soft, hard))


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
    # As io.open() would set them: templates such as PyRival's FastIO read ``sys.stdin.mode``.
    sys.stdin.mode, sys.stdout.mode, sys.stderr.mode = "r", "w", "w"


def _run_program(msg: dict) -> None:  # pragma: no cover - child only
    from _sstar_run import execute

    os._exit(execute(msg, [None]))
