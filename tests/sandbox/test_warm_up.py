"""Warming a sandbox up: every worker started in the background, none left behind, errors still surface."""

import os
import time

import pytest

from sstar.sandbox.local import LocalSandbox
from sstar.sandbox.pool import SandboxStartError
from sstar.sandbox.protocol import ExecRequest, ExecStatus

MARKER = "--scratch-mb=139"  # on the workers' command lines: finds them in /proc


def workers() -> list[str]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if MARKER.encode() in open(f"/proc/{pid}/cmdline", "rb").read():
                found.append(pid)
        except OSError:
            pass
    return found


def gone_soon() -> bool:
    deadline = time.time() + 10
    while workers() and time.time() < deadline:
        time.sleep(0.05)
    return not workers()


def test_warm_up_starts_every_worker_in_the_background_and_they_serve_tests():
    sb = LocalSandbox(workers=2, scratch_mb=139)
    try:
        sb.warm_up(wait=True)
        assert sb._started == 2 and sb._idle.qsize() == 2
        assert all(w.proc.poll() is None for w in list(sb._idle.queue))
        results = sb.run_many([ExecRequest(code=f"print({i})") for i in range(6)])
        assert [r.stdout for r in results] == [f"{i}\n".encode() for i in range(6)]
        assert sb._started == 2  # no worker started beyond the pool's size
    finally:
        sb.close()
    assert gone_soon()


def test_closing_while_warming_up_leaves_no_worker_behind():
    sb = LocalSandbox(workers=2, scratch_mb=139)
    sb.warm_up()
    sb.close()  # at once: the warm-up is still starting workers
    assert gone_soon()
    result = sb.run(ExecRequest(code="print(1)"))
    assert result.status is ExecStatus.INFRA_ERROR and "closed" in result.infra_message


def test_a_sandbox_that_cannot_start_still_says_so_at_start():
    sb = LocalSandbox(workers=2, python="/nonexistent/python3")
    try:
        sb.warm_up()  # fails in the background, quietly
        with pytest.raises(SandboxStartError, match="could not start"):
            sb.start()
    finally:
        sb.close()
