"""Where a batched test's CPU goes: one sandbox worker, many programs x 100 trivial tests.

Prints the CPU a test of the worker itself, of its test processes (the batch children and the
pre-forked, pre-confined standbys), and of this harness (judging included), from the kernel's own
accounting (``/proc``), so the machine's load changes it little. Compare two checkouts by running it
from each, alternated:

    .venv/bin/python benchmarks/batch_cpu.py [--programs 20]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from execution import code_for, load_average, workload  # noqa: E402

from sstar.judge import run_tests  # noqa: E402
from sstar.sandbox.local import LocalSandbox  # noqa: E402

TICK = 100  # clock ticks a second in /proc/PID/stat (USER_HZ)


def worker_ticks(worker) -> list[int]:
    """utime, stime, cutime, cstime of the worker process (under its bubblewrap launcher)."""
    launcher = worker.proc.pid
    children = Path(f"/proc/{launcher}/task/{launcher}/children").read_text().split()
    pid = int(children[0]) if children else launcher
    return [int(x) for x in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11:15]]


def harness_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=20, help="stdin programs, and as many functional ones")
    args = parser.parse_args()
    problems = workload(args.programs, 100)
    with LocalSandbox(workers=1) as sandbox:
        sandbox.warm_up(wait=True)
        for problem in problems[:2]:  # warm-up: one program of each kind
            run_tests(code_for(problem), problem, sandbox)
        worker = sandbox._idle.queue[0]
        ticks0, harness0, start = worker_ticks(worker), harness_cpu(), time.perf_counter()
        passed = sum(run_tests(code_for(p), p, sandbox).passed for p in problems)
        elapsed, harness = time.perf_counter() - start, harness_cpu() - harness0
        if sandbox._idle.queue[0] is not worker:
            raise SystemExit("the worker was replaced during the run: its figures would be wrong")
        ticks = [b - a for a, b in zip(ticks0, worker_ticks(worker))]
    tests = len(problems) * 100
    per_test = [t / TICK / tests * 1000 for t in ticks]
    print(f"{tests} tests ({passed} passed), one worker, load average {load_average()}")
    print(f"  CPU a test: worker {per_test[0] + per_test[1]:.3f} ms (user {per_test[0]:.3f}, system {per_test[1]:.3f}), "
          f"its test processes {per_test[2] + per_test[3]:.3f} ms (user {per_test[2]:.3f}, system {per_test[3]:.3f}), "
          f"harness {harness / tests * 1000:.3f} ms")
    print(f"  in all {sum(per_test) + harness / tests * 1000:.3f} ms a test; wall {elapsed / tests * 1000:.3f} ms a test")


if __name__ == "__main__":
    main()
