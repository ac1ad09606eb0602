"""Shrinking a distinguishing input, with a fake pair of programs (no sandbox)."""

import asyncio
import json

import pytest

from sstar.pipeline.execution import Outcome
from sstar.pipeline.shrink import MAX_CANDIDATES, shrink_input, simpler

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


def _tree(depth):
    return [1000 + depth] if depth == 0 else [_tree(depth - 1) for _ in range(4)]


def test_small_inputs_get_every_candidate_shortest_first():
    text = json.dumps([[17, [3, 4]], "abc", 19])
    every = simpler(PROBLEM, text, limit=10**9)
    assert simpler(PROBLEM, text) == every and len(every) > 20
    assert [len(c) for c in every] == sorted(len(c) for c in every)


@pytest.mark.timeout(20)
def test_a_large_nested_input_shrinks_in_bounded_time():
    # Every candidate used to be built up front, each a full re-encoding, and again after each
    # improvement: 6828 for a 15 kB input (6 s), a 60 kB one did not finish in 90 s.
    text = json.dumps(_tree(7))  # 4^7 leaves, 190 kB (inputs are kept up to 200 kB)
    candidates = simpler(PROBLEM, text)
    assert 0 < len(candidates) <= MAX_CANDIDATES
    assert candidates[0] == json.dumps(_tree(7)[:2])  # the halvings are still tried first
    (small, out_a, out_b), calls = shrink(text, lambda t: 1, lambda t: len(json.dumps(t)) > 5, steps=24)
    assert len(calls) <= 25 and len(small) < len(text) // 100 and out_a.output != out_b.output
