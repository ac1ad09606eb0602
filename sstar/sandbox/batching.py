"""Many tests of one program in one confined process: how a worker pool runs them.

A batch is one order to a worker (see :mod:`.guest.wire`): the program is compiled once and its tests
run in sequence in one confined child, each with its own input, output, accounting and exit status;
a test that ends the child or leaves state that cannot be trusted is followed by a fresh child. A
worker that fails mid-batch is replaced and the batch goes on from the first test without a result,
once; what is still missing then is ``infra_error``.
"""

from __future__ import annotations

import logging
import math
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Sequence

from .guest import wire
from .protocol import ExecRequest, ExecResult

if TYPE_CHECKING:
    from .pool import WorkerPool

log = logging.getLogger(__name__)


def program_key(request: ExecRequest) -> tuple:
    """Requests with the same key are tests of one program: they may share a process."""
    return request.code, request.mode, request.func_name, request.limits


def run_program(pool: "WorkerPool", requests: Sequence[ExecRequest], stop_after_failure: bool) -> list[ExecResult]:
    from .pool import SandboxStartError, WorkerDied, to_result

    if not requests:
        return []
    key = program_key(requests[0])
    if any(program_key(r) != key for r in requests):  # (compared, not hashed: the fields are shared objects)
        raise ValueError("run_program takes the tests of one program: the same code, mode, function and limits")
    first = requests[0]
    results: list[ExecResult] = []
    failures, last, completed = 0, "", False
    while len(results) < len(requests) and failures < 2:
        rest = requests[len(results):]
        # The order is made before a worker is taken, and the reply read after it is given back: a worker
        # never waits on this process's share of the work (with more callers than workers, as grading has,
        # the next program's order is ready the moment a worker is free).
        msg = {"op": wire.OP_BATCH, "code": first.code, "mode": first.mode.value, "func_name": first.func_name,
               "limits": first.limits.to_wire(), "stop_after_failure": stop_after_failure,
               "tests": [{"stdin": r.stdin, "args": list(r.args)} for r in rest]}
        try:
            worker = pool._acquire()
        except SandboxStartError as exc:
            last = str(exc)
            break
        try:
            worker.send(msg)
            # The worker enforces each test's limits; this deadline only catches a wedged worker.
            reply = worker.recv(len(rest) * (first.limits.wall_s + 2.0) + 15.0)
        except WorkerDied as exc:
            last = str(exc)
            log.warning("sandbox worker failed (%s); replacing it", exc)
            worker.kill()
            pool._release(None)
            failures += 1
            continue
        infra = reply.get("infra")
        if infra:
            last = str(infra)
            log.warning("sandbox worker %d reported a failure (%s); replacing it", worker.index, last)
            worker.kill()
            pool._release(None)
        else:
            pool._release(worker)
        got = [to_result(r) for r in reply.get("results", [])][: len(rest)]
        results += got
        if infra:
            failures += 0 if got else 1
            continue
        completed = True
        break
    if len(results) < len(requests) and not completed:
        results += [ExecResult.infra(f"sandbox worker failed twice: {last}")] * (len(requests) - len(results))
    return results


def run_many(pool: "WorkerPool", requests: Sequence[ExecRequest]) -> list[ExecResult]:
    """Every request, tests of one program batched; batches spread over the workers free now.

    A program's tests are split only across workers nobody else is using: every batch costs a fresh,
    freshly confined process (~6 ms of CPU), so when other callers keep the workers busy (grading many
    programs at once) a program's tests stay in one batch; alone, they are spread for its latency."""
    groups: dict[tuple, list[int]] = {}
    for i, request in enumerate(requests):
        groups.setdefault(program_key(request), []).append(i)
    chunk = max(1, math.ceil(len(requests) / max(1, min(pool.size, pool.free_workers()))))
    jobs: list[list[int]] = []
    for indices in groups.values():
        size = max(1, min(len(indices), chunk))
        jobs += [indices[k:k + size] for k in range(0, len(indices), size)]

    def one(job: list[int]) -> list[ExecResult]:
        if len(job) == 1:
            return [pool.run(requests[job[0]])]
        return run_program(pool, [requests[i] for i in job], False)

    out: list[ExecResult | None] = [None] * len(requests)
    if len(jobs) == 1:  # no thread to start for one batch
        done = [one(jobs[0])]
    else:
        with ThreadPoolExecutor(max_workers=max(1, min(pool.size, len(jobs)))) as executor:
            done = list(executor.map(one, jobs))
    for job, results in zip(jobs, done):
        for i, result in zip(job, results):
            out[i] = result
    return [r if r is not None else ExecResult.infra("no result") for r in out]
