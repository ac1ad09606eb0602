"""Test inputs beyond the public tests: from Hypothesis strategies and from the model."""

from ..problem import Problem, TestType


def hypothesis_inputs(problem: Problem, count: int, seed: int) -> list[str]:
    """Inputs from Hypothesis strategies and edge cases, with no model call."""
    if problem.test_type is TestType.FUNCTIONAL:
        from .functional import hypothesis_inputs as functional

        return functional(problem, count, seed)
    from .stdin import hypothesis_inputs as stdin

    return stdin(problem, count, seed)


def arity(problem: Problem) -> int:
    from .functional import signature

    if problem.test_type is not TestType.FUNCTIONAL:
        return 0
    names = signature(problem.starter_code, problem.func_name)
    if names:
        return len(names)
    return len(problem.public_test_cases[0].arguments()) if problem.public_test_cases else 1
