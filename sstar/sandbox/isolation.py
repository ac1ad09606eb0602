"""How a local worker process is confined: the command line that starts it.

Three levels, strongest first. ``bwrap`` (Debian's bubblewrap): new network,
PID, IPC, UTS and cgroup namespaces, an allow-listed read-only view of the
system (see :mod:`.view`), a private /tmp, and the worker as PID 1 so that a
program cannot kill it. ``unshare``: the same namespaces minus the filesystem
view. ``none``: rlimits and the uid drop only, with a loud warning. At every
level the worker adds what it can per test: a cgroup, an IPC namespace, a
session keyring and the seccomp filter.
"""

from __future__ import annotations

import enum
import functools
import logging
import os
import shutil
import sys
from pathlib import Path

from .view import PRIVATE_DIR, bwrap_view

log = logging.getLogger(__name__)

SANDBOX_PATH = "/usr/local/bin:/usr/bin:/bin"


class Isolation(str, enum.Enum):
    BWRAP = "bwrap"
    UNSHARE = "unshare"
    NONE = "none"


def worker_source() -> Path:
    """The worker program, run by file name inside the sandbox: ``sstar/sandbox/guest/worker.py``.

    A plain module of the package, so a checkout and a wheel install find it the same way.
    """
    return Path(__file__).resolve().parent / "guest" / "worker.py"


@functools.lru_cache(maxsize=None)
def compile_guest(python: str) -> None:
    """Bytecode for the worker's modules, where the worker's interpreter is this one (so the same
    ``__pycache__`` tag and magic number). The worker runs with ``-B`` (it never writes bytecode) from a
    read-only view, so without this it compiles about 15 ms of source at every start; a wheel's install
    compiles them, a checkout does not. Nothing is lost where the folder is read-only: the worker compiles
    (``compile_dir`` skips, silently at ``quiet=2``, what it cannot write)."""
    if os.path.realpath(python) != base_interpreter():
        return
    import compileall

    compileall.compile_dir(str(worker_source().parent), maxlevels=0, quiet=2)


def base_interpreter() -> str:
    """The interpreter that runs programs: the real one behind any venv or shim.

    Programs run with ``-I`` and never see the harness's virtualenv; the pyenv
    shim costs ~40 ms a start, so resolve to the binary itself.
    """
    exe = getattr(sys, "_base_executable", None) or sys.executable
    return os.path.realpath(exe)


def available(mode: Isolation) -> bool:
    if mode is Isolation.BWRAP:
        return shutil.which("bwrap") is not None
    if mode is Isolation.UNSHARE:
        return shutil.which("unshare") is not None and os.geteuid() == 0
    return True


def bwrap_argv(python: str, worker: Path, seccomp: str | None, packages: tuple[str, ...] = ()) -> list[str]:
    argv = [
        "bwrap",
        "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        # No --die-with-parent: its PDEATHSIG fires when the *thread* that spawned
        # bwrap ends (a pool thread, say). The worker exits on EOF of its channel instead.
        "--as-pid-1", "--new-session",
    ]
    if os.geteuid() != 0:
        argv.insert(1, "--unshare-user")
    argv += bwrap_view(python, str(worker.parent), seccomp, packages)
    argv += [
        "--chdir", "/tmp",
        "--clearenv", "--setenv", "PATH", SANDBOX_PATH, "--setenv", "LANG", "C.UTF-8",
        "--", python, "-I", "-B", f"{PRIVATE_DIR}/worker/{worker.name}", "--root=/tmp", "--tmpfs",
        f"--cgroup-mount={PRIVATE_DIR}/cgroup",
    ]
    if seccomp:
        argv.append(f"--seccomp={PRIVATE_DIR}/{os.path.basename(seccomp)}")
    return argv


def worker_argv(mode: Isolation, python: str, worker: Path, root: str | None, seccomp: str | None,
                packages: tuple[str, ...] = ()) -> list[str]:
    """The full command that starts one worker at the given isolation level (cgroup and uid flags come after)."""
    if mode is Isolation.BWRAP:
        return bwrap_argv(python, worker, seccomp, packages)
    plain = [python, "-I", "-B", str(worker), f"--root={root}"]
    if seccomp:
        plain.append(f"--seccomp={seccomp}")
    if mode is Isolation.UNSHARE:
        # A mount namespace too, for a /proc of our own PID namespace and private scratch mounts.
        return ["unshare", "--net", "--pid", "--ipc", "--uts", "--mount", "--mount-proc", "--fork", "--kill-child",
                *plain, "--tmpfs"]
    return plain
