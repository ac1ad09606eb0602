"""Constraints and facts in the styles real statements use."""

import pytest

from sstar.synthesis.constraints import Bound, parse_constraints
from sstar.synthesis.facts import parse_alphabets, parse_facts, parse_sums

CASES = [
    ("1 ≤ n, m ≤ 100", {("n", "val"): Bound(1, 100), ("m", "val"): Bound(1, 100)}),
    ("$1 \\le n \\le 2 \\cdot 10^5$", {("n", "val"): Bound(1, 200000)}),
    ("1 \\leq q \\leq 10^{18}", {("q", "val"): Bound(1, 10**18)}),
    ("2 ≤ a_i ≤ 2^{25} − 1", {("a", "elem"): Bound(2, 2**25 - 1)}),
    ("|s| ≤ 2·10^5", {("s", "len"): Bound(None, 200000), ("s", "val"): Bound(-200000, 200000)}),  # or |x|
    ("|a_i| ≤ 10^9", {("a", "len2"): Bound(None, 10**9), ("a", "elem"): Bound(-10**9, 10**9)}),
    ("1 ≤ k ≤ n ≤ 1000", {("k", "val"): Bound(1, ("n", "val")), ("n", "val"): Bound(1, 1000)}),
    ("1 <= nums.length <= 10^5", {("nums", "len"): Bound(1, 10**5)}),
    ("-10^9 <= nums[i] <= 10^9", {("nums", "elem"): Bound(-10**9, 10**9)}),
    ("1 <= k <= n", {("k", "val"): Bound(1, ("n", "val"))}),
    ("0 ≤ k ≤ n - 1", {("k", "val"): Bound(0, ("n", "val-1"))}),
    ("1 ≤ n ≤ 100 000", {("n", "val"): Bound(1, 100000)}),
    ("1 ≤ n ≤ 105, 1 ≤ a_i ≤ 109", {("n", "val"): Bound(1, 10**5), ("a", "elem"): Bound(1, 10**9)}),  # 10^5, 10^9 lost
    ("(1 ≤ n ≤ 2·105)", {("n", "val"): Bound(1, 2 * 10**5)}),
    ("1 ≤ a, b ≤ 109", {("a", "val"): Bound(1, 10**9), ("b", "val"): Bound(1, 10**9)}),  # the usual 10^9
    ("1 ≤ n ≤ 104 and nothing else", {("n", "val"): Bound(1, 104)}),  # alone, 104 may be just 104
    ("1 ≤ ai < bi ≤ n", {("a", "elem"): Bound(1, ("b", "elem-1")), ("b", "elem"): Bound(1, ("n", "val"))}),
    ("x ≥ 1 and k <= 10^9", {("x", "val"): Bound(1, None), ("k", "val"): Bound(None, 10**9)}),
    ("The first line contains a single integer n from the problem's statement (1 ≤ n ≤ 10000).",
     {("n", "val"): Bound(1, 10000)}),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:30] for c in CASES])
def test_constraint_styles(text, expected):
    assert parse_constraints(text) == expected


def test_equalities_name_one_quantity():
    bounds = parse_constraints("n == nums.length\n1 <= n <= 10^5")
    assert bounds[("nums", "len")] == Bound(("n", "val"), ("n", "val")) and bounds[("n", "val")] == Bound(1, 10**5)


def test_sums_alphabets_and_structure():
    text = ("The first line contains t (1 ≤ t ≤ 10^4). It is guaranteed that the sum of n over all test cases "
            "does not exceed 2·10^5. The string s consists only of lowercase Latin letters. "
            "The second string is a binary string. It is guaranteed that the given edges form a tree, "
            "and all a_i are distinct. The graph has no self-loops or multiple edges.")
    assert parse_sums(text) == {"n": 200000, "": 200000}
    alphabets = parse_alphabets(text)
    assert alphabets["s"] == "abcdefghijklmnopqrstuvwxyz" and "01" in alphabets.values()
    facts = parse_facts(text)
    assert facts.tree and facts.distinct and facts.simple_graph and not facts.unread
    assert parse_facts("It is guaranteed that the answer exists.").unread


def test_alphabet_styles():
    assert parse_alphabets("s consists of characters '0' and '1'.")["s"] == "01"
    assert parse_alphabets("Each line holds a word of uppercase English letters.")[""] == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_a_minus_sign_starting_the_next_line_is_not_a_subtraction():
    # "<= 3" then "-1 <= nums[i]" on the next line was read as "<= 3 - 1" and lost the lower bound.
    from sstar.synthesis.constraints import Bound, parse_constraints

    bounds = parse_constraints("1 <= nums.length <= 3\n-1 <= nums[i] <= -1\n")
    assert bounds[("nums", "len")] == Bound(1, 3) and bounds[("nums", "elem")] == Bound(-1, -1)
    assert parse_constraints("1 <= n <= 2^{31} - 1")[("n", "val")] == Bound(1, 2**31 - 1)
