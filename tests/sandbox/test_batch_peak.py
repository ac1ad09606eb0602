"""Each test of a batch reports its own peak memory, not the peak of the process it shares with the tests
before it (both backends, batched and with a process per test)."""

import pytest

from sstar.sandbox.local import LocalSandbox
from sstar.sandbox.protocol import ExecRequest, Limits

LIMITS = Limits(time_s=5, wall_time_s=20, memory_mb=512)

# "big" touches 200 MB and frees it (munmap: the process keeps nothing, so the batch goes on in the same
# process); "small" allocates nothing. The token, kept on an imported module (not restored between tests),
# tells which tests shared a process.
PROGRAM = r'''
import json, os, sys
json.token = getattr(json, "token", None) or os.urandom(8).hex()
kind = sys.stdin.read().strip()
if kind == "big":
    block = bytearray(200 << 20)
    block[::4096] = b"x" * len(block[::4096])
    del block
print(json.token, flush=True)
if kind == "crash":  # its peak then comes from the worker's side (the cgroup's is the whole process's)
    os.kill(os.getpid(), 11)
'''
KINDS = ["big", "small", "small", "big", "small", "big", "crash", "small"]


def _check(sandbox, batched: bool) -> None:
    requests = [ExecRequest(code=PROGRAM, stdin=f"{kind}\n", limits=LIMITS) for kind in KINDS]
    got = sandbox.run_program(requests)
    assert [r.signal for r in got] == [11 if k == "crash" else None for k in KINDS], [r.stderr[-300:] for r in got]
    tokens = [r.stdout for r in got]
    # The batch really ran in one process (a fresh one after the crash).
    assert len(set(tokens)) == (2 if batched else len(KINDS)) and len(set(tokens[:7])) == (1 if batched else 7)
    peaks = [r.max_rss_mb for r in got]
    for kind, peak in zip(KINDS, peaks):
        if kind == "big":
            assert peak > 190, peaks
        else:  # the interpreter alone: tens of MB, far below the big test's 200 MB before it
            assert 0 < peak < 120, peaks


# A thread that touches 200 MB and exits leaves its peak in the process's own record, which the per-test
# reset does not clear: the tests after it (in this process, or in a fresh one where the state check retires
# it) must still report their own peak.
THREADED = PROGRAM.replace('if kind == "big":', """if kind == "thread":
    import _thread

    done = _thread.allocate_lock()
    done.acquire()

    def touch():
        block = bytearray(200 << 20)
        block[::4096] = b"x" * len(block[::4096])
        del block
        done.release()

    _thread.start_new_thread(touch, ())
    done.acquire()
    import time
    time.sleep(0.2)  # the thread has ended (released, then returned)
if kind == "big":""")


def test_a_thread_that_ended_does_not_leave_its_peak_on_the_tests_after_it():
    kinds = ["small", "thread", "small", "small"]
    with LocalSandbox(workers=1) as sandbox:
        got = sandbox.run_program([ExecRequest(code=THREADED, stdin=f"{k}\n", limits=LIMITS) for k in kinds])
    peaks = [r.max_rss_mb for r in got]
    assert peaks[1] > 190 and all(0 < p < 120 for p in peaks[2:]), peaks


def _sandbox(backend: str, isolate: bool):
    if backend == "local":
        return LocalSandbox(workers=1, isolate_tests=isolate)
    docker = pytest.importorskip("docker", reason="the docker package is not installed")
    try:
        docker.from_env().ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no Docker engine could be reached ({type(exc).__name__}: {exc})")
    from sstar.sandbox.docker_backend import DockerSandbox

    return DockerSandbox(workers=1, isolate_tests=isolate)


BOTH = pytest.mark.parametrize("backend, isolate", [(b, i) for b in ("local", "docker") for i in (False, True)],
                               ids=["local-batched", "local-isolated", "docker-batched", "docker-isolated"])


@BOTH
def test_each_test_reports_its_own_peak_memory(backend, isolate):
    with _sandbox(backend, isolate) as sandbox:
        _check(sandbox, batched=not isolate)


# A program that finds the batch's clear_refs descriptor: what it can do with it stays its own business.
HOSTILE = r'''
import json, os, sys
json.token = getattr(json, "token", None) or os.urandom(8).hex()
found = []
for fd in os.listdir("/proc/self/fd"):
    try:
        if os.readlink(f"/proc/self/fd/{fd}").endswith("/clear_refs"):
            found.append(int(fd))
    except OSError:  # (the listing's own descriptor)
        pass
kind = sys.stdin.read().strip()
if kind == "swap":  # the next test's reset would write into this file: the process must not go on
    for fd in found:
        os.dup2(os.open("/dev/null", os.O_WRONLY), fd)
if kind == "hog":  # its peak forgotten over and over while it grows past the limit
    block = bytearray(0)
    for _ in range(40):
        block += bytearray(16 << 20)
        block[::4096] = b"x" * len(block[::4096])
        for fd in found:
            for value in (b"1", b"4", b"5"):
                os.write(fd, value)
print(json.token, len(found))
'''


def _hostile(sandbox, batched: bool) -> None:
    from sstar.judge import Verdict
    from sstar.judge.runner import classify

    limits = Limits(time_s=5, wall_time_s=20, memory_mb=256)
    kinds = ["look", "hog", "look", "swap", "look"]
    got = sandbox.run_program([ExecRequest(code=HOSTILE, stdin=f"{k}\n", limits=limits) for k in kinds])
    verdicts = [classify(r, limits)[0] for r in got]
    assert verdicts[1] is Verdict.MEMORY_LIMIT, (got[1].stderr[-300:], got[1].max_rss_mb)
    assert [verdicts[i] for i in (0, 2, 3, 4)] == [None] * 4, [r.stderr[-300:] for r in got]
    out = [r.stdout.split() for r in got]
    # Batched: the descriptor is there (one); with a process per test the peak is the process's whole life's
    # and the descriptor is closed before the program runs.
    assert {int(o[1]) for i, o in enumerate(out) if i != 1} == {1 if batched else 0}
    if batched:  # the test after the swap ran in a fresh process
        assert out[3][0] != out[4][0]
    assert all(0 < r.max_rss_mb < 120 for i, r in enumerate(got) if i != 1), [r.max_rss_mb for r in got]


@BOTH
def test_a_program_holding_clear_refs_resets_only_its_own_peak(backend, isolate):
    with _sandbox(backend, isolate) as sandbox:
        _hostile(sandbox, batched=not isolate)
