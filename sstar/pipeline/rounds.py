"""One round of synthesized inputs, each candidate stopping at its time limits.

A program that loops forever pays the whole time limit on every input of a batch, and batches of a
round run in parallel: one looping candidate among eight made a round of eight inputs cost 16 s while
the others were done in milliseconds. Here each candidate's inputs go through
``Sandbox.run_program(stop_after_failure=True)``, so its batch ends at its first failure; after a
crash it goes on from the next input (a crash costs little; after two, the rest of its round runs
without stopping, so a program crashing on every input is not restarted a hundred times). After a time
limit it waits for the others: if most candidates that ran that input answered it, one of them within
a quarter of the limit, it has lost by execution (what the pair rule ``time_limit`` decides later) and
its remaining inputs are skipped for good; otherwise it goes on until ``time_limits_left`` is spent.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Optional, Sequence

from ..problem import Problem
from ..sandbox.protocol import Limits, Sandbox

CRASH_RESTARTS = 2


@dataclass
class RoundRow:
    outcomes: list = field(default_factory=list)  # Outcome per input of the round
    lost: bool = False  # lost by a time limit where others answered fast: run no further


def run_round(sandbox: Sandbox, codes: Sequence[str], problem: Problem, texts: Sequence[str], limits: Limits,
              time_limits_left: Sequence[int], deadline: Optional[float] = None) -> list[RoundRow]:
    """Each candidate on ``texts`` (outcomes in order, ``skipped`` where it was not run). Past ``deadline``
    (``time.monotonic()``), no candidate goes on after a time limit, and every row is cut to the inputs
    all of them ran (the caller's matrix ends there): inputs every candidate loops on cost a time limit
    per candidate each, so a round of them could take many times the budget."""
    from .execution import Outcome, Status, _outcome, request

    rows = [RoundRow() for _ in codes]
    left = list(time_limits_left)
    waiting = list(range(len(codes)))
    cut = len(texts)

    def until_time_limit(c: int) -> None:
        crashes, row = 0, rows[c]
        while len(row.outcomes) < len(texts):
            rest = [request(codes[c], problem, t, limits) for t in texts[len(row.outcomes):]]
            got = [_outcome(r, problem, limits) for r in sandbox.run_program(rest, crashes < CRASH_RESTARTS)]
            row.outcomes += got or [Outcome(Status.INFRA_ERROR, "", 0.0)]
            if row.outcomes[-1].status is Status.TIME_LIMIT:
                return
            crashes += not row.outcomes[-1].ok

    while waiting:
        if len(waiting) == 1:
            until_time_limit(waiting[0])
        else:
            with ThreadPoolExecutor(max_workers=len(waiting)) as pool:
                list(pool.map(until_time_limit, waiting))
        still, late = [], deadline is not None and time.monotonic() > deadline
        for c in waiting:
            row = rows[c]
            if len(row.outcomes) >= len(texts):
                continue
            k = len(row.outcomes) - 1  # it stopped at a time limit on input k
            left[c] -= 1
            ran = [rows[o].outcomes[k] for o in range(len(codes)) if o != c and len(rows[o].outcomes) > k]
            answered = [o for o in ran if o.ok]
            row.lost = bool(answered) and 2 * len(answered) > len(ran) and \
                min(o.cpu_s for o in answered) <= limits.time_s / 4
            if row.lost or left[c] <= 0:
                row.outcomes += [Outcome(Status.SKIPPED, "", 0.0)] * (len(texts) - len(row.outcomes))
            elif late:
                cut = min(cut, len(row.outcomes))
            else:
                still.append(c)
        waiting = still
    if cut < len(texts):
        for row in rows:
            del row.outcomes[cut:]
    return rows
