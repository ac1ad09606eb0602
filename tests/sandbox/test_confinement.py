"""The local sandbox's confinement, checked from the host: what a program sees, what it leaves behind."""

import os
import signal
import time
from pathlib import Path

import pytest

from sstar.judge import Verdict
from sstar.sandbox.hostile import run_case
from sstar.sandbox.hostile_escapes import ESCAPES, HUGE_LITERAL, IPC_CREATE, IPC_KEY, KEYRING_PROBE
from sstar.sandbox.local import LocalSandbox
from sstar.sandbox.protocol import ExecRequest, ExecStatus, Limits
from sstar.sandbox.view import visible_paths

from ..conftest import ROOT
from .test_hostile import sandbox_processes

FAST = Limits(time_s=2, wall_time_s=5, memory_mb=256)
CASE = {c.name: c for c in ESCAPES}

LIST_EVERYTHING = """
import os
seen = []
for root, dirs, files in os.walk("/"):
    if root == "/":
        dirs[:] = [d for d in dirs if d != "proc"]
    seen += [os.path.join(root, name) for name in dirs + files]
print("\\n".join(seen))
"""
FIXED = {"/proc", "/tmp", "/tmp/stdin", "/tmp/work", "/dev", "/dev/null", "/dev/zero", "/dev/urandom", "/dev/shm",
         "/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr", "/.sstar"}


def run(sandbox, code, stdin="5\n", limits=FAST):
    return sandbox.run(ExecRequest(code=code, stdin=stdin, limits=limits))


@pytest.fixture
def single(tmp_path, monkeypatch):
    """A one-worker sandbox started from a directory holding a canary file."""
    (tmp_path / "expected_output.txt").write_text("the answer\n")
    monkeypatch.chdir(tmp_path)
    sb = LocalSandbox(workers=1)
    sb.start()
    yield sb
    sb.close()


def _allowed(path: str, binds: tuple[str, ...]) -> bool:
    if path in FIXED:
        return True
    for bind in binds:
        if path == bind or path.startswith(bind.rstrip("/") + "/") or bind.startswith(path + "/"):
            return True
    return False


def test_a_program_sees_only_the_allow_list(single, tmp_path):
    result = run(single, LIST_EVERYTHING)
    assert result.exit_code == 0, result.stderr
    seen = result.stdout.decode().split("\n")
    binds, masked = visible_paths(single.python)
    outside = [p for p in seen if p and not _allowed(p, binds)]
    assert outside == [], outside[:20]
    for secret in (str(tmp_path), str(ROOT), str(ROOT.parent / "shared"), "/opt", "/home", "/srv", "/mnt", "/var",
                   "/work", "/etc/passwd"):
        assert not any(p == secret or p.startswith(secret + "/") for p in seen), secret
    assert not any(p.endswith("expected_output.txt") for p in seen)
    for site in masked:  # the interpreter's site-packages is an empty directory in the sandbox
        assert not any(p.startswith(site + "/") for p in seen), site


def test_an_unreadable_working_directory_harms_no_later_test(single):
    spoil = ("import os\nos.makedirs('a/b')\nos.chmod('a/b', 0)\nos.chmod('a', 0)\nos.mkdir('empty')\n"
             "os.chmod('empty', 0)\nos.chmod('.', 0)\nprint(input())")
    for _ in range(3):
        assert run(single, spoil).stdout == b"5\n"
        for _ in range(3):
            after = run(single, "import os\nprint(input(), os.listdir('.'))")
            assert after.status is ExecStatus.COMPLETED and after.stdout == b"5 []\n", after


def _sysv_keys() -> set[int]:
    keys = set()
    for table in ("shm", "sem", "msg"):
        for line in Path(f"/proc/sysvipc/{table}").read_text().splitlines()[1:]:
            keys.add(int(line.split()[0]))
    return keys


def test_sysv_ipc_never_reaches_the_host_or_the_next_test(sandbox):
    for _ in range(3):
        assert run(sandbox, IPC_CREATE).stdout == b"5\n"
        assert IPC_KEY not in _sysv_keys()
    assert run_case(CASE["SysV shared memory, semaphores, queues from the last test"], sandbox).verdict is Verdict.ACCEPTED
    assert sandbox_processes() == []


def _key_users() -> set[int]:
    return {int(line.split(":")[0]) for line in Path("/proc/key-users").read_text().splitlines() if line.strip()}


def test_keyrings_are_refused_and_nothing_stays_on_the_host(sandbox):
    before = _key_users()
    result = run(sandbox, KEYRING_PROBE)
    assert result.stdout == b"SAFE\n", result.stdout + result.stderr.encode()
    assert sandbox.info().session_keyring and sandbox.info().seccomp
    from sstar.sandbox.local import UID_BASE

    new = {uid for uid in _key_users() - before if uid >= UID_BASE}
    assert new == set()


def test_memory_limit_covers_the_whole_process_tree(sandbox):
    assert run_case(CASE["8 children of 50 MB under 64 MB"], sandbox).verdict is Verdict.MEMORY_LIMIT
    one_child = CASE["8 children of 50 MB under 64 MB"].code.replace("range(8)", "range(1)")
    result = run(sandbox, one_child, limits=Limits(time_s=2, wall_time_s=5, memory_mb=128))
    assert result.exit_code == 0 and not result.memory_exceeded, result.stderr
    assert result.max_rss_mb >= 50  # the peak is the cgroup's: the child's 50 MB count
    assert sandbox_processes() == []


def test_cpu_of_an_unwaited_child_counts(sandbox):
    case = CASE["CPU burnt in a child never waited for"]
    result = run_case(case, sandbox)
    assert result.verdict is Verdict.TIME_LIMIT and result.cpu_s >= case.limits.time_s
    assert sandbox_processes() == []


def _worker_rss_kb(sb: LocalSandbox) -> int:
    """Resident memory of the (only) worker: bubblewrap's child, PID 1 of the sandbox."""
    bwrap = sb._idle.queue[0].proc.pid
    worker = int(Path(f"/proc/{bwrap}/task/{bwrap}/children").read_text().split()[0])
    for line in Path(f"/proc/{worker}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_compilation_happens_under_the_limits_and_the_worker_does_not_grow(single):
    assert run(single, "print(1)").exit_code == 0
    before = _worker_rss_kb(single)
    for _ in range(2):
        result = single.run(ExecRequest(code=HUGE_LITERAL, limits=Limits(time_s=1, wall_time_s=3, memory_mb=64)))
        assert result.memory_exceeded or result.exception == "MemoryError" or result.cpu_exceeded, result
        big_output = run(single, "print('x' * 30_000_000)")
        assert len(big_output.stdout) == 30_000_001
    grown_mb = (_worker_rss_kb(single) - before) / 1024
    assert grown_mb < 4, f"the worker grew by {grown_mb:.1f} MB"
    later = run(single, "raise ValueError('mine')", limits=Limits(time_s=1, memory_mb=64))
    assert later.exception == "ValueError" and not later.memory_exceeded


def test_namespaces_and_other_escapes_are_refused(sandbox):
    result = run_case(CASE["unshare(CLONE_NEWUSER) and other escapes"], sandbox)
    assert result.verdict is Verdict.ACCEPTED, result.stdout


def test_a_worker_that_fails_is_replaced_before_the_next_test(single):
    assert run(single, "print(input())").stdout == b"5\n"  # now the next test's process waits, pre-forked
    old = single._idle.queue[0]
    bwrap = old.proc.pid
    worker = int(Path(f"/proc/{bwrap}/task/{bwrap}/children").read_text().split()[0])
    standby = int(Path(f"/proc/{worker}/task/{worker}/children").read_text().split()[0])
    os.kill(standby, signal.SIGKILL)  # the pre-forked test process dies before its test
    time.sleep(0.1)
    result = run(single, "print(input())")
    assert result.status is ExecStatus.COMPLETED and result.stdout == b"5\n"
    assert old.proc.poll() is not None  # never reused
    assert single._idle.queue[0] is not old


def test_kernel_state_is_reported_and_its_absence_warned_about():
    with LocalSandbox(workers=1) as full:
        info = full.info()
    assert info.cgroup in ("v1", "v2") and info.seccomp and info.ipc_namespace and not info.warnings
    bare = LocalSandbox(workers=1, cgroups=False, seccomp=False)
    try:
        warnings = " ".join(bare.info().warnings)
        assert "no cgroup per test" in warnings and "no seccomp filter" in warnings
        assert bare.info().cgroup is None
    finally:
        bare.close()


BIG_SEGMENT = """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
size = 300 << 20
shm = libc.shmget(0x53535453, size, 0o1600)
addr = libc.shmat(shm, None, 0)
ctypes.memset(addr, 1, size)  # every page really there
print("made" if shm >= 0 and addr not in (None, ctypes.c_void_p(-1).value) else "failed")
"""


def _host_shmem_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("Shmem:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no Shmem in /proc/meminfo")


def test_shared_memory_left_by_a_program_is_freed_on_the_host(sandbox):
    before = _host_shmem_mb()
    for _ in range(3):
        made = run(sandbox, BIG_SEGMENT, limits=Limits(time_s=2, wall_time_s=5, memory_mb=512))
        assert made.stdout == b"made\n", made.stderr
    deadline = time.time() + 5
    while _host_shmem_mb() - before > 150 and time.time() < deadline:
        time.sleep(0.1)  # the kernel frees a dead IPC namespace asynchronously
    assert _host_shmem_mb() - before < 150, "900 MB of segments must not stay behind on the host"


def test_packages_asked_for_come_back_alone():
    import subprocess

    from sstar.sandbox.isolation import base_interpreter

    probe = subprocess.run([base_interpreter(), "-I", "-c", "import sortedcontainers"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("the sandbox interpreter has no sortedcontainers to allow")
    code = "from sortedcontainers import SortedList\nprint(list(SortedList([3, 1, 2])))\n"
    with LocalSandbox(workers=1) as plain:
        assert run(plain, code).exception == "ModuleNotFoundError"  # the standard library only, by default
    with LocalSandbox(workers=1, packages=("sortedcontainers",)) as allowed:
        assert run(allowed, code).stdout == b"[1, 2, 3]\n"
        assert run(allowed, "import pytest").exception == "ModuleNotFoundError"  # nothing else of site-packages


def test_an_unknown_package_is_a_clear_start_error():
    sb = LocalSandbox(workers=1, packages=("no_such_package_anywhere",))
    result = run(sb, "print(1)")
    sb.close()
    assert result.status is ExecStatus.INFRA_ERROR and "no package 'no_such_package_anywhere'" in result.infra_message
