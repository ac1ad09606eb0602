"""The hidden-behaviour reference for the selection benchmark, and timing of ``select --model none``.

The reference picks from the largest class of programs with identical outputs on the *hidden* tests
(ties among classes at random): what perfect inputs with no judge could reach. It is reported as an
expectation over the random tie-break, so it does not move with the seed.
"""

from __future__ import annotations

import time
from typing import Sequence

from sstar.judge import effective_limits
from sstar.pipeline.execution import run_matrix
from sstar.problem import Problem

REFERENCE = "hidden_reference"


def hidden_reference(problem: Problem, pool: Sequence[str], public_ok: Sequence[bool],
                     hidden_ok: Sequence[bool], sandbox) -> float:
    """Chance that a pick from the largest hidden-behaviour class (ties at random) is correct."""
    kept = [i for i, ok in enumerate(public_ok) if ok]
    inputs = [t.input for t in problem.private_test_cases]
    matrix = run_matrix([pool[i] for i in kept], problem, inputs, sandbox, effective_limits(problem))
    classes: dict[tuple, list[int]] = {}
    for row, index in zip(matrix, kept):
        classes.setdefault(tuple(o.signature for o in row), []).append(index)
    largest = max(len(c) for c in classes.values())
    tied = [c for c in classes.values() if len(c) == largest]
    return sum(bool(hidden_ok[c[0]]) for c in tied) / len(tied)


def timed(select, *args):
    """(result, seconds) of one selection call."""
    start = time.perf_counter()
    result = select(*args)
    return result, time.perf_counter() - start


def summarize(rows: list[dict], methods: Sequence[str]) -> dict:
    """Per source: accuracy of each method beside the reference, and ``select --model none``'s seconds per problem."""
    out = {}
    for source in sorted({r["source"] for r in rows}):
        subset = [r for r in rows if r["source"] == source]
        entry = {"problems": len(subset)}
        for method in list(methods) + [REFERENCE]:
            entry[method] = round(sum(float(r[method]) for r in subset) / len(subset), 3)
        entry["sstar_seconds_per_problem"] = round(sum(r["sstar_s"] for r in subset) / len(subset), 2)
        entry["sstar_seconds_max"] = max(r["sstar_s"] for r in subset)
        full = sorted(r["sstar_s"] for r in subset if r["pool"] == max(x["pool"] for x in rows))
        if full:  # pools of the largest size (--pool): the goal's "at most 5 s for a pool of 8"
            entry["sstar_seconds_full_pools"] = {"pools": len(full), "max": full[-1], "median": full[len(full) // 2]}
        entry["gap_to_reference"] = round(entry[REFERENCE] - entry["sstar"], 3)
        out[source] = entry
    return out
