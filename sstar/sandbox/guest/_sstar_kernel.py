"""The worker's view of what the kernel gives each test: cgroups, IPC namespace, keyring, seccomp.

Probed once at start. What is missing is reported in the worker's hello (the
harness turns it into a loud warning); a missing seccomp filter is fatal
unless the harness explicitly asked to run without one.
"""

from __future__ import annotations

import ctypes
import os
import sys

from _sstar_cgroup import Cgroups, TestCgroup, setup
from _sstar_os import _libc
from _sstar_seccomp import build_filter, load_bindings, syscall_number

CLONE_NEWIPC = 0x08000000
KEYCTL_JOIN_SESSION_KEYRING = 1


def _probe_in_child(check) -> str:
    """Run ``check`` in a throw-away child (it changes the caller's kernel state); "" when it worked."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os.close(r)
        try:
            check()
            os.write(w, b"ok")
        except BaseException as exc:  # noqa: BLE001
            os.write(w, f"{type(exc).__name__}: {exc}".encode()[:500])
        os._exit(0)
    os.close(w)
    out = b""
    while chunk := os.read(r, 4096):
        out += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return "" if out == b"ok" else out.decode("utf-8", "replace")


class Kernel:
    def __init__(self, options: dict) -> None:
        self.fatal = ""
        self.filter = None
        self.keyctl_nr: int | None = None
        self.seccomp_why = ""
        if options.get("seccomp"):
            try:
                seccomp = load_bindings(options["seccomp"])
                self.filter = build_filter(seccomp)
                keyctl_nr = syscall_number(seccomp, "keyctl")
            except Exception as exc:  # noqa: BLE001 - any failure here means: no filter
                self.fatal = (f"cannot load libseccomp's Python bindings ({options['seccomp']}) in "
                              f"{sys.executable} {sys.version.split()[0]}: {type(exc).__name__}: {exc}; install "
                              "them for this interpreter (Debian: apt-get install python3-seccomp)")
                keyctl_nr = None
        else:
            keyctl_nr = None
            self.seccomp_why = "no seccomp filter (the harness asked for none)"
            if not options.get("no_seccomp"):
                self.fatal = ("no seccomp bindings were given to the worker: install libseccomp's Python bindings "
                              "(Debian: apt-get install python3-seccomp)")
        root = os.getuid() == 0
        self.ipc_why = _probe_in_child(self._new_ipc) if root else "not root"
        self.new_ipc = not self.ipc_why
        # Keyrings refused to every process here (a container runtime's own filter): none can carry data.
        self.keyrings_refused = False
        if keyctl_nr is not None:
            self.keyring_why = _probe_in_child(lambda: self._join_keyring(keyctl_nr))
            self.keyctl_nr = None if self.keyring_why else keyctl_nr
            self.keyrings_refused = self.keyring_why.startswith("PermissionError")
        else:
            self.keyring_why = "no seccomp bindings to name the call"
        self.cgroups: Cgroups | None = None
        self.cgroup_why = "the harness asked for none"
        if options.get("cgroup_name") and root:
            self.cgroups, self.cgroup_why = setup(options["cgroup_name"], options.get("cgroup_mount") or None)
        elif not root:
            self.cgroup_why = "not root"
        self.retired: list[TestCgroup] = []

    @staticmethod
    def _new_ipc() -> None:
        if _libc.unshare(CLONE_NEWIPC) != 0:
            raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWIPC)")

    @staticmethod
    def _join_keyring(nr: int) -> None:
        if _libc.syscall(nr, KEYCTL_JOIN_SESSION_KEYRING, None) < 0:
            raise OSError(ctypes.get_errno(), "keyctl(JOIN_SESSION_KEYRING)")

    def describe(self) -> dict:
        return {
            "cgroup": self.cgroups.kind if self.cgroups else None,
            "cgroup_why": "" if self.cgroups else self.cgroup_why,
            "ipc_namespace": self.new_ipc,
            "ipc_why": self.ipc_why,
            "session_keyring": self.keyctl_nr is not None,
            "keyring_why": self.keyring_why,
            "keyrings_refused": self.keyrings_refused,
            "seccomp": self.filter is not None,
            "seccomp_why": self.seccomp_why,
        }

    def new_cgroup(self) -> TestCgroup | None:
        """The next test's cgroup (made ahead of time)."""
        return self.cgroups.take() if self.cgroups else None

    def done(self, cgroup: TestCgroup | None) -> None:
        if cgroup is not None:
            self.retired.append(cgroup)


    def tidy(self) -> None:
        """After a reply: remove finished tests' cgroups (a busy one is tried again later), make the spare."""
        self.retired = [cg for cg in self.retired if not cg.remove()][-64:]
        if self.cgroups is not None:
            self.cgroups.refill()

    def close(self) -> None:
        self.retired = [cg for cg in self.retired if not cg.remove()]
        if self.cgroups:
            if self.cgroups.spare is not None:
                self.cgroups.spare.remove()
            self.cgroups.close()
