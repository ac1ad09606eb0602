"""Every sample problem's reference solution passes every one of its tests."""

import pytest

from sstar.judge import run_tests

from .conftest import REFERENCE, sample_names


@pytest.mark.parametrize("name", sample_names())
def test_reference_solution_passes_all_tests(sandbox, sample, name):
    problem = sample(name)
    report = run_tests((REFERENCE / f"{name}.py").read_text(), problem, sandbox, "all")
    failing = [(t.index, t.verdict.value, t.message) for t in report.tests if not t.verdict.value == "accepted"]
    assert report.accepted, failing[:3]
    assert report.total == len(problem.public_test_cases) + len(problem.private_test_cases)
