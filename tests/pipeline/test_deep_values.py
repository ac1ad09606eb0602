"""Values nested deeper than Python's JSON reader goes (a program's result, a model's input) are data to
rule on, never a RecursionError that ends the run: the real sandbox, the real selection."""

import json

import pytest

import sstar
from sstar.pipeline.arguments import as_problem
from sstar.pipeline.execution import Status, run_matrix
from sstar.pipeline.extract import extract_code
from sstar.pipeline.input_check import constraint_violation
from sstar.pipeline.pair_judge import normalize_output
from sstar.pipeline.shrink import simpler
from sstar.problem import ProblemFormatError
from sstar.sandbox.protocol import Limits

from .test_sstar import GOOD, PROBLEM

DEEP_TEXT = "[" * 3000 + "]" * 3000
# Right on both public tests, a 3000-deep list everywhere else.
DEEP = ("class Solution:\n    def largest(self, nums):\n        if nums in ([1, 5, 3], [2, 9]):\n"
        "            return max(nums)\n        x = []\n        for _ in range(3000):\n            x = [x]\n"
        "        return x\n")


def test_a_result_nested_too_deeply_to_read_is_an_outcome_not_a_crash(sandbox):
    for give_up_after in (0, 2):  # one batch, and rounds (run_round)
        out = run_matrix([GOOD, DEEP], PROBLEM, ["[4, 1, 2]", "[7]"], sandbox, Limits(time_s=2),
                         give_up_after=give_up_after)
        assert [o.output for o in out[0]] == ["4", "7"]
        assert [o.status for o in out[1]] == [Status.WRONG_ANSWER] * 2, give_up_after


def test_selection_rules_out_a_program_whose_result_cannot_be_read(sandbox):
    result = sstar.select(PROBLEM, [DEEP, GOOD], sandbox=sandbox,
                          config=sstar.SStarConfig(hypothesis_inputs=6, model_inputs=0))
    assert result.chosen_index == 1


def test_inputs_nested_too_deeply_are_rejected_not_a_crash():
    assert simpler(PROBLEM, DEEP_TEXT) == []
    assert constraint_violation(PROBLEM, DEEP_TEXT) == "nested deeper than a JSON reader allows"
    assert normalize_output(PROBLEM, DEEP_TEXT) is None


def test_an_answer_the_python_parser_cannot_nest_is_no_code():
    for answer in ("-" * 100000 + "1", "a = " + "1 + " * 200000 + "1", "```python\n" + "not " * 50000 + "x"):
        assert extract_code(answer) is None
    assert extract_code("x = 1\nprint(x)\n") == "x = 1\nprint(x)\n"  # a plain program is still taken whole


def test_a_deep_but_readable_input_still_shrinks():
    text = json.dumps([[[[5, 6]]], 3])
    assert "[[[[5]]], 3]" in simpler(PROBLEM, text)


def test_a_problem_sent_as_json_nested_too_deeply_is_a_format_error():
    with pytest.raises(ProblemFormatError, match="nested too deeply"):
        as_problem('{"question_content": ' + DEEP_TEXT + "}")


LOUD = ("class Solution:\n    def largest(self, nums):\n        if nums in ([1, 5, 3], [2, 9]):\n"
        "            return max(nums)\n        return ['x' * 1000] * 3000 + [nums[-1]]\n")


def test_a_huge_output_is_kept_as_its_head_and_digest_and_compares_as_the_whole(sandbox):
    """Candidates × inputs outcomes never hold megabytes each; outputs equal in all but their end still differ."""
    out = run_matrix([LOUD, LOUD], PROBLEM, ["[4, 1, 2]", "[4, 1, 3]"], sandbox, Limits(time_s=2))
    a, b = out[0]
    assert max(len(o.output) for row in out for o in row) < 70_000
    assert a.signature != b.signature and out[1][0].signature == a.signature
    whole = json.dumps(["x" * 1000] * 3000 + [2], sort_keys=True)
    assert normalize_output(PROBLEM, whole) == a.output  # a model's predicted output compares the same way
