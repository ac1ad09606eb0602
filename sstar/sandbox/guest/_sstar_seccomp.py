"""The system-call filter every program runs under, built with libseccomp's own Python bindings.

The bindings are a compiled module (Debian's ``python3-seccomp``); the worker
runs in isolated mode under the base interpreter, so the harness names the
module's file and the worker loads it from there. A worker that cannot load
them refuses to start: a sandbox that silently runs without its filter would
be worse than none.

Refused with EPERM (the verdict then follows from what the program does):
new namespaces (``unshare``, ``setns``, namespace flags to ``clone``),
mounts, keyrings (the test's fresh session keyring is joined before the
filter), tracing, BPF, perf events, userfaultfd, io_uring (its operations
bypass the filter), modules, kexec and a few other administrative calls.
``clone3`` gets ENOSYS, as in container runtimes: its flags sit in memory a
filter cannot read, and the C library falls back to ``clone`` on ENOSYS.
Calls of a foreign architecture (32-bit ``int 0x80``) kill the process.
"""

from __future__ import annotations

import ctypes
import errno
import importlib.util
import os
import sys

PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
_libc = ctypes.CDLL(None, use_errno=True)

CLONE_NAMESPACE_FLAGS = (
    0x00020000,  # CLONE_NEWNS
    0x02000000,  # CLONE_NEWCGROUP
    0x04000000,  # CLONE_NEWUTS
    0x08000000,  # CLONE_NEWIPC
    0x10000000,  # CLONE_NEWUSER
    0x20000000,  # CLONE_NEWPID
    0x40000000,  # CLONE_NEWNET
)
REFUSED = (
    "unshare", "setns",
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsmount", "fsconfig",
    "fspick", "mount_setattr",
    "add_key", "request_key", "keyctl",
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp",
    "bpf", "perf_event_open", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
    "open_by_handle_at", "name_to_handle_at", "swapon", "swapoff", "reboot", "acct", "quotactl", "syslog",
    "iopl", "ioperm", "settimeofday", "clock_settime", "adjtimex", "clock_adjtime", "sethostname",
    "setdomainname", "lookup_dcookie", "fanotify_init", "vhangup",
)


def load_bindings(path: str):
    """libseccomp's Python module from its file; raises ImportError with the reason."""
    if "seccomp" in sys.modules:
        return sys.modules["seccomp"]
    spec = importlib.util.spec_from_file_location("seccomp", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"no Python module at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules["seccomp"] = module
    return module


class CompiledFilter:
    """The BPF program libseccomp generated for the rules, generated once in the worker.

    ``SyscallFilter.load()`` would generate it again in every test's process
    (~0.3 ms of CPU next to the running test); loading libseccomp's own output
    is one ``prctl``.
    """

    def __init__(self, rules) -> None:
        fd = os.memfd_create("sstar-seccomp")
        try:
            with open(fd, "w+b", closefd=False) as f:
                rules.export_bpf(f)
            size = os.lseek(fd, 0, os.SEEK_END)
            os.lseek(fd, 0, os.SEEK_SET)
            program = b""
            while len(program) < size:
                program += os.read(fd, size - len(program))
        finally:
            os.close(fd)
        if not program or len(program) % 8:
            raise RuntimeError(f"libseccomp exported {len(program)} bytes, not a BPF program")
        self._buffer = ctypes.create_string_buffer(program, len(program))
        self._prog = _SockFprog(len(program) // 8, ctypes.cast(self._buffer, ctypes.c_void_p))
        self.instructions = len(program) // 8

    def load(self) -> None:
        """Install it on the calling process (no_new_privs must be set)."""
        if _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(self._prog), 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP)")


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def build_filter(seccomp):
    """The filter, built once in the worker; each test's process loads it (``filter.load()``)."""
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    eperm = seccomp.ERRNO(errno.EPERM)
    for name in REFUSED:
        try:
            rules.add_rule(eperm, name)
        except (RuntimeError, ValueError):
            pass  # a call this kernel/architecture does not have
    for flag in CLONE_NAMESPACE_FLAGS:
        rules.add_rule(eperm, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    try:
        rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    except (RuntimeError, ValueError):
        pass
    return CompiledFilter(rules)


def syscall_number(seccomp, name: str) -> int:
    return int(seccomp.resolve_syscall(seccomp.Arch.NATIVE, name))
