"""``sstar bench --ray``: the same batch on a Ray cluster (the other executor; see ``executor.run_local``).

Problems go to actors, each holding its own warm sandbox pool (sized to its node's cores) and its own
model client built from the same :class:`RunSpec`; model calls go to the configured endpoint from wherever
the actor runs. The driver is the only writer of ``results.jsonl``, so resume, dedup and scoring are those
of a local run, and a local and a Ray run of the same configuration and seed write the same records. A
failed node or a killed actor is restarted by Ray and its task retried; a problem that still fails is
recorded as failed (with the error) and retried on resume. Each actor keeps the completion cache of the
run folder (correct on one machine or a shared filesystem; on separate disks each node keeps its own).
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Optional

from ..problem import Problem
from .executor import Emit, Stop, Work
from .solving import CallRecorder, RunSpec, failed_record, solve_record

log = logging.getLogger(__name__)
RESTARTS = 3


def _ray():
    try:
        import ray
    except ImportError as exc:
        raise RuntimeError("--ray needs the ray package: pip install 'sstar[ray]' (the local path needs nothing)") from exc
    return ray


def connect(address: str) -> None:
    """``local``: a fresh instance here; ``auto``: the running cluster, else a local one; else an address."""
    ray = _ray()
    if ray.is_initialized():
        return
    # Workers import the same code as the driver, from the same checkout.
    env = {"env_vars": {"PYTHONPATH": os.pathsep.join(p for p in (os.getcwd(), os.environ.get("PYTHONPATH")) if p)}}
    kwargs = dict(include_dashboard=False, log_to_driver=False, configure_logging=False, runtime_env=env)
    if address == "local":
        ray.init(**kwargs)
        return
    try:
        ray.init(address=address, **kwargs)
    except ConnectionError:
        if address != "auto":
            raise RuntimeError(f"cannot reach the Ray cluster at {address}") from None
        log.warning("no running Ray cluster: starting a local one")
        ray.init(**kwargs)


def run_on_ray(spec: RunSpec, work: Work, emit: Emit, concurrency: int, address: str,
               stop: Stop = lambda: False) -> None:
    ray = _ray()
    connect(address)
    # No CPU reservation: an actor mostly waits on the model, and its sandbox pool (sized to its node's cores)
    # runs programs outside Ray's accounting; reserving one CPU each would leave actors unscheduled when
    # --concurrency exceeds the cluster's CPUs, and their problems waiting forever.
    Solver = ray.remote(max_restarts=RESTARTS, max_task_retries=RESTARTS, num_cpus=0)(_Solver)
    actors = [Solver.options(scheduling_strategy="SPREAD").remote(spec) for _ in range(max(1, concurrency))]
    pending: dict = {}
    queue = list(work)

    def submit(actor) -> None:
        problem, given = queue.pop(0)
        pending[actor.solve.remote(problem.model_dump(mode="json"), given)] = (actor, problem)

    for actor in actors:
        if queue:
            submit(actor)
    try:
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            actor, problem = pending.pop(done[0])
            try:
                record: dict = ray.get(done[0])
            except Exception as exc:  # noqa: BLE001 - the task failed for good after Ray's retries
                log.error("%s failed on Ray: %s (it will be retried on resume)", problem.question_id, str(exc)[:300])
                record = failed_record(problem, f"Ray task failed: {str(exc).splitlines()[0] if str(exc) else exc!r}")
            emit(record)
            if queue and not stop():
                submit(actor)
    finally:
        for actor in actors:
            ray.kill(actor)


class _Solver:
    """A Ray actor: one sandbox pool, one model client, one event loop; S* on one problem at a time."""

    def __init__(self, spec: RunSpec) -> None:
        from ..sandbox import make_sandbox

        self.spec = spec
        self.model, _ = spec.load_model()
        self.judge, _ = spec.load_judge()
        self.sandbox = make_sandbox(spec.sandbox)
        self.loop = asyncio.new_event_loop()  # one loop for the actor's life, so its model client is reused

    def solve(self, problem_json: dict, given: Optional[dict]) -> dict:
        problem = Problem.model_validate(problem_json)
        recorder = CallRecorder(self.model)
        return self.loop.run_until_complete(
            solve_record(self.spec.engine(recorder, self.sandbox, self.judge), recorder, problem, given))
