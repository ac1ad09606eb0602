"""Random inputs come at a mix of scales: where a statement allows 1 <= a_i <= 10^9, some inputs still hold
small and repeated values (what wrong programs get wrong), others the full range -- never past a bound."""

import json

from sstar.problem import Problem, TestCase, TestType
from sstar.synthesis import InputKind, synthesize
from sstar.synthesis.draw import window

from .test_properties import stdin_problem

WIDE = ("Input\n\nThe first line contains n (1 ≤ n ≤ 2·10^5). The second line contains n integers a_1, …, a_n "
        "(1 ≤ a_i ≤ 10^9).\n\nOutput\n\nPrint the answer.")


def random_stdin(text: str, samples: list[str], seed: int = 0, count: int = 40) -> list[list[int]]:
    made, notes = synthesize(stdin_problem(text, samples), count, seed, max_chars=50_000)
    randoms = [g for g in made if g.kind is InputKind.RANDOM]
    assert randoms and all(g.checked for g in randoms), notes
    return [[int(v) for v in g.text.split("\n")[1].split()] for g in randoms]


def test_window_stays_in_range_and_widens_for_distinct_values():
    assert window(1, 10**9, "tiny") == (1, 10)
    assert window(1, 10**9, "small") == (1, 100)
    assert window(1, 10**9, "full") == (1, 10**9)
    assert window(-10**9, 10**9, "tiny") == (-5, 4)  # around 0 where the range holds it
    assert window(5, 9, "tiny") == (5, 9)  # narrower than the window: the whole range
    assert window(1, 10**9, "tiny", need=500) == (1, 500)  # 500 distinct values need 500 of room
    assert window(-20, -1, "tiny") == (-20, -11)
    assert window(10**9 - 3, 10**9, "small") == (10**9 - 3, 10**9)


def test_stdin_random_inputs_mix_small_repeated_and_full_range_values():
    rows = random_stdin(WIDE, ["3\n5 1 7\n"])
    assert all(1 <= len(a) <= 2 * 10**5 and all(1 <= v <= 10**9 for v in a) for a in rows)
    assert any(len(a) >= 3 and max(a) <= 10 and len(set(a)) < len(a) for a in rows)  # tiny: repeats, ties
    assert any(max(a) > 10**6 for a in rows)  # full range still drawn
    assert any(len(a) <= 6 for a in rows)  # tiny counts
    assert random_stdin(WIDE, ["3\n5 1 7\n"]) == rows  # seeded


def test_stdin_distinct_values_widen_the_window_rather_than_repeat():
    text = ("Input\n\nThe first line contains n (1 ≤ n ≤ 100). The second line contains n distinct integers "
            "a_1, …, a_n (1 ≤ a_i ≤ 10^9).\n\nOutput\n\nPrint the answer.")
    rows = random_stdin(text, ["3\n5 1 7\n"], count=60)
    assert all(len(set(a)) == len(a) and all(1 <= v <= 10**9 for v in a) for a in rows)
    assert any(len(a) >= 5 and max(a) <= 100 for a in rows)  # small values, still distinct


def test_stdin_permutations_stay_permutations_at_every_scale():
    text = ("Input\n\nThe first line contains n (1 ≤ n ≤ 2·10^5). The second line contains a permutation "
            "p_1, …, p_n of 1..n (1 ≤ p_i ≤ n).\n\nOutput\n\nPrint the answer.")
    rows = random_stdin(text, ["3\n2 3 1\n", "1\n1\n"])
    assert all(sorted(p) == list(range(1, len(p) + 1)) for p in rows)


def test_functional_random_inputs_mix_scales_within_bounds():
    text = "Constraints:\n\n1 <= nums.length <= 10^5\n1 <= nums[i] <= 10^9\n1 <= k <= 10^9\n"
    problem = Problem(question_id="f", question_title="f", question_content=text, func_name="solve",
                      starter_code="class Solution:\n    def solve(self, nums: List[int], k: int) -> int:\n        ",
                      public_test_cases=(TestCase(input="[5, 9]\n3", output="0", testtype=TestType.FUNCTIONAL),))
    # one random input per seed: the seeded uniform draw, not Hypothesis (which favours small values anyway)
    made = [g for seed in range(30) for g in synthesize(problem, 1, seed, max_chars=80_000)[0]]
    randoms = [[json.loads(line) for line in g.text.split("\n")] for g in made if g.kind is InputKind.RANDOM]
    assert len(randoms) >= 25 and all(g.checked for g in made)
    assert all(1 <= len(nums) <= 10**5 and all(1 <= x <= 10**9 for x in nums) and 1 <= k <= 10**9
               for nums, k in randoms)
    assert any(len(nums) >= 3 and max(nums) <= 10 and len(set(nums)) < len(nums) for nums, _ in randoms)
    assert any(max(nums) > 10**6 for nums, _ in randoms)
    assert synthesize(problem, 40, seed=3)[0] == synthesize(problem, 40, seed=3)[0]  # seeded


def test_functional_distinct_values_stay_distinct_at_small_scales():
    text = ("Constraints:\n\n1 <= nums.length <= 100\n1 <= nums[i] <= 10^9\nAll the values of nums are unique.\n")
    problem = Problem(question_id="f", question_title="f", question_content=text, func_name="solve",
                      starter_code="class Solution:\n    def solve(self, nums: List[int]) -> int:\n        ",
                      public_test_cases=(TestCase(input="[5, 9, 2]", output="0", testtype=TestType.FUNCTIONAL),))
    made, notes = synthesize(problem, 40, seed=5, max_chars=80_000)
    randoms = [json.loads(g.text) for g in made if g.kind is InputKind.RANDOM]
    assert randoms and all(g.checked for g in made if g.kind is InputKind.RANDOM), notes
    assert all(len(set(nums)) == len(nums) and all(1 <= x <= 10**9 for x in nums) for nums in randoms)
    assert any(len(nums) >= 3 and max(nums) <= 100 for nums in randoms)
