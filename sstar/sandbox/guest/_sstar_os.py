"""Process and filesystem plumbing of the sandbox worker (standard library only)."""

from __future__ import annotations

import ctypes
import os
import signal
import time

import wire

PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
PR_SET_PDEATHSIG = 1
MNT_DETACH = 2
CLK_TCK = os.sysconf("SC_CLK_TCK")

_libc = ctypes.CDLL(None, use_errno=True)


def prctl(option: int, arg: int) -> bool:
    return _libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0) == 0


class Channel:
    """Framed JSON over two file descriptors (the framing of :mod:`wire`)."""

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
        (length,) = wire.HEADER.unpack(self._read_exact(wire.HEADER.size))
        return wire.unframe(self._read_exact(length))

    def send(self, msg: dict) -> None:
        view = memoryview(wire.frame(msg))
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
        """Empty it and give it back its owner and mode, whatever the last program did to it.

        Raises OSError when that fails; the worker is then retired, never reused.
        """
        if owner is not None:
            self.owner = owner
        if not os.path.isdir(self.path) or os.path.islink(self.path):
            _remove(self.path)
            os.makedirs(self.path, exist_ok=True)
        self._own()  # first: a program may have left its directory unreadable (mode 000)
        if not os.listdir(self.path):
            return
        if self.tmpfs:
            _libc.umount2(self.path.encode(), MNT_DETACH)
            self.tmpfs = self._mount()
            if self.tmpfs:
                return
            self._own()
        for entry in os.listdir(self.path):
            _remove(os.path.join(self.path, entry))
        left = os.listdir(self.path)
        if left:
            raise OSError(f"{len(left)} entries left in {self.path} after the reset")


def _remove(path: str) -> None:
    """Remove a file or a whole tree, making unreadable or unwritable directories accessible first."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    import stat

    if not stat.S_ISDIR(st.st_mode):
        os.unlink(path)
        return
    os.chmod(path, 0o700)
    for entry in os.listdir(path):
        _remove(os.path.join(path, entry))
    os.rmdir(path)


def read_small(path: str) -> bytes:
    fd = os.open(path, os.O_RDONLY)  # os-level: io.open costs ~0.1 ms a call on this path
    try:
        return os.read(fd, 4096)
    finally:
        os.close(fd)


def cpu_seconds(pid: int) -> float:
    try:
        fields = read_small(f"/proc/{pid}/stat").rsplit(b")", 1)[1].split()
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
            ppid = int(read_small(f"/proc/{name}/stat").rsplit(b")", 1)[1].split()[1])
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
        return [int(p) for p in read_small(f"/proc/{me}/task/{me}/children").split()]
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


def uid_can_run_python(uid: int) -> bool:
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
