"""Functional results: accepted exactly when LiveCodeBench's grader accepts them (real sandbox runs)."""

from __future__ import annotations

import json
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sstar.judge import Verdict, run_tests
from sstar.problem import Problem, TestCase, TestType

# LiveCodeBench's grader itself (scripts/setup.sh installs it: pip install --no-deps nvidia-livecodebench).
from livecodebench.evaluation import testing_util  # noqa: E402


def problem(output: str, name: str = "f", arguments: str = "3") -> Problem:
    return Problem(question_id="strict", starter_code=f"class Solution:\n    def {name}(self, x):\n",
                   public_test_cases=(TestCase(input=arguments, output=output, testtype=TestType.FUNCTIONAL),))


def livecodebench_accepts(code: str, output: str, name: str = "f", arguments: str = "3") -> bool:
    limit = sys.getrecursionlimit()
    try:
        graded = testing_util.grade_call_based(code, [arguments], [output], name, timeout=5)
    finally:
        sys.setrecursionlimit(limit)
    return graded is not None and graded[0] == [True]


def method(body: str, decorator: str = "") -> str:
    self = "" if decorator == "@staticmethod" else ("cls, " if decorator == "@classmethod" else "self, ")
    return f"class Solution:\n    {decorator}\n    def f({self}x):\n        {body}\n"


CASES = [
    (method("return (x, x + 1)"), "[3, 4]"),                       # a tuple at the top becomes a list: accepted
    (method("return [(x, 1)]"), "[[3, 1]]"),                        # a tuple inside: wrong answer
    (method("return ((x,),)"), "[[3]]"),
    (method("return {x, 1}"), "[1, 3]"),                            # a set
    (method("return frozenset([x])"), "[3]"),
    (method("return {x: 1}"), '{"3": 1}'),                          # an int key
    (method("return {True: 1}"), '{"true": 1}'),
    (method("return {'a': (1, 2)}"), '{"a": [1, 2]}'),
    (method("return {'a': [1, 2]}"), '{"a": [1, 2]}'),              # str keys: accepted
    ("class K(str):\n    pass\n" + method("return {K('a'): [1]}"), '{"a": [1]}'),  # a str subclass is a str
    (method("return {None: 1}"), '{"null": 1}'),
    (method("return [[1, 2], [3, (4,)]]"), "[[1, 2], [3, [4]]]"),   # a matrix with one tuple in it
    (method("import collections\n        return collections.Counter('aab')"), '{"a": 2, "b": 1}'),
    (method("return True"), "1"),                                   # == semantics: True == 1
    (method("return 3.0"), "3"),
    (method("return [1, [2, [3]]]"), "[1, [2, [3]]]"),
    (method("return None"), "null"),
    (method("return 'x'"), '"x"'),
    (method("return [x, x]", "@staticmethod"), "[3, 3]"),
    (method("return [(x,)]", "@staticmethod"), "[[3]]"),
    (method("return [(x,)]", "@classmethod"), "[[3]]"),
    # A recursive method may use tuples internally: only the outermost result is judged.
    ("class Solution:\n    def f(self, x):\n        if x == 0:\n            return (0, 0)\n"
     "        a, b = self.f(x - 1)\n        return [a + 1, b]\n", "[3, 0]"),
    ("class Base:\n    def f(self, x):\n        return [(x,)]\nclass Solution(Base):\n    pass\n", "[[3]]"),
]


@pytest.mark.parametrize("code, output", CASES)
def test_same_verdict_as_livecodebench(sandbox, code, output):
    report = run_tests(code, problem(output), sandbox)
    assert report.verdict in (Verdict.ACCEPTED, Verdict.WRONG_ANSWER), report.tests[0].message
    assert report.accepted == livecodebench_accepts(code, output), report.tests[0].message


def test_message_says_what_and_where(sandbox):
    report = run_tests(method("return [1, {'k': (2, 3)}]"), problem('[1, {"k": [2, 3]}]'), sandbox)
    assert report.verdict is Verdict.WRONG_ANSWER
    assert "a tuple at [1]['k']" in report.tests[0].message


def test_top_level_function(sandbox):
    top = Problem(question_id="t", metadata={"func_name": "g"},
                  public_test_cases=(TestCase(input="3", output="[[3]]", testtype=TestType.FUNCTIONAL),))
    assert not run_tests("def g(x):\n    return [(x,)]\n", top, sandbox).accepted
    assert run_tests("def g(x):\n    return [[x]]\n", top, sandbox).accepted


leaves = st.one_of(st.integers(-5, 5), st.booleans(), st.none(), st.sampled_from(["a", "b"]), st.just(1.5))
values = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.lists(inner, max_size=3).map(tuple),
    st.frozensets(st.integers(0, 3), max_size=2),
    st.dictionaries(st.one_of(st.sampled_from(["a", "b"]), st.integers(0, 2)), inner, max_size=2)), max_leaves=6)


def as_json(value):
    """What the value becomes in JSON (the expected output a test would hold)."""
    return json.loads(json.dumps(value, default=sorted))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values)
def test_generated_results_same_verdict_as_livecodebench(sandbox, value):
    code = method(f"return {value!r}")
    output = json.dumps(as_json(value))
    report = run_tests(code, problem(output), sandbox)
    assert report.accepted == livecodebench_accepts(code, output), (value, report.tests[0].message)


def test_a_crash_still_reads_as_the_programs_own(sandbox):
    report = run_tests(method("return 1 // 0"), problem("[1]"), sandbox)
    stderr = report.tests[0].stderr
    assert report.verdict is Verdict.RUNTIME_ERROR and "ZeroDivisionError" in report.tests[0].message
    assert "<sstar: LiveCodeBench == check>" in stderr and '"<solution>", line 4, in f' in stderr


def test_the_check_is_compiled_by_the_worker_before_it_forks(sandbox):
    """A test's process finds the check's code object ready (about 1 ms it would otherwise compile)."""
    from sstar.sandbox.guest._sstar_strict import CHECK_CACHE, CHECK_SOURCE

    code = ("import sys\n"
            f"READY = {CHECK_SOURCE!r} in getattr(sys, {CHECK_CACHE!r}, {{}})\n"
            "class Solution:\n    def f(self, x):\n        return READY\n")
    report = run_tests(code, problem("true"), sandbox)  # one test: its own freshly forked process
    assert report.verdict is Verdict.ACCEPTED, report.tests[0].message
