"""``sstar bench --ray``: the same batch on a Ray cluster.

Problems go to actors, each holding its own warm sandbox pool (sized to its node's cores) and its own
model client; model calls go to the configured endpoint from wherever the actor runs. The driver is the
only writer of ``results.jsonl``, so resume, dedup and scoring are exactly those of a local run, and
the records of a Ray run and a local run of the same configuration and seed are the same. A failed
node or a killed actor is restarted by Ray and its task retried; a problem that still fails is not
recorded and is retried on resume. Each actor keeps the completion cache of the run folder (correct on
one machine or a shared filesystem; on separate disks each node keeps its own).
"""

from __future__ import annotations

import logging
import os
from typing import Optional, Sequence

from ..backends import sandbox_for_workers
from ..problem import Problem
from .results import ResultsLog

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


def run_on_ray(bench, todo: Sequence[Problem], results: ResultsLog, progress, on_progress) -> None:
    from .bench import account

    ray = _ray()
    connect(bench.ray)
    model_spec = bench.model if bench.model is not None and not isinstance(bench.model, str) else None
    cache = str(bench.out / "completions.sqlite") if bench.cache else False
    config = bench.config.model_dump(mode="json")
    sandbox_name = sandbox_for_workers(bench.sandbox)  # never a silent "local" in place of the chosen one
    # No CPU reservation: an actor mostly waits on the model, and its sandbox pool (sized to its node's cores)
    # runs programs outside Ray's accounting; reserving one CPU each would leave actors unscheduled when
    # --concurrency exceeds the cluster's CPUs, and their problems waiting forever.
    Solver = ray.remote(max_restarts=RESTARTS, max_task_retries=RESTARTS, num_cpus=0)(_Solver)
    actors = [Solver.options(scheduling_strategy="SPREAD").remote(
        model_spec, bench.model if isinstance(bench.model, str) else None, bench.model_options, cache, config,
        sandbox_name) for _ in range(max(1, bench.concurrency))]
    pending = {}
    queue = list(todo)
    for actor in actors:
        if queue:
            problem = queue.pop(0)
            pending[actor.solve.remote(problem.model_dump(mode="json"))] = (actor, problem)
    while pending:
        done, _ = ray.wait(list(pending), num_returns=1)
        ref = done[0]
        actor, problem = pending.pop(ref)
        try:
            record: Optional[dict] = ray.get(ref)
        except Exception as exc:  # noqa: BLE001 - the task failed for good after Ray's retries
            log.error("%s failed on Ray: %s (it will be retried on resume)", problem.question_id, str(exc)[:300])
            record = None
        account(results, progress, record, on_progress)
        if queue:
            nxt = queue.pop(0)
            pending[actor.solve.remote(nxt.model_dump(mode="json"))] = (actor, nxt)
    for actor in actors:
        ray.kill(actor)


class _Solver:
    """A Ray actor: one sandbox pool, one model client, S* on one problem at a time."""

    def __init__(self, model, model_name, model_options, cache, config, sandbox_name) -> None:
        from ..models import load_model
        from ..pipeline import SStarConfig, SStar
        from ..pipeline.api import default_model_name
        from ..sandbox import make_sandbox

        self.model = model if model is not None else load_model(model_name or default_model_name(), cache=cache,
                                                                 **model_options)
        self.sandbox = make_sandbox(sandbox_name)
        self.engine = SStar(self.model, self.sandbox, SStarConfig(**config))

    def solve(self, problem_json: dict) -> dict:
        from ..problem import Problem
        from .bench import make_record

        problem = Problem.model_validate(problem_json)
        return make_record(problem, self.engine.solve(problem))
