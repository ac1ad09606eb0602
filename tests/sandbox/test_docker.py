"""The Docker backend against a real Docker engine: the same conformance suite as the local one.

`make test` starts a private dockerd when none is running (scripts/with-dockerd.sh); where no engine
can be started at all these tests skip, saying why.
"""

import os
import time

import pytest

from sstar.judge import Verdict, run_tests
from sstar.problem import load_problem
from sstar.sandbox.hostile import catalogue, run_case
from sstar.sandbox.protocol import ExecRequest, ExecStatus, Limits

from ..conftest import PROBLEMS, REFERENCE

docker = pytest.importorskip("docker", reason="the docker package is not installed")


def _engine_or_skip():
    try:
        docker.from_env().ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no Docker engine could be reached ({type(exc).__name__}: {exc})")


@pytest.fixture(scope="module")
def dsandbox():
    _engine_or_skip()
    from sstar.sandbox.docker_backend import DockerSandbox

    sb = DockerSandbox(workers=2)
    sb.start()
    yield sb
    sb.close()


CASES = catalogue("/work/not-in-the-container")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_program_in_docker(dsandbox, case):
    result = run_case(case, dsandbox)
    assert result.verdict in case.expected, (result.verdict, result.message, result.stderr[-300:])


@pytest.mark.parametrize("name", ["cf_fox_cheese", "lc_find_k_or"])
def test_reference_solutions_in_docker(dsandbox, name):
    report = run_tests((REFERENCE / f"{name}.py").read_text(), load_problem(PROBLEMS / f"{name}.json"), dsandbox)
    assert report.accepted


def test_leetcode_linked_lists_in_docker(dsandbox):
    # LeetCode's ListNode comes from the image's prelude; the structures wrapper runs in the container.
    from ..judge.test_structures import REVERSE

    code = ("class Solution:\n    def reverseList(self, head: Optional[ListNode]) -> Optional[ListNode]:\n"
            "        prev = None\n        while head:\n            head.next, prev, head = prev, head, head.next\n"
            "        return prev\n")
    assert run_tests(code, REVERSE, dsandbox).accepted
    cycle = "class Solution:\n    def reverseList(self, head):\n        if head: head.next = head\n        return head\n"
    first = run_tests(cycle, REVERSE, dsandbox).tests[0]
    assert first.verdict is Verdict.RUNTIME_ERROR and "cycle" in first.message


def test_containers_are_locked_down(dsandbox):
    client = docker.from_env()
    containers = client.containers.list(filters={"label": f"sstar.run={dsandbox.run_id}"})
    assert containers
    host = containers[0].attrs["HostConfig"]
    assert host["NetworkMode"] == "none" and host["ReadonlyRootfs"] and host["Init"]
    assert host["Memory"] == host["MemorySwap"] > 0 and host["PidsLimit"] > 0 and host["NanoCpus"] > 0
    assert "ALL" in host["CapDrop"] and "no-new-privileges" in host["SecurityOpt"][0]
    assert "/tmp" in host["Tmpfs"] and "nr_inodes" in host["Tmpfs"]["/tmp"]


def test_a_killed_container_is_replaced_and_the_test_retried():
    _engine_or_skip()
    from sstar.sandbox.docker_backend import DockerSandbox

    with DockerSandbox(workers=1) as sb:
        victim = sb._idle.queue[0]
        victim.container.kill()
        result = sb.run(ExecRequest(code="print(input())", stdin="ok\n", limits=Limits(time_s=2)))
        assert result.status is ExecStatus.COMPLETED and result.stdout == b"ok\n"


def test_containers_are_recycled_and_removed_on_close():
    _engine_or_skip()
    from sstar.sandbox.docker_backend import DockerSandbox

    client = docker.from_env()
    sb = DockerSandbox(workers=1, recycle_after=3)
    ids = set()
    for _ in range(7):
        assert sb.run(ExecRequest(code="print(1)")).stdout == b"1\n"
        ids |= {c.id for c in client.containers.list(filters={"label": f"sstar.run={sb.run_id}"})}
    assert len(ids) >= 3  # a fresh container after every three runs
    sb.close()
    assert client.containers.list(all=True, filters={"label": f"sstar.run={sb.run_id}"}) == []


def test_containers_of_a_crashed_harness_are_reaped_at_the_next_start():
    _engine_or_skip()
    from sstar.sandbox.docker_backend import LABEL, DockerSandbox
    from sstar.sandbox.docker_image import build_image

    client = docker.from_env()
    orphan = client.containers.create(build_image(client), ["/usr/bin/python3", "-c", "pass"],
                                      labels={LABEL: "1", "sstar.pid": "999999999", "sstar.run": "crashed"})
    with DockerSandbox(workers=1) as sb:
        sb.run(ExecRequest(code="print(1)"))
    assert not client.containers.list(all=True, filters={"id": orphan.id})


def test_no_daemon_gives_infra_errors_and_one_clear_message():
    from sstar.sandbox.docker_backend import DockerSandbox

    sb = DockerSandbox(workers=1, base_url="unix:///nonexistent/docker.sock")
    result = sb.run(ExecRequest(code="print(1)"))
    assert result.status is ExecStatus.INFRA_ERROR and "cannot reach the Docker daemon" in result.infra_message
    sb.close()


def test_memory_and_time_are_told_apart(dsandbox):
    memory = dsandbox.run(ExecRequest(code="x = bytearray(900 * 1024 * 1024)", limits=Limits(time_s=2, memory_mb=256)))
    slow = dsandbox.run(ExecRequest(code="while True: pass", limits=Limits(time_s=1)))
    from sstar.judge.runner import classify

    assert classify(memory, Limits(memory_mb=256))[0] is Verdict.MEMORY_LIMIT
    assert classify(slow, Limits(time_s=1))[0] is Verdict.TIME_LIMIT


def test_image_build_is_idempotent():
    _engine_or_skip()
    from sstar.sandbox.docker_image import build_image

    client = docker.from_env()
    first = build_image(client)
    start = time.perf_counter()
    assert build_image(client) == first and time.perf_counter() - start < 5
    assert os.path.exists("/usr/bin/python3")


def test_cli_uses_the_docker_backend(dsandbox):
    import json
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": "200"}
    test = subprocess.run([sys.executable, "-m", "sstar", "test", str(REFERENCE / "lc_max_odd_binary.py"),
                           str(PROBLEMS / "lc_max_odd_binary.json"), "--sandbox", "docker", "--json"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert test.returncode == 0, test.stderr[-2000:]
    assert json.loads(test.stdout)["verdict"] == "accepted"
    built = subprocess.run([sys.executable, "-m", "sstar", "sandbox", "build"], capture_output=True, text=True, env=env)
    assert built.returncode == 0 and built.stdout.startswith("sstar-sandbox:")


def _our_container_processes(dsandbox) -> list[str]:
    """Program processes (uid 65000) still alive in this run's containers, other than pre-forked standbys."""
    from sstar.sandbox.docker_backend import CHILD_UID

    ids = {c.id for c in docker.from_env().containers.list(filters={"label": f"sstar.run={dsandbox.run_id}"})}
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.stat(f"/proc/{pid}").st_uid != CHILD_UID or not any(i in open(f"/proc/{pid}/cgroup").read() for i in ids):
                continue
            ppid = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1]
            standby = os.readlink(f"/proc/{pid}/fd/0") == "/dev/null" and b"worker.py" in open(f"/proc/{ppid}/cmdline", "rb").read()
        except OSError:
            continue
        if not standby:
            left.append(pid)
    return left


def test_per_test_kernel_state_in_docker_and_nothing_left_on_the_host(dsandbox):
    from sstar.sandbox.hostile_escapes import IPC_CREATE, IPC_KEY, KEYRING_PROBE, UNWAITED_CPU

    from .test_confinement import BIG_SEGMENT, _host_shmem_mb, _key_users, _sysv_keys

    info = dsandbox.info()
    assert info.cgroup in ("v1", "v2") and info.seccomp and info.ipc_namespace and not info.warnings, info
    before = _key_users()
    for _ in range(2):
        assert dsandbox.run(ExecRequest(code=IPC_CREATE, stdin="5\n", limits=Limits(time_s=2))).stdout == b"5\n"
        assert dsandbox.run(ExecRequest(code=KEYRING_PROBE, limits=Limits(time_s=2))).stdout == b"SAFE\n"
    assert IPC_KEY not in _sysv_keys()
    assert 65000 not in _key_users() - before
    shmem = _host_shmem_mb()
    for _ in range(3):
        made = dsandbox.run(ExecRequest(code=BIG_SEGMENT, limits=Limits(time_s=2, wall_time_s=5, memory_mb=512)))
        assert made.stdout == b"made\n", made.stderr
    deadline = time.time() + 5
    while _host_shmem_mb() - shmem > 150 and time.time() < deadline:
        time.sleep(0.1)
    assert _host_shmem_mb() - shmem < 150
    burnt = dsandbox.run(ExecRequest(code=UNWAITED_CPU, stdin="5\n", limits=Limits(time_s=0.5, wall_time_s=6)))
    assert burnt.cpu_exceeded and burnt.cpu_s >= 0.5  # the cgroup's CPU: the unwaited child's counts
    assert _our_container_processes(dsandbox) == []


def test_a_container_stops_its_batch_when_the_harness_is_killed():
    """kill -9 of the harness mid-batch: the container's worker sees its attached stdin close and stops at once
    (the next run removes the container, by its labels)."""
    from .killed_harness import kill_mid_batch

    _engine_or_skip()
    client = docker.from_env()
    seen: list = []

    def running(container_id: str) -> bool:
        if not seen:
            seen.append(container_id)
        container = client.containers.get(container_id)
        return container.status == "running"

    try:
        assert kill_mid_batch("__import__('sstar.sandbox.docker_backend').sandbox.docker_backend.DockerSandbox("
                              "workers=1)", "sb._idle.queue[0].container.id", running, within_s=8.0), \
            "the container kept running the batch of a killed harness"
    finally:
        for container_id in seen:
            client.containers.get(container_id).remove(force=True)
