"""Every hostile program gets a clear verdict; the host and later runs are unharmed."""

import os
import resource
from pathlib import Path

import pytest

import sstar
from sstar.judge import Verdict
from sstar.sandbox.hostile import catalogue, run_case
from sstar.sandbox.local import UID_BASE
from sstar.sandbox.protocol import ExecRequest, Limits

PROJECT = str(Path(sstar.__file__).resolve().parent)
CASES = catalogue(PROJECT)


def _is_standby(pid: str) -> bool:
    """A worker's pre-forked process for the next test: waiting, input still /dev/null."""
    try:
        ppid = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1]
        parent = open(f"/proc/{ppid}/cmdline", "rb").read()
        return os.readlink(f"/proc/{pid}/fd/0") == "/dev/null" and b"worker.py" in parent
    except OSError:
        return False


def sandbox_processes() -> list[int]:
    """Processes on the host running as a program uid of this test run's sandboxes, other than the standbys.

    (Only ours: other harnesses on the same machine have their own uid ranges.)
    """
    ours = UID_BASE + (os.getpid() % 20_000) * 64
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                uid = os.stat(f"/proc/{name}").st_uid
            except FileNotFoundError:
                continue
            if ours <= uid < ours + 96 and not _is_standby(name):
                pids.append(int(name))
    return pids


def _describe(pids: list[int]) -> list[str]:
    out = []
    for pid in pids:
        try:
            status = dict(line.split(":\t", 1) for line in open(f"/proc/{pid}/status").read().splitlines() if ":\t" in line)
            ppid = status.get("PPid", "?").strip()
            parent = open(f"/proc/{ppid}/cmdline", "rb").read()[:120]
            out.append(f"{pid} {status.get('State')} uid {status.get('Uid')} parent {ppid} {parent!r} "
                       f"cgroup {open(f'/proc/{pid}/cgroup').read().splitlines()[-6:]}")
        except OSError as exc:
            out.append(f"{pid}: {exc}")
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_program(sandbox, case):
    result = run_case(case, sandbox)
    assert result.verdict in case.expected, (result.verdict, result.message, result.stderr[-500:])
    assert result.verdict is not Verdict.INFRA_ERROR
    # Nothing the program started outlives its test.
    assert sandbox_processes() == [], _describe(sandbox_processes())
    # The sandbox still works, on every worker.
    after = sandbox.run_many([ExecRequest(code="print(input())", stdin="ok\n", limits=Limits(time_s=1))] * 4)
    assert all(r.stdout == b"ok\n" for r in after), after


def test_host_is_intact_after_the_destructive_cases(sandbox):
    home = os.path.expanduser("~")
    before = sorted(os.listdir(home))
    for case in CASES:
        if case.destructive:
            run_case(case, sandbox)
    assert sorted(os.listdir(home)) == before
    assert os.path.isfile(os.path.join(PROJECT, "__init__.py"))
    assert os.path.isfile(os.path.join(PROJECT, "sandbox", "local.py"))


def test_gigabyte_of_output_keeps_harness_memory_bounded(sandbox):
    case = next(c for c in CASES if c.name == "1 GB to stdout")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(3):
        assert run_case(case, sandbox).verdict is Verdict.OUTPUT_LIMIT
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200, f"harness grew by {grown_mb:.0f} MB"


def test_fork_bomb_does_not_disturb_a_concurrent_run(sandbox):
    bomb = next(c for c in CASES if c.name == "fork bomb")
    bomb_problem = bomb.problem()
    from sstar.judge.runner import request_for

    bomb_request = request_for(bomb.code, bomb_problem, bomb_problem.public_test_cases[0], Limits(time_s=1, wall_time_s=2))
    honest = ExecRequest(code="print(sum(range(10**5)))", limits=Limits(time_s=2, wall_time_s=30))
    results = sandbox.run_many([bomb_request, honest])
    assert results[1].stdout == b"4999950000\n" and not results[1].cpu_exceeded
