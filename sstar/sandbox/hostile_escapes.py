"""Hostile programs that go after the sandbox's confinement rather than its limits.

Each one is an attack that once worked: a working directory left unreadable,
answers read from the host's disks, SysV IPC and keyrings carrying data
between tests, memory and CPU spread over children, a huge literal compiled
outside the limits, new namespaces. Probes print ``SAFE`` when the attack fails.
"""

from __future__ import annotations

from .hostile import A, M, T, HostileCase, _s
from .protocol import Limits

# Syscall numbers the probes need, per architecture (x86_64, aarch64).
_SYSCALLS = """
import ctypes, errno, os, platform
libc = ctypes.CDLL(None, use_errno=True)
NR = {"x86_64": dict(add_key=248, keyctl=250, bpf=321, perf_event_open=298, userfaultfd=323, init_module=175,
                     kexec_load=246, ptrace=101, setns=308, clone=56, io_uring_setup=425),
      "aarch64": dict(add_key=217, keyctl=219, bpf=280, perf_event_open=241, userfaultfd=282, init_module=105,
                      kexec_load=104, ptrace=117, setns=268, clone=220, io_uring_setup=425)}[platform.machine()]
def refused(result):
    return result == -1 and ctypes.get_errno() == errno.EPERM
"""

IPC_KEY = 0x53535452  # "SSTR"

IPC_CREATE = f"""
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
shm = libc.shmget({IPC_KEY}, 1 << 20, 0o1666)  # IPC_CREAT | 0666
if shm >= 0:
    addr = libc.shmat(shm, None, 0)
    ctypes.memmove(addr, b"SECRET-FROM-THE-LAST-TEST", 25)
libc.semget({IPC_KEY}, 1, 0o1666)
libc.msgget({IPC_KEY}, 0o1666)
libc.mq_open(b"/sstar-leak", 0o100 | 0o2, 0o666, None)  # O_CREAT | O_RDWR
print(input())
"""

IPC_PROBE = f"""
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
found = []
if libc.shmget({IPC_KEY}, 0, 0) >= 0: found.append("shm")
if libc.semget({IPC_KEY}, 0, 0) >= 0: found.append("sem")
if libc.msgget({IPC_KEY}, 0) >= 0: found.append("msg")
if libc.mq_open(b"/sstar-leak", 0o2) >= 0: found.append("mqueue")
print("SAFE" if not found else "LEAK " + " ".join(found))
"""

KEYRING_PROBE = _SYSCALLS + """
found = []
if not refused(libc.syscall(NR["add_key"], b"user", b"sstar-leak", b"secret", 6, -4)):  # the user keyring
    found.append("add_key")
if not refused(libc.syscall(NR["keyctl"], 0, -3, 0)):  # KEYCTL_GET_KEYRING_ID of the session keyring
    found.append("keyctl")
print("SAFE" if not found else "LEAK " + " ".join(found))
"""

NAMESPACE_PROBE = _SYSCALLS + """
escaped = []
for name, flag in (("user", 0x10000000), ("mount", 0x00020000), ("net", 0x40000000), ("pid", 0x20000000),
                   ("ipc", 0x08000000), ("uts", 0x04000000), ("cgroup", 0x02000000)):
    if not refused(libc.unshare(flag)):
        escaped.append("unshare(" + name + ")")
pid = libc.syscall(NR["clone"], 0x10000000 | 17, 0, 0, 0, 0)  # CLONE_NEWUSER | SIGCHLD, fork-like
if pid == 0:
    os._exit(0)
if not refused(pid):
    escaped.append("clone(CLONE_NEWUSER)")
checks = {
    "setns": lambda: libc.syscall(NR["setns"], 0, 0),
    "mount": lambda: libc.mount(b"none", b"/tmp", b"tmpfs", 0, None),
    "ptrace": lambda: libc.syscall(NR["ptrace"], 0, 0, 0, 0),
    "bpf": lambda: libc.syscall(NR["bpf"], 0, 0, 0),
    "perf_event_open": lambda: libc.syscall(NR["perf_event_open"], 0, 0, -1, -1, 0),
    "userfaultfd": lambda: libc.syscall(NR["userfaultfd"], 0),
    "init_module": lambda: libc.syscall(NR["init_module"], 0, 0, b""),
    "kexec_load": lambda: libc.syscall(NR["kexec_load"], 0, 0, 0, 0),
    "io_uring_setup": lambda: libc.syscall(NR["io_uring_setup"], 1, 0),
}
escaped += [name for name, call in checks.items() if not refused(call())]
print("SAFE" if not escaped else "ESCAPED " + " ".join(escaped))
"""

# Walks everything it can see for files that could hold answers or the harness's code.
DISK_WALK = """
import os, sys
stdlib = os.path.dirname(os.__file__)
allowed = (stdlib + "/", "/etc/python3")
found = []
for root, dirs, files in os.walk("/"):
    if root == "/":
        dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev")]
    if (root + "/").startswith(allowed):
        dirs[:] = []
        continue
    for name in files:
        if name.endswith((".json", ".jsonl", ".py", ".csv", ".txt", ".md", ".toml", ".in", ".out", ".ans")):
            found.append(os.path.join(root, name))
print("SAFE" if not found else "LEAK " + " ".join(sorted(found)[:8]))
"""

SPREAD_MEMORY = """
import os, time
children = []
for _ in range(8):
    pid = os.fork()
    if pid == 0:
        block = b"x" * (50 << 20)  # written, so every page is really there
        time.sleep(1.5)
        os._exit(0)
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)
print(input())
"""

UNWAITED_CPU = """
import os, time
if os.fork() == 0:
    while True:
        pass
time.sleep(5)
print(input())
"""

HUGE_LITERAL = "x = [" + "1," * 2_000_000 + "]\nprint(len(x))\n"

ESCAPES: tuple[HostileCase, ...] = (
    _s("unreadable working directory", "print(input())", A,
       before="import os\nos.mkdir('locked')\nos.chmod('locked', 0)\nos.chmod('.', 0)\n"),
    _s("walks the disk for answers", DISK_WALK, A, output="SAFE"),
    _s("SysV shared memory, semaphores, queues from the last test", IPC_PROBE, A, output="SAFE", before=IPC_CREATE),
    _s("kernel keyrings", KEYRING_PROBE, A, output="SAFE"),
    _s("unshare(CLONE_NEWUSER) and other escapes", NAMESPACE_PROBE, A, output="SAFE"),
    _s("8 children of 50 MB under 64 MB", SPREAD_MEMORY, M, limits=Limits(time_s=1.0, wall_time_s=3.0, memory_mb=64)),
    _s("CPU burnt in a child never waited for", UNWAITED_CPU, T, limits=Limits(time_s=0.5, wall_time_s=6.0)),
    HostileCase("4 MB list literal", HUGE_LITERAL, frozenset({T, M})),
)
