"""LiveCodeBench's own grader, as the benchmarks call it (``execution.py``, ``score_speed.py``).

``evaluate_generations`` -> ``check_correctness`` -> ``run_test`` from ``testing_util``, as vendored by
the PyPI package ``nvidia-livecodebench`` (installed by ``make bench``'s set-up with ``--no-deps``).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from dataclasses import dataclass
from typing import Optional, Sequence


@dataclass(frozen=True)
class Graded:
    seconds: float
    cpu_s: float  # this process and every process it reaped (the grader's pool)
    verdicts: list[list]  # per program: one entry per test (True, False, or a negative error code)

    def tests_passed(self) -> int:
        return sum(1 for per in self.verdicts for v in per if v is True)

    def programs_passed(self) -> int:
        return sum(1 for per in self.verdicts if all(v is True for v in per))


def sample(inputs: Sequence[str], outputs: Sequence[str], fn_name: Optional[str] = None) -> dict:
    """One problem as the grader reads it (its ``input_output`` field; ``fn_name``: a LeetCode-style call)."""
    spec = {"inputs": list(inputs), "outputs": list(outputs)}
    if fn_name:
        spec["fn_name"] = fn_name
    return {"input_output": json.dumps(spec)}


def evaluate(samples: list[dict], programs: list[str], processes: int, label: str = "LiveCodeBench's grader",
             timeout: int = 6) -> Optional[Graded]:
    """Each program graded on its sample by ``evaluate_generations`` with ``processes`` processes (its import
    is not timed); None, with a message on stderr, when the grader is not installed."""
    os.environ["TQDM_DISABLE"] = "1"  # its progress bar: read when tqdm is imported, so set before
    try:
        from livecodebench.evaluation.compute_code_generation_metrics import evaluate_generations
    except ImportError as exc:
        print(f"{label} skipped: LiveCodeBench's grader is not importable ({exc}); "
              "pip install --no-deps nvidia-livecodebench numpy tqdm", file=sys.stderr)
        return None
    cpu0, start = _cpu(), time.perf_counter()
    results, _ = evaluate_generations(samples, [[code] for code in programs], num_process_evaluate=processes,
                                      timeout=timeout)
    elapsed, cpu = time.perf_counter() - start, _cpu() - cpu0
    return Graded(elapsed, cpu, [results[i][0] for i in range(len(programs))])


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
