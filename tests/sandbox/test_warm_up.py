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


def test_workers_start_side_by_side(monkeypatch):
    # Each worker's start-up (~60 ms) is spent waiting for its hello: the second is launched before the
    # first has answered, so a pool's start costs one start-up, not one per worker.
    from sstar.sandbox import local

    events = []

    class Recorded(local._Worker):
        def greet(self):
            events.append(("launched", self.index))
            super().greet()
            events.append(("ready", self.index))

    monkeypatch.setattr(local, "_Worker", Recorded)
    sb = LocalSandbox(workers=2, scratch_mb=139)
    try:
        sb.warm_up(wait=True)
        assert sb._idle.qsize() == 2
        assert [kind for kind, _ in events[:2]] == ["launched", "launched"], events
        assert sb.info().isolation  # one adoption of the isolation level, whichever worker came first
    finally:
        sb.close()
    assert gone_soon()


def test_the_workers_modules_get_bytecode_for_the_workers_interpreter():
    import importlib.util

    from sstar.sandbox import isolation

    module = isolation.worker_source().parent / "_sstar_batch_run.py"
    cached = importlib.util.cache_from_source(str(module))
    if not os.access(os.path.dirname(cached) if os.path.isdir(os.path.dirname(cached)) else module.parent, os.W_OK):
        pytest.skip("the package folder is read-only here")
    if os.path.exists(cached):
        os.remove(cached)
    isolation.compile_guest.cache_clear()
    sb = LocalSandbox(workers=1, scratch_mb=139)
    try:
        sb.start()
    finally:
        sb.close()
    assert os.path.exists(cached)
