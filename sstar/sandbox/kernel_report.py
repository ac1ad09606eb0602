"""What a worker could give each test (cgroup, seccomp, IPC namespace, keyring), as its hello reported it."""

from __future__ import annotations


def kernel_info(hello: dict) -> dict:
    """The per-test kernel state a worker reported in its hello, as SandboxInfo fields."""
    return {"cgroup": hello.get("cgroup"), "seccomp": bool(hello.get("seccomp")),
            "ipc_namespace": bool(hello.get("ipc_namespace")), "session_keyring": bool(hello.get("session_keyring"))}


def kernel_warnings(hello: dict) -> list[str]:
    """Loud lines for what a worker could not give each test (repeated by ``sstar sandbox check``)."""
    out = []
    if not hello.get("cgroup"):
        out.append(f"no cgroup per test ({hello.get('cgroup_why') or 'unknown reason'}): memory and CPU limits hold "
                   "per process only (rlimits), not over a program's children")
    if not hello.get("seccomp"):
        out.append(f"no seccomp filter: {hello.get('seccomp_why') or 'unknown reason'}")
    if not hello.get("ipc_namespace"):
        out.append(f"no fresh IPC namespace per test ({hello.get('ipc_why') or 'unknown reason'}): SysV shared "
                   "memory and message queues may carry data between tests")
    if not hello.get("session_keyring") and not hello.get("keyrings_refused"):
        out.append(f"no fresh session keyring per test ({hello.get('keyring_why') or 'unknown reason'})")
    return out
