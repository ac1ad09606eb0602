"""How a local worker process is confined: the command line that starts it.

Three levels, strongest first. ``bwrap`` (Debian's bubblewrap): new network,
PID, IPC and UTS namespaces, a read-only view of the system with home
directories hidden, a private /tmp, and the worker as PID 1 so that a program
cannot kill it. ``unshare``: the same namespaces minus the filesystem view.
``none``: rlimits and the uid drop only, with a loud warning.
"""

from __future__ import annotations

import enum
import logging
import os
import shutil
import sys
import sysconfig
from pathlib import Path

log = logging.getLogger(__name__)

# Directories whose contents a program has no business reading (keys, tokens,
# the user's files). Replaced by empty tmpfs mounts under bubblewrap.
HIDDEN_DIRS = ("/root", "/home", "/run", "/var/run", "/srv", "/mnt", "/media", "/var/tmp")
SANDBOX_PATH = "/usr/local/bin:/usr/bin:/bin"
WORKER_DIR_IN_SANDBOX = "/tmp/.sstar"  # the worker and its two helper modules


class Isolation(str, enum.Enum):
    BWRAP = "bwrap"
    UNSHARE = "unshare"
    NONE = "none"


def worker_source() -> Path:
    """The worker program: ``sandbox/worker.py`` in a checkout, package data in a wheel."""
    checkout = Path(__file__).resolve().parents[2] / "sandbox" / "worker.py"
    if checkout.is_file():
        return checkout
    from importlib.resources import files

    return Path(str(files("sstar._sandbox_files").joinpath("worker.py")))


def base_interpreter() -> str:
    """The interpreter that runs programs: the real one behind any venv or shim.

    Programs run with ``-I`` and never see the harness's virtualenv; the pyenv
    shim costs ~40 ms a start, so resolve to the binary itself.
    """
    exe = getattr(sys, "_base_executable", None) or sys.executable
    return os.path.realpath(exe)


def interpreter_prefix(python: str) -> str:
    """The installation prefix of ``python`` (holds its stdlib and libpython)."""
    if os.path.realpath(python) == os.path.realpath(base_interpreter()):
        return os.path.realpath(sys.base_prefix)
    return str(Path(os.path.realpath(python)).parent.parent)


def available(mode: Isolation) -> bool:
    if mode is Isolation.BWRAP:
        return shutil.which("bwrap") is not None
    if mode is Isolation.UNSHARE:
        return shutil.which("unshare") is not None and os.geteuid() == 0
    return True


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def bwrap_argv(python: str, worker: Path, hide: tuple[str, ...]) -> list[str]:
    prefix = interpreter_prefix(python)
    argv = [
        "bwrap",
        "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        # No --die-with-parent: its PDEATHSIG fires when the *thread* that spawned
        # bwrap ends (a pool thread, say). The worker exits on EOF of its channel instead.
        "--as-pid-1", "--new-session",
        "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--dir", "/dev/shm",
    ]
    if os.geteuid() != 0:
        argv.insert(1, "--unshare-user")
    # Hide only real directories (a symlink such as /var/run -> /run is hidden through its target).
    hidden = [d for d in hide if os.path.isdir(d) and not os.path.islink(d)]
    for d in hidden:
        argv += ["--tmpfs", d]
    covering = [d for d in hidden if _under(prefix, d)]
    if covering:
        # The interpreter lives under a hidden directory (pyenv under /root):
        # bring it back read-only, with traversable parents for the program's uid.
        parent = Path(prefix).parent
        parents = [p for p in reversed(parent.parents) if _under(str(p), covering[0]) and str(p) != covering[0]]
        for p in parents + [parent]:
            if str(p) != covering[0]:
                argv += ["--perms", "0755", "--dir", str(p)]
        argv += ["--ro-bind", prefix, prefix]
    argv += [
        "--ro-bind", str(worker.parent), WORKER_DIR_IN_SANDBOX,
        "--chdir", "/tmp",
        "--clearenv", "--setenv", "PATH", SANDBOX_PATH, "--setenv", "LANG", "C.UTF-8",
        "--", python, "-I", "-B", f"{WORKER_DIR_IN_SANDBOX}/{worker.name}", "--root=/tmp", "--tmpfs",
    ]
    return argv


def worker_argv(mode: Isolation, python: str, worker: Path, root: str | None, hide: tuple[str, ...]) -> list[str]:
    """The full command that starts one worker at the given isolation level."""
    if mode is Isolation.BWRAP:
        return bwrap_argv(python, worker, hide)
    plain = [python, "-I", "-B", str(worker), f"--root={root}"]
    if mode is Isolation.UNSHARE:
        # A mount namespace too, for a /proc of our own PID namespace and private scratch mounts.
        return ["unshare", "--net", "--pid", "--ipc", "--uts", "--mount", "--mount-proc", "--fork", "--kill-child",
                *plain, "--tmpfs"]
    return plain


def hidden_dirs(extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Directories to hide: the usual secret places, plus the harness's project folder."""
    dirs = list(HIDDEN_DIRS) + list(extra)
    cwd = os.getcwd()
    system = ("/", "/usr", "/bin", "/lib", "/lib64", "/etc", "/opt", "/var", "/sbin", "/tmp")
    if cwd not in system and not _under(sysconfig.get_paths()["stdlib"], cwd):
        dirs.append(cwd)
    return tuple(dict.fromkeys(dirs))
