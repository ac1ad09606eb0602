"""What LeetCode's ListNode / TreeNode handling costs a functional test (local sandbox, CPU time).

The same 400 tests (a list of N digits, reversed) run twice: once typed ``List[int]`` (a plain JSON
argument and result), once typed ``Optional[ListNode]`` (the wrapper of ``sstar/judge/structures.py``
builds N nodes before the call and serializes the returned list). The program's own work differs
(reversing links against reversing a list), so the difference is an upper bound on the wrapper's cost.

    .venv/bin/python benchmarks/structures.py [--nodes 1000] [--tests 400]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sstar.judge import run_tests  # noqa: E402
from sstar.problem import Problem, TestCase, TestType  # noqa: E402
from sstar.sandbox.local import LocalSandbox  # noqa: E402

PROGRAMS = {
    "List[int]": "class Solution:\n    def rev(self, head):\n        return head[::-1]\n",
    "Optional[ListNode]": ("class Solution:\n    def rev(self, head):\n        prev = None\n        while head:\n"
                           "            head.next, prev, head = prev, head, head.next\n        return prev\n"),
}


def problem(hint: str, values: list[list[int]]) -> Problem:
    return Problem(question_id="structures", starter_code=f"class Solution:\n    def rev(self, head: {hint}) -> {hint}:\n",
                   public_test_cases=tuple(TestCase(input=json.dumps(v), output=json.dumps(v[::-1]),
                                                    testtype=TestType.FUNCTIONAL) for v in values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--tests", type=int, default=400)
    args = parser.parse_args()
    rng = random.Random(0)
    values = [[rng.randint(0, 9) for _ in range(args.nodes)] for _ in range(args.tests)]
    with LocalSandbox(workers=2) as sandbox:
        for _ in range(2):  # the first round warms the workers up
            for hint, code in PROGRAMS.items():
                start = time.perf_counter()
                report = run_tests(code, problem(hint, values), sandbox)
                cpu = sum(t.cpu_s for t in report.tests) / len(report.tests)
                print(f"{hint:20} accepted={report.accepted} wall {time.perf_counter() - start:.2f} s, "
                      f"CPU per test {cpu * 1000:.2f} ms")


if __name__ == "__main__":
    main()
