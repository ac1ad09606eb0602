"""Functional problems with structured arguments: trees as edge lists, permutations, distinct and
sorted values, LeetCode's ListNode / TreeNode list encodings -- built valid by construction."""

import json
import random

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sstar.problem import Problem, TestCase, TestType
from sstar.synthesis import synthesize
from sstar.synthesis.structures import level_order, read_shapes, tree_edges


def functional(text: str, signature: str, sample: str) -> Problem:
    return Problem(question_id="f", question_title="f", question_content=text, func_name="solve",
                   starter_code=f"class Solution:\n    def solve(self, {signature}):\n        ",
                   public_test_cases=(TestCase(input=sample, output="0", testtype=TestType.FUNCTIONAL),))


def checked_args(problem: Problem, count: int = 12, seed: int = 0) -> list[list]:
    made, notes = synthesize(problem, count, seed)
    good = [[json.loads(line) for line in g.text.split("\n")] for g in made if g.checked]
    assert good, notes
    return good


def is_tree(n: int, edges: list[list[int]], base: int) -> bool:
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u, v in (e[:2] for e in edges):
        if not (base <= u < base + n and base <= v < base + n) or root(u - base) == root(v - base):
            return False
        parent[root(u - base)] = root(v - base)
    return len(edges) == n - 1


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(n_hi=st.integers(2, 10**5), base=st.integers(0, 1), seed=st.integers(0, 10**6))
def test_edges_of_a_tree_with_n_argument_are_a_tree(n_hi, base, seed):
    # "n <= 105" is read as 10^5, its superscript lost in scraping (see test_properties' SPANS): not this test's
    assume(not 100 < n_hi < 1100)
    text = (f"There is an undirected tree with n nodes labeled from {base} to n - {1 - base}.\n\nConstraints:\n\n"
            f" * 2 <= n <= {n_hi}\n * edges.length == n - 1\n * edges[i].length == 2\n"
            f" * {base} <= ui, vi <= n - {1 - base}\n * The input is generated such that edges represent a valid tree.")
    sample = f"3\n[[{base}, {base + 1}], [{base + 1}, {base + 2}]]"
    for n, edges in checked_args(functional(text, "n: int, edges: List[List[int]]", sample), seed=seed):
        assert 2 <= n <= n_hi and is_tree(n, edges, base)


def test_tree_whose_size_is_another_arguments_length():
    # "n == coins.length" where n is no argument; the tree is only named in the body, weights kept
    text = ("There exists an undirected tree rooted at node 0 with n nodes labeled from 0 to n - 1. You are given "
            "edges[i] = [ai, bi, wi].\n\nConstraints:\n\n * n == coins.length\n * 2 <= n <= 10^5\n"
            " * 0 <= coins[i] <= 10^4\n * edges.length == n - 1\n * 0 <= edges[i][0], edges[i][1] < n\n"
            " * 1 <= wi <= 10^6\n * 0 <= k <= 10^4")
    sample = "[[0, 1, 5], [1, 2, 7]]\n[10, 10, 3]\n5"
    args = checked_args(functional(text, "edges: List[List[int]], coins: List[int], k: int", sample))
    assert max(len(coins) for _, coins, _ in args) > 100  # a large size is among them
    for edges, coins, k in args:
        assert 2 <= len(coins) <= 10**5 and is_tree(len(coins), edges, 0)
        assert all(len(e) == 3 for e in edges) and all(0 <= c <= 10**4 for c in coins)


def test_permutation_distinct_and_sorted_arguments():
    text = ("Constraints:\n\n * 1 <= n == nums.length <= 50\n * 1 <= nums[i] <= n\n * nums is a permutation.\n"
            " * 1 <= vals.length <= 100\n * 1 <= vals[i] <= 120\n * vals contains distinct integers.\n"
            " * 1 <= arr.length <= 100\n * -10^9 <= arr[i] <= 10^9\n * arr is sorted in non-decreasing order.")
    problem = functional(text, "nums: List[int], vals: List[int], arr: List[int]", "[2, 1, 3]\n[5, 1]\n[1, 1, 4]")
    args = checked_args(problem, count=20)
    assert max(len(vals) for _, vals, _ in args) == 100
    for nums, vals, arr in args:
        assert sorted(nums) == list(range(1, len(nums) + 1))
        assert len(set(vals)) == len(vals) and all(1 <= v <= 120 for v in vals)
        assert arr == sorted(arr) and all(-10**9 <= v <= 10**9 for v in arr)


def test_distinct_in_the_body_only_is_no_guarantee_on_the_input():
    # "distinct" describing what to count, not the input: inputs with repeats are fine and checked
    text = ("Return the number of distinct values in every subarray.\n\nConstraints:\n\n"
            " * 1 <= nums.length <= 100\n * 1 <= nums[i] <= 3")
    args = checked_args(functional(text, "nums: List[int]", "[1, 1, 2]"), count=10)
    assert any(len(set(nums)) < len(nums) for (nums,) in args)


def test_a_structure_we_cannot_attach_unmarks_the_inputs():
    text = ("Constraints:\n\n * 1 <= nums.length <= 100\n * 1 <= nums[i] <= 100\n"
            " * The input is generated such that you can collect elements 1, 2, ..., k.\n * 1 <= k <= nums.length")
    made, notes = synthesize(functional(text, "nums: List[int], k: int", "[3, 1, 2]\n2"), 6, 0)
    assert made and not any(g.checked for g in made)
    assert any("not attached" in note for note in notes)


def test_linked_list_and_binary_tree_arguments_use_leetcode_list_encodings():
    text = ("Constraints:\n\n * The number of nodes in the tree is in the range [1, 10^4].\n"
            " * -100 <= Node.val <= 100\n * 1 <= k <= 10")
    problem = functional(text, "root: Optional[TreeNode], k: int", "[3, 1, 4, null, 2]\n1")
    args = checked_args(problem, count=10)
    assert max(sum(v is not None for v in root) for root, _ in args) > 100
    for root, k in args:
        values = [v for v in root if v is not None]
        assert 1 <= len(values) <= 10**4 and all(-100 <= v <= 100 for v in values) and 1 <= k <= 10
        assert root[0] is not None and root[-1] is not None
        assert decodes_to_a_tree(root)
    text = "Constraints:\n\n * The number of nodes in the list is in the range [1, 10^4].\n * 0 <= Node.val <= 9"
    for (head,) in checked_args(functional(text, "head: Optional[ListNode]", "[1, 8, 9]"), count=6):
        assert 1 <= len(head) <= 10**4 and all(isinstance(v, int) and 0 <= v <= 9 for v in head)


def decodes_to_a_tree(encoded: list) -> bool:
    """LeetCode's decoder: each non-null node takes the next two entries as its children."""
    nodes, i = [encoded[0]], 1
    for _ in nodes:
        for _side in range(2):
            if i < len(encoded):
                if encoded[i] is not None:
                    nodes.append(encoded[i])
                i += 1
    return i >= len(encoded) and len(nodes) == sum(v is not None for v in encoded)


def test_builders_directly():
    rng = random.Random(3)
    for n in (1, 2, 7, 500):
        assert is_tree(n, tree_edges(n, 1, rng), 1)
        encoded = level_order(list(range(n)), rng)
        assert decodes_to_a_tree(encoded) and sorted(v for v in encoded if v is not None) == list(range(n))
    shapes = read_shapes("Constraints:\n * nums is sorted in strictly increasing order.",
                         {"nums": "List[int]"}, {"nums": 1})
    assert shapes.sorted == {"nums"} and shapes.distinct == {"nums"}


def stdin_problem(text: str, sample: str) -> Problem:
    return Problem(question_id="s", question_title="s", question_content=text,
                   public_test_cases=(TestCase(input=sample, output="0", testtype=TestType.STDIN),))


def test_stdin_sizes_drawn_per_row_stay_within_the_input_budget():
    # a grid h x w with both up to 10^4 and rows of k values each, k up to 10^5: the maximum-size
    # input must not be 10^8 characters (nor take minutes to draw)
    grid = stdin_problem("Input\nThe first line has h and w (1 ≤ h, w ≤ 10^4). Then h lines of w characters, "
                         "each '.' or '#'.\nOutput\n", "2 3\n.#.\n##.\n")
    rows = stdin_problem("Input\nThe first line has n (1 ≤ n ≤ 10^5). Each of the next n lines starts with k "
                         "(1 ≤ k ≤ 10^5) followed by k integers a_j (1 ≤ a_j ≤ 10^9).\nOutput\n",
                         "2\n2 5 7\n1 3\n")
    for problem in (grid, rows):
        made, _ = synthesize(problem, 10, 0, max_chars=100_000)
        assert made and all(len(g.text) <= 100_000 for g in made)
        assert max(len(g.text) for g in made) > 10_000  # still a large input


def test_distinct_values_from_a_range_far_wider_than_the_count():
    from sstar.synthesis.draw import distinct_ints

    rng = random.Random(0)
    for lo, hi, n in ((1, 10**9, 200_000), (1, 10, 10), (-5, 5, 3), (0, 2**40, 1000)):
        values = distinct_ints(rng, lo, hi, n)
        assert len(values) == n == len(set(values)) and all(lo <= v <= hi for v in values)


def test_synthesized_list_and_tree_inputs_run_as_nodes_and_come_back_as_lists(sandbox):
    from sstar.pipeline.execution import Status, run_matrix
    from sstar.sandbox.protocol import Limits

    text = ("Constraints:\n\n * The number of nodes in the tree is in the range [1, 2000].\n"
            " * -100 <= Node.val <= 100")
    problem = functional(text, "root: Optional[TreeNode]", "[3, 1, 4, null, 2]")
    problem = problem.model_copy(update={"starter_code": problem.starter_code.replace("):", ") -> Optional[TreeNode]:")})
    made, _ = synthesize(problem, 20, 0)
    inputs = [g.text for g in made if g.checked]
    # Mirror image: a correct program; the other one links the root under itself (a cycle).
    mirror = ("class Solution:\n    def solve(self, root):\n        if root:\n"
              "            root.left, root.right = self.solve(root.right), self.solve(root.left)\n        return root\n")
    cycle = "class Solution:\n    def solve(self, root):\n        root.right = root\n        return root\n"
    good, bad = run_matrix([mirror, cycle], problem, inputs, sandbox, Limits())
    assert len(inputs) >= 10 and all(o.status is Status.OK for o in good), [o.status for o in good]
    for text, outcome in zip(inputs, good):
        assert json.loads(outcome.output) == mirrored(json.loads(text))
    assert all(o.status is Status.RUNTIME_ERROR for o in bad)


def mirrored(encoded: list) -> list:
    """LeetCode's level-order encoding of the mirror image of the tree ``encoded`` encodes (a reference
    written independently of the sandbox's wrapper: nested tuples, recursion)."""
    nodes, i, queue = {0: [encoded[0], None, None]}, 1, [0]
    for node in queue:
        for side in (1, 2):
            if i < len(encoded) and encoded[i] is not None:
                nodes[i] = [encoded[i], None, None]
                nodes[node][side] = i
                queue.append(i)
            i += 1
    out, level = [], [0]
    while any(n is not None for n in level):
        out += [None if n is None else nodes[n][0] for n in level]
        level = [c for n in level if n is not None for c in (nodes[n][2], nodes[n][1])]
    while out and out[-1] is None:
        out.pop()
    return out


def test_numbers_without_leading_zeros_as_digit_lists_and_strings():
    text = ("Constraints:\n\n * The number of nodes in the list is in the range [1, 104]\n * 0 <= Node.val <= 9\n"
            " * The input is generated such that the list represents a number that does not have leading zeros, "
            "except the number 0 itself.")
    heads = [head for (head,) in checked_args(functional(text, "head: Optional[ListNode]", "[1, 8, 9]"), count=40)]
    assert max(map(len, heads)) > 1000  # "[1, 104]": 10^4 nodes, the superscript lost in scraping
    assert all(len(h) == 1 or h[0] != 0 for h in heads) and [0] in heads  # a lone 0 is the number 0
    text = "Constraints:\n\n * 1 <= num.length <= 100\n * num only consists of digits '0'-'9'.\n" \
           " * num does not contain any leading zeros."
    nums = [num for (num,) in checked_args(functional(text, "num: str", '"2245047"'), count=40)]
    assert all(len(n) == 1 or n[0] != "0" for n in nums) and any("0" in n[1:] for n in nums)
    text = "Constraints:\n\n * 1 <= s.length <= 15\n * s[i] is either '0' or '1'.\n * The answer can have leading zeros."
    assert any(s[0] == "0" and len(s) > 1 for (s,) in checked_args(functional(text, "s: str", '"1011"'), count=40))
