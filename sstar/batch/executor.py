"""The local executor: problems solved concurrently here, sharing one model client and one sandbox pool.

An executor takes the resolved :class:`RunSpec` and the work (each problem, with the earlier run's record
when only selection is redone) and hands every results line to ``emit`` as soon as it exists; the caller
alone writes them; ``stop`` says when to start no more (an outage). ``ray_runner.run_on_ray`` is the other
executor, with the same signature.
"""

from __future__ import annotations

import asyncio
from typing import Callable, Optional, Sequence

from ..problem import Problem
from .solving import CallRecorder, RunSpec, solve_record

Work = Sequence[tuple[Problem, Optional[dict]]]
Emit = Callable[[dict], None]
Stop = Callable[[], bool]


def run_local(spec: RunSpec, work: Work, emit: Emit, concurrency: int, model, sandbox,
              stop: Stop = lambda: False, judge=None) -> None:
    async def all_of_it() -> None:
        gate = asyncio.Semaphore(concurrency)

        async def one(problem: Problem, given: Optional[dict]) -> None:
            async with gate:
                if stop():  # an outage: leave the rest for the resume
                    return
                recorder = CallRecorder(model)
                emit(await solve_record(spec.engine(recorder, sandbox, judge), recorder, problem, given))

        await asyncio.gather(*(one(p, g) for p, g in work))
        # The model's client belongs to this loop: close it before the loop ends (a cache wrapper forwards).
        for client in (model, judge):
            close = getattr(client, "aclose", None) or getattr(getattr(client, "inner", None), "aclose", None)
            if close is not None:
                await close()

    asyncio.run(all_of_it())
