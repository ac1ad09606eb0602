"""LeetCode's ListNode / TreeNode arguments and results, end to end through the real sandbox."""

from __future__ import annotations

import textwrap

import pytest

from sstar.judge import Verdict, run_tests
from sstar.judge.structures import NodeKinds, kind_of, node_kinds, with_structures
from sstar.problem import Problem, TestCase, TestType
from sstar.sandbox.protocol import ExecRequest, Limits, Mode

LIST_STARTER = ("# class ListNode:\n#     def __init__(self, val=0, next=None):\n#         ...\nclass Solution:\n"
                "    def reverseList(self, head: Optional[ListNode]) -> Optional[ListNode]:\n        ")
TREE_STARTER = "class Solution:\n    def invertTree(self, root: Optional[TreeNode]) -> Optional[TreeNode]:\n"


def problem(starter: str, *cases: tuple[str, str]) -> Problem:
    return Problem(question_id="structures", starter_code=starter, public_test_cases=tuple(
        TestCase(input=i, output=o, testtype=TestType.FUNCTIONAL) for i, o in cases))


REVERSE = problem(LIST_STARTER, ("[1,2,3,4,5]", "[5,4,3,2,1]"), ("[]", "[]"), ("[7]", "[7]"))


def verdicts(code: str, prob: Problem, sandbox) -> list[tuple[Verdict, str]]:
    return [(t.verdict, t.message) for t in run_tests(code, prob, sandbox).tests]


def test_annotations_name_the_structures():
    assert kind_of("Optional[ListNode]") == "list" and kind_of("TreeNode") == "tree"
    assert kind_of("List[Optional[ListNode]]") == "list[]" and kind_of("typing.List[TreeNode]") == "tree[]"
    assert kind_of("List[int]") == "" and kind_of("") == ""
    assert node_kinds(LIST_STARTER, "reverseList") == NodeKinds(("list",), "list")
    kinds = node_kinds("class Solution:\n    def f(self, k: int, lists: List[Optional[ListNode]]) -> int:\n", "f")
    assert kinds == NodeKinds(("", "list[]"), "") and kinds
    assert not node_kinds("class Solution:\n    def f(self, nums: List[int]) -> int:\n", "f")
    assert with_structures("x = 1", "f", NodeKinds(("",), "")) == "x = 1"


def test_in_place_reversal_without_defining_listnode_is_accepted(sandbox):
    code = ("class Solution:\n    def reverseList(self, head: Optional[ListNode]) -> Optional[ListNode]:\n"
            "        prev = None\n        while head:\n            head.next, prev, head = prev, head, head.next\n"
            "        return prev\n")
    assert verdicts(code, REVERSE, sandbox) == [(Verdict.ACCEPTED, "")] * 3


def test_recursive_calls_see_real_nodes_and_old_style_classes_work(sandbox):
    code = ("class ListNode:\n    def __init__(self, x):\n        self.val = x\n        self.next = None\n"
            "class Solution:\n    def reverseList(self, head):\n"
            "        if head is None or head.next is None:\n            return head\n"
            "        new = self.reverseList(head.next)\n        head.next.next = head\n        head.next = None\n"
            "        return new\n")
    assert verdicts(code, REVERSE, sandbox) == [(Verdict.ACCEPTED, "")] * 3


@pytest.mark.parametrize("body, expected", [
    ("return head", [Verdict.WRONG_ANSWER, Verdict.ACCEPTED, Verdict.ACCEPTED]),  # unchanged input, read back
    ("return None", [Verdict.WRONG_ANSWER, Verdict.ACCEPTED, Verdict.WRONG_ANSWER]),  # None is the empty list
    ("if head: head.val = 9\n        return head", [Verdict.WRONG_ANSWER, Verdict.ACCEPTED, Verdict.WRONG_ANSWER]),
    ("return [5, 4, 3, 2, 1]", [Verdict.ACCEPTED, Verdict.WRONG_ANSWER, Verdict.WRONG_ANSWER]),
])
def test_what_the_program_returns_is_what_is_compared(sandbox, body, expected):
    code = f"class Solution:\n    def reverseList(self, head):\n        {body}\n"
    assert [v for v, _ in verdicts(code, REVERSE, sandbox)] == expected


def test_a_returned_cycle_is_a_runtime_error_that_says_so(sandbox):
    code = ("class Solution:\n    def reverseList(self, head):\n        node = head\n"
            "        while node and node.next:\n            node = node.next\n"
            "        if node:\n            node.next = head\n        return head\n")
    results = verdicts(code, REVERSE, sandbox)
    assert results[0][0] is Verdict.RUNTIME_ERROR and "cycle" in results[0][1]
    assert results[1][0] is Verdict.ACCEPTED


def test_an_endless_list_stops_at_the_node_limit(sandbox):
    endless = ("class Endless:\n    val = 1\n    @property\n    def next(self):\n        return Endless()\n"
               "class Solution:\n    def reverseList(self, head):\n        return Endless()\n")
    test = TestCase(input="[1]", output="[1]", testtype=TestType.FUNCTIONAL)
    code = with_structures(endless, "reverseList", NodeKinds(("list",), "list"), max_nodes=1000)
    result = sandbox.run(ExecRequest(code=code, mode=Mode.FUNCTIONAL, args=test.arguments(),
                                     func_name="reverseList", limits=Limits()))
    assert result.exit_code == 1 and "more than 1000 nodes" in result.stderr


def test_trees_in_level_order_with_trailing_nulls_trimmed(sandbox):
    invert = problem(TREE_STARTER, ("[4,2,7,1,3,6,9]", "[4,7,2,9,6,3,1]"), ("[2,1]", "[2,null,1]"),
                     ("[]", "[]"), ("[1,null,2,null,3]", "[1,2,null,3]"))
    code = ("class Solution:\n    def invertTree(self, root: Optional[TreeNode]) -> Optional[TreeNode]:\n"
            "        if root:\n            root.left, root.right = self.invertTree(root.right), self.invertTree(root.left)\n"
            "        return root\n")
    assert verdicts(code, invert, sandbox) == [(Verdict.ACCEPTED, "")] * 4
    # A subtree hung under two parents prints twice, as LeetCode prints it ([2,1] -> [2,1,1]) -- memoized
    # solutions share subtrees -- while a node that is its own descendant is a cycle.
    shared = ("class Solution:\n    def invertTree(self, root):\n        if root:\n            root.right = root.left\n"
              "        return root\n")
    results = run_tests(shared, invert, sandbox).tests
    assert results[1].verdict is Verdict.WRONG_ANSWER and results[1].output == "[2, 1, 1]"
    cycle = "class Solution:\n    def invertTree(self, root):\n        if root:\n            root.left = root\n        return root\n"
    results = verdicts(cycle, invert, sandbox)
    assert results[1][0] is Verdict.RUNTIME_ERROR and "cycle" in results[1][1] and results[2][0] is Verdict.ACCEPTED


def test_a_shared_subtree_that_unfolds_past_the_limit_stops(sandbox):
    # 30 levels of one node hung twice under the next: 31 nodes, 2^31 once unfolded.
    code = ("class Solution:\n    def invertTree(self, root):\n        node = TreeNode(0)\n"
            "        for _ in range(30):\n            node = TreeNode(0, node, node)\n        return node\n")
    wrapped = with_structures(code, "invertTree", NodeKinds(("tree",), "tree"), max_nodes=10_000)
    result = sandbox.run(ExecRequest(code=wrapped, mode=Mode.FUNCTIONAL, args=("[1]",), func_name="invertTree",
                                     limits=Limits()))
    assert result.exit_code == 1 and "more than 10000 nodes" in result.stderr


def test_lists_of_lists_in_and_out_and_a_malformed_argument(sandbox):
    starter = ("class Solution:\n    def split(self, lists: List[Optional[ListNode]], k: int) "
               "-> List[Optional[ListNode]]:\n")
    prob = problem(starter, ("[[1,2],[],[3]]\n2", "[[1,2],[],[3],[],[]]"), ("5\n2", "[]"))
    code = ("class Solution:\n    def split(self, lists, k):\n"
            "        assert all(h is None or isinstance(h, ListNode) for h in lists)\n"
            "        return lists + [None] * k\n")
    results = verdicts(code, prob, sandbox)
    assert results[0] == (Verdict.ACCEPTED, "")
    assert results[1][0] is Verdict.RUNTIME_ERROR and "not a list of structures" in results[1][1]


def test_both_wrappers_reach_an_inherited_staticmethod_and_leave_no_names_behind(sandbox):
    # The structures wrapper and the strict-results check find the called function with one helper
    # (sandbox/guest/_sstar_entry.py): here on a base class, as a staticmethod; afterwards the program's
    # namespace holds none of their names.
    starter = "class Solution:\n    def middle(self, head: Optional[ListNode]) -> Optional[ListNode]:\n"
    prob = problem(starter, ("[1,2,3,4,5]", "[3,4,5]"), ("[1,2]", "[2]"))
    code = textwrap.dedent("""\
        class Base:
            @staticmethod
            def middle(head):
                assert not [k for k in globals() if k.startswith("__sstar")], "left behind"
                slow = fast = head
                while fast and fast.next:
                    slow, fast = slow.next, fast.next.next
                return slow

        class Solution(Base):
            pass
        """)
    assert verdicts(code, prob, sandbox) == [(Verdict.ACCEPTED, "")] * 2
    tuple_inside = code.replace("return slow", "return [(1,)]")
    assert all(v is Verdict.WRONG_ANSWER and "tuple" in m for v, m in verdicts(tuple_inside, prob, sandbox))
