"""Shrinking a distinguishing input, with a fake pair of programs (no sandbox)."""

import asyncio
import json

from sstar.pipeline.execution import Outcome
from sstar.pipeline.shrink import shrink_input, simpler

from .test_sstar import PROBLEM


def run_pair_of(a, b):
    """Two 'programs' as Python functions of the argument list; ``calls`` counts executions."""
    calls = []

    async def run_pair(text):
        calls.append(text)
        args = [json.loads(line) for line in text.split("\n")]
        out = []
        for f in (a, b):
            try:
                out.append(Outcome("ok", json.dumps(f(*args)), 0.0))
            except Exception:  # noqa: BLE001
                out.append(Outcome("runtime_error", "", 0.0))
        return out[0], out[1]

    return run_pair, calls


def good(nums):
    return max(nums)


def subtle(nums):
    return nums[1] if len(nums) == 3 else max(nums)


def shrink(text, a, b, steps=50):
    run_pair, calls = run_pair_of(a, b)
    out_a, out_b = asyncio.run(run_pair(text))
    return asyncio.run(shrink_input(PROBLEM, text, out_a, out_b, run_pair, steps)), calls


def test_shrinks_to_a_smaller_input_that_still_tells_the_pair_apart():
    (text, out_a, out_b), _ = shrink("[17, 3, 19]", good, subtle)
    nums = json.loads(text)
    assert len(nums) == 3 and max(nums) <= 19 and sum(abs(x) for x in nums) < 39
    assert out_a.output != out_b.output and out_a.ok and out_b.ok


def test_a_shrunk_input_keeps_the_same_kind_of_disagreement():
    def crashes_on_long(nums):
        if len(nums) > 3:
            raise ValueError
        return max(nums)

    (text, out_a, out_b), _ = shrink("[5, 6, 7, 8, 9, 10]", good, crashes_on_long)
    assert out_a.ok and out_b.status == "runtime_error" and len(json.loads(text)) == 4


def test_the_step_budget_is_kept_and_zero_means_no_shrinking():
    (text, _, _), calls = shrink("[17, 3, 19]", good, subtle, steps=0)
    assert text == "[17, 3, 19]" and len(calls) == 1  # only the first run, done by the test
    _, calls = shrink("[17, 3, 19, 4, 5, 6, 7]", good, lambda n: min(n), steps=5)
    assert len(calls) == 1 + 5


def test_stdin_inputs_are_not_edited():
    from sstar.problem import TestCase, TestType

    test = TestCase(input="3\n1 2 3\n", output="3\n", testtype=TestType.STDIN)
    stdin = PROBLEM.model_copy(update={"starter_code": "", "metadata": {}, "public_test_cases": (test,),
                                       "private_test_cases": (test,)})
    assert stdin.test_type is TestType.STDIN and simpler(stdin, "3\n1 2 3\n") == []
