"""A cgroup per test, seen from inside the sandbox worker (standard library only).

The worker makes one parent cgroup of its own (named by the harness) under
the cgroup it was started in, and a fresh child of it for every test: the
memory limit then covers the test's whole process tree (its OOM kill is
counted), its CPU time is every descendant's (reaped or not), the number of
its processes is capped, and its peak memory is read back.

cgroup v2 is used where it is mounted with the ``memory`` and ``pids``
controllers available, else the v1 ``memory``, ``cpuacct`` and ``pids``
hierarchies. Inside a private mount namespace (bubblewrap, a container) the
hierarchies are mounted by the worker itself under a root-only directory, so
a program can neither see nor reach them.
"""

from __future__ import annotations

import ctypes
import os

from _sstar_os import _reap_zombies as _reap

V1_CONTROLLERS = ("memory", "cpuacct", "pids")
_libc = ctypes.CDLL(None, use_errno=True)


def _read(path: str) -> bytes:
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.read(fd, 4096)
    finally:
        os.close(fd)


def _write(path: str, value: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, value.encode())
    finally:
        os.close(fd)


def _field(data: bytes, name: bytes) -> int:
    for line in data.splitlines():
        key, _, value = line.partition(b" ")
        if key == name:
            return int(value)
    return 0


def _own_paths() -> dict[str, str]:
    """Controller (or "" for v2) -> this process's cgroup path, from /proc/self/cgroup."""
    out = {}
    for line in _read("/proc/self/cgroup").decode().splitlines():
        _, controllers, path = line.split(":", 2)
        for name in controllers.split(",") if controllers else [""]:
            out[name] = path
    return out


def _mounts(under: str | None) -> dict[str, tuple[str, str]]:
    """Controller (or "" for v2) -> (mount point, root of the mount), from /proc/self/mountinfo."""
    out: dict[str, tuple[str, str]] = {}
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields, extra = left.split(), right.split()
            if not extra:
                continue
            root, point = fields[3], fields[4].replace("\\040", " ")
            if under and not point.startswith(under.rstrip("/") + "/"):
                continue  # ours, not a read-only one a container runtime left at /sys/fs/cgroup
            if extra[0] == "cgroup2":
                out.setdefault("", (point, root))
            elif extra[0] == "cgroup":
                for option in extra[-1].split(","):
                    if option in V1_CONTROLLERS:
                        out.setdefault(option, (point, root))
    return out


def _join(point: str, root: str, own: str) -> str:
    rel = own[len(root):] if root != "/" and own.startswith(root) else own
    return os.path.join(point, rel.lstrip("/"))


class TestCgroup:
    """One test's cgroup: made before its process is forked, removed after its test."""

    def __init__(self, v2: bool, dirs: tuple[str, ...]) -> None:
        self.v2, self.dirs = v2, dirs
        self.base_cpu_ns = 0
        self.base_oom = 0  # a fresh cgroup has seen no OOM kill
        self.limits: tuple[int, int] | None = None
        # The counters are read several times a test: opened once, when the cgroup is made (ahead of time).
        cpu = ("", "cpu.stat") if v2 else ("cpuacct", "cpuacct.usage")
        oom = ("memory", "memory.events") if v2 else ("memory", "memory.oom_control")
        peak = ("memory", "memory.peak") if v2 else ("memory", "memory.max_usage_in_bytes")
        if v2 and not os.path.exists(self._file(*peak)):
            peak = ("memory", "memory.current")
        self.fds = {name: os.open(self._file(*where), os.O_RDONLY)
                    for name, where in (("cpu", cpu), ("oom", oom), ("peak", peak), ("pids", ("pids", "pids.current")))}

    def _pread(self, name: str) -> bytes:
        return os.pread(self.fds[name], 4096, 0)

    def join(self) -> None:
        """Called by the test's own process, as root, before anything else."""
        for d in self.dirs:
            _write(os.path.join(d, "cgroup.procs"), "0")

    def _file(self, controller: str, name: str) -> str:
        if self.v2:
            return os.path.join(self.dirs[0], name)
        return os.path.join(self.dirs[V1_CONTROLLERS.index(controller)], name)

    def set_limits(self, memory_bytes: int, pids: int) -> None:
        """Limits for the test; written only if they differ from those it was made with."""
        if (memory_bytes, pids) != self.limits:
            self._write_limits(memory_bytes, pids)
        self.base_cpu_ns = self._cpu_ns()  # what the process spent confining itself is not the program's

    def _write_limits(self, memory_bytes: int, pids: int) -> None:
        if self.v2:
            _write(self._file("memory", "memory.max"), str(memory_bytes))
            try:
                _write(self._file("memory", "memory.swap.max"), "0")
            except OSError:
                pass  # no swap accounting: nothing to cap
        else:
            _write(self._file("memory", "memory.limit_in_bytes"), str(memory_bytes))
            try:
                _write(self._file("memory", "memory.memsw.limit_in_bytes"), str(memory_bytes))
            except OSError:
                pass
        _write(self._file("pids", "pids.max"), str(pids))
        self.limits = (memory_bytes, pids)

    def _cpu_ns(self) -> int:
        if self.v2:
            return _field(self._pread("cpu"), b"usage_usec") * 1000
        return int(self._pread("cpu"))

    def cpu_seconds(self) -> float:
        """CPU of every process of the test since its hand-over, reaped or not."""
        return (self._cpu_ns() - self.base_cpu_ns) / 1e9

    def oom_kills(self) -> int:
        return _field(self._pread("oom"), b"oom_kill")

    def peak_bytes(self) -> int:
        try:
            return int(self._pread("peak"))
        except ValueError:
            return 0

    def processes(self) -> list[int]:
        try:
            return [int(p) for p in _read(os.path.join(self.dirs[-1], "cgroup.procs")).split()]
        except OSError:
            return []

    def kill_all(self) -> None:
        """SIGKILL whatever is left in the cgroup, until it is empty."""
        if int(self._pread("pids") or b"0") == 0:
            return  # a counter: much cheaper than listing cgroup.procs (v1 builds a sorted pid list)
        if self.v2 and os.path.exists(os.path.join(self.dirs[0], "cgroup.kill")):
            _write(os.path.join(self.dirs[0], "cgroup.kill"), "1")
        for _ in range(1000):
            pids = self.processes()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass
            _reap()

    def remove(self) -> bool:
        for fd in self.fds.values():
            os.close(fd)
        self.fds = {}
        ok = True
        for d in self.dirs:
            try:
                os.rmdir(d)
            except FileNotFoundError:
                pass
            except OSError:
                ok = False
        return ok


class Cgroups:
    """The worker's own parent cgroup(s); ``take()`` gives each test's, made ahead of time.

    One spare is kept ready, made while the previous test runs: no mkdir stands
    between a test's arrival and its start. (Its limits are written at the
    hand-over: made with the previous test's, a small limit could kill the
    next test's process while it confines itself.)
    """

    def __init__(self, v2: bool, parents: tuple[str, ...]) -> None:
        self.v2, self.parents = v2, parents
        self.counter = 0
        self.kind = "v2" if v2 else "v1"
        self.spare: TestCgroup | None = None

    def take(self) -> TestCgroup:
        cgroup, self.spare = self.spare, None
        return cgroup if cgroup is not None else self.new()

    def refill(self) -> None:
        if self.spare is None:
            self.spare = self.new()

    def new(self) -> TestCgroup:
        self.counter += 1
        dirs = []
        for parent in self.parents:
            path = os.path.join(parent, f"t{self.counter}")
            os.mkdir(path)
            dirs.append(path)
        return TestCgroup(self.v2, tuple(dirs))

    def close(self) -> None:
        for parent in self.parents:
            for entry in os.listdir(parent):
                if entry.startswith("t") and entry[1:].isdigit():
                    try:
                        os.rmdir(os.path.join(parent, entry))
                    except OSError:
                        pass
            try:
                os.rmdir(parent)
            except OSError:
                pass


def _mount_private(where: str) -> None:
    """Mount the hierarchies ourselves (a private mount namespace shows none of the host's /sys)."""
    os.makedirs(where, mode=0o700, exist_ok=True)
    os.chmod(where, 0o700)
    own = _own_paths()
    if "" in own and all(c not in own for c in V1_CONTROLLERS):
        point = os.path.join(where, "unified")
        os.makedirs(point, exist_ok=True)
        if _libc.mount(b"cgroup2", point.encode(), b"cgroup2", 0, None) != 0:
            raise OSError(ctypes.get_errno(), "mount cgroup2")
        return
    for controller in V1_CONTROLLERS:
        point = os.path.join(where, controller)
        os.makedirs(point, exist_ok=True)
        if _libc.mount(b"cgroup", point.encode(), b"cgroup", 0, controller.encode()) != 0:
            raise OSError(ctypes.get_errno(), f"mount cgroup {controller}")


def _try_v2(point: str, root: str, own: str, name: str) -> Cgroups:
    base = _join(point, root, own)
    parent = os.path.join(base, name)
    os.makedirs(parent, exist_ok=True)
    available = _read(os.path.join(parent, "cgroup.controllers")).split()
    if b"memory" not in available or b"pids" not in available:
        # Delegate the controllers to our subtree; refused when our own cgroup holds processes.
        _write(os.path.join(base, "cgroup.subtree_control"), "+memory +pids")
    _write(os.path.join(parent, "cgroup.subtree_control"), "+memory +pids")
    return Cgroups(True, (parent,))


def setup(name: str, private_mounts: str | None) -> tuple[Cgroups | None, str]:
    """The worker's cgroups, or None and the reason there are none."""
    try:
        if private_mounts:
            _mount_private(private_mounts)
        mounts, own = _mounts(private_mounts), _own_paths()
        if "" in mounts and all(c not in mounts for c in V1_CONTROLLERS):
            point, root = mounts[""]
            return _try_v2(point, root, own.get("", "/"), name), ""
        missing = [c for c in V1_CONTROLLERS if c not in mounts or c not in own]
        if missing:
            return None, f"no cgroup v2 and no v1 {'/'.join(missing)} hierarchy mounted"
        parents = []
        for controller in V1_CONTROLLERS:
            point, root = mounts[controller]
            parent = os.path.join(_join(point, root, own[controller]), name)
            os.makedirs(parent, exist_ok=True)
            parents.append(parent)
        if os.path.exists(os.path.join(parents[0], "memory.use_hierarchy")):
            try:
                _write(os.path.join(parents[0], "memory.use_hierarchy"), "1")
            except OSError:
                pass  # already set by an ancestor
        return Cgroups(False, tuple(parents)), ""
    except (OSError, ValueError, IndexError) as exc:
        return None, f"cannot make a cgroup per test ({type(exc).__name__}: {exc})"
