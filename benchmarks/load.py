"""Load: many callers at once must not turn into false time limits.

1000 runs, 64 submitted at a time on this machine's cores, of a program that
burns 10% of its CPU time limit. The sandbox counts CPU time (not wall time)
and admits only as many runs as it has workers (one per core), so the count of
time_limit verdicts must be zero.

    .venv/bin/python benchmarks/load.py [--runs 1000 --concurrency 64 --time-limit 1.0]
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sstar.judge import grade  # noqa: E402
from sstar.problem import TestCase, TestType  # noqa: E402
from sstar.sandbox.local import LocalSandbox  # noqa: E402
from sstar.sandbox.protocol import ExecRequest, Limits  # noqa: E402

BUSY = """
import time
budget = float(input())
start = time.process_time()
x = 0
while time.process_time() - start < budget:
    x += 1
print("done")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--time-limit", type=float, default=1.0)
    parser.add_argument("--share", type=float, default=0.10, help="share of the time limit each run uses")
    args = parser.parse_args()
    limits = Limits(time_s=args.time_limit)
    test = TestCase(input=f"{args.time_limit * args.share}\n", output="done\n", testtype=TestType.STDIN)
    request = ExecRequest(code=BUSY, stdin=test.input, limits=limits)
    with LocalSandbox() as sandbox:
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            results = list(pool.map(lambda _: sandbox.run(request), range(args.runs)))
        elapsed = time.perf_counter() - start
        workers = sandbox.size
    verdicts = collections.Counter(grade(r, test, limits).verdict.value for r in results)
    cpu = [r.cpu_s for r in results]
    wall = [r.wall_s for r in results]
    print(f"{args.runs} runs, {args.concurrency} callers at once, {workers} workers; each uses "
          f"{args.share:.0%} of a {args.time_limit:g} s CPU limit")
    print(f"verdicts: {dict(verdicts)}")
    print(f"false time_limit verdicts: {verdicts.get('time_limit', 0)}")
    print(f"cpu per run: median {statistics.median(cpu):.3f} s, max {max(cpu):.3f} s; "
          f"wall per run: median {statistics.median(wall):.3f} s, max {max(wall):.3f} s; total {elapsed:.1f} s")
    sys.exit(0 if verdicts.get("time_limit", 0) == 0 and verdicts.get("accepted", 0) == args.runs else 1)


if __name__ == "__main__":
    main()
