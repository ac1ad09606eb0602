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
if sys.stdin.read().strip() == "big":
    block = bytearray(200 << 20)
    block[::4096] = b"x" * len(block[::4096])
    del block
print(json.token)
'''
KINDS = ["big", "small", "small", "big", "small"]


def _check(sandbox, batched: bool) -> None:
    requests = [ExecRequest(code=PROGRAM, stdin=f"{kind}\n", limits=LIMITS) for kind in KINDS]
    got = sandbox.run_program(requests)
    assert [r.exit_code for r in got] == [0] * len(KINDS), [r.stderr[-300:] for r in got]
    tokens = {r.stdout for r in got}
    assert len(tokens) == (1 if batched else len(KINDS))  # the batch really ran in one process
    peaks = [r.max_rss_mb for r in got]
    for kind, peak in zip(KINDS, peaks):
        if kind == "big":
            assert peak > 190, peaks
        else:  # the interpreter alone: tens of MB, far below the big test's 200 MB before it
            assert 0 < peak < 120, peaks


@pytest.mark.parametrize("isolate", [False, True], ids=["batched", "isolated"])
def test_each_test_reports_its_own_peak_memory(isolate):
    with LocalSandbox(workers=1, isolate_tests=isolate) as sandbox:
        _check(sandbox, batched=not isolate)


@pytest.mark.parametrize("isolate", [False, True], ids=["batched", "isolated"])
def test_each_test_reports_its_own_peak_memory_in_docker(isolate):
    docker = pytest.importorskip("docker", reason="the docker package is not installed")
    try:
        docker.from_env().ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no Docker engine could be reached ({type(exc).__name__}: {exc})")
    from sstar.sandbox.docker_backend import DockerSandbox

    with DockerSandbox(workers=1, isolate_tests=isolate) as sandbox:
        _check(sandbox, batched=not isolate)
