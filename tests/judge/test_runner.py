"""Grading: every verdict from raw facts, and the runner on real problems."""

import signal

import pytest

from sstar.judge import Verdict, grade, run_tests
from sstar.problem import Problem, TestCase, TestType
from sstar.sandbox.protocol import ExecResult, ExecStatus, Limits

STDIN = TestCase(input="1\n", output="42\n", testtype=TestType.STDIN)
FUNC = TestCase(input="1", output="[1, 2]", testtype=TestType.FUNCTIONAL)
LIMITS = Limits(time_s=1, memory_mb=100)


def done(**kw):
    return ExecResult(status=ExecStatus.COMPLETED, **{"exit_code": 0, **kw})


@pytest.mark.parametrize("result, test, verdict", [
    (done(stdout=b"42\n"), STDIN, Verdict.ACCEPTED),
    (done(stdout=b"41\n"), STDIN, Verdict.WRONG_ANSWER),
    (done(stdout=b"\xff42\n"), STDIN, Verdict.WRONG_ANSWER),
    (done(timed_out=True, exit_code=None, signal=9), STDIN, Verdict.TIME_LIMIT),
    (done(cpu_exceeded=True, stdout=b"42\n"), STDIN, Verdict.TIME_LIMIT),
    (done(exit_code=None, signal=signal.SIGXCPU), STDIN, Verdict.TIME_LIMIT),
    (done(exit_code=1, exception="MemoryError"), STDIN, Verdict.MEMORY_LIMIT),
    (done(exit_code=1, stderr="Traceback...\nMemoryError\n"), STDIN, Verdict.MEMORY_LIMIT),
    (done(exit_code=None, signal=9, max_rss_mb=99.0), STDIN, Verdict.MEMORY_LIMIT),
    (done(exit_code=None, signal=11), STDIN, Verdict.RUNTIME_ERROR),
    (done(exit_code=3, stdout=b"42\n"), STDIN, Verdict.RUNTIME_ERROR),
    (done(output_exceeded=True, cpu_exceeded=True), STDIN, Verdict.OUTPUT_LIMIT),
    (ExecResult.infra("daemon gone"), STDIN, Verdict.INFRA_ERROR),
    # Precedence: a stderr line saying MemoryError is no memory verdict for a program that exited 0
    # or was killed for time; an uncaught MemoryError outranks a later time-out.
    (done(stdout=b"42\n", stderr="MemoryError (just a log line)\n"), STDIN, Verdict.ACCEPTED),
    (done(exit_code=None, signal=9, timed_out=True, stderr="MemoryError\n"), STDIN, Verdict.TIME_LIMIT),
    (done(exit_code=None, signal=9, cpu_exceeded=True, stderr="MemoryError\n"), STDIN, Verdict.TIME_LIMIT),
    (done(exit_code=None, signal=9, timed_out=True, exception="MemoryError"), STDIN, Verdict.MEMORY_LIMIT),
    (done(exit_code=None, signal=9, timed_out=True, max_rss_mb=99.0), STDIN, Verdict.TIME_LIMIT),
    (done(exit_code=1, stderr="OSError: [Errno 12] Cannot allocate memory\n"), STDIN, Verdict.MEMORY_LIMIT),
    (done(exit_code=1, stderr="ValueError: x\n", stdout=b"42\n"), STDIN, Verdict.RUNTIME_ERROR),
    (done(output_exceeded=True, timed_out=True, exit_code=None, signal=9), STDIN, Verdict.OUTPUT_LIMIT),
    (done(result_json="[1, 2]"), FUNC, Verdict.ACCEPTED),
    (done(result_json="[1, 2]", stdout=b"garbage"), FUNC, Verdict.ACCEPTED),
    (done(result_json="[2, 1]"), FUNC, Verdict.WRONG_ANSWER),
    (done(result_json=None), FUNC, Verdict.WRONG_ANSWER),
])
def test_every_verdict(result, test, verdict):
    assert grade(result, test, LIMITS).verdict is verdict


def test_infra_error_is_neither_pass_nor_fail():
    assert not Verdict.INFRA_ERROR.is_program_fault and Verdict.WRONG_ANSWER.is_program_fault


def test_runner_reports_first_failing_verdict(sandbox):
    problem = Problem(question_id="t", public_test_cases=(
        TestCase(input="1\n", output="1\n", testtype=TestType.STDIN),
        TestCase(input="2\n", output="3\n", testtype=TestType.STDIN),
        TestCase(input="x\n", output="x\n", testtype=TestType.STDIN)))
    report = run_tests("print(int(input()))", problem, sandbox)
    assert [t.verdict for t in report.tests] == [Verdict.ACCEPTED, Verdict.WRONG_ANSWER, Verdict.RUNTIME_ERROR]
    assert report.verdict is Verdict.WRONG_ANSWER and (report.passed, report.total) == (1, 3)
    assert "ValueError" in report.tests[2].message
    stopped = run_tests("print(int(input()))", problem, sandbox, stop_at_first_failure=True)
    assert len(stopped.tests) == 2 and stopped.total == 3


def test_functional_tuple_result_compares_as_list(sandbox):
    problem = Problem(question_id="f", starter_code="class Solution:\n    def pair(self, x):\n",
                      public_test_cases=(TestCase(input="3", output="[3, 4]", testtype=TestType.FUNCTIONAL),))
    assert run_tests("class Solution:\n    def pair(self, x):\n        return (x, x + 1)\n", problem, sandbox).accepted
    top_level = "def pair(x):\n    return [x, x + 1]\n"
    assert run_tests(top_level, problem, sandbox).accepted


def test_unserializable_result_says_why():
    result = grade(done(exit_code=1, exception="UnserializableResult"), FUNC, LIMITS)
    assert result.verdict is Verdict.RUNTIME_ERROR and "cannot be turned into JSON" in result.message


def test_stderr_mentioning_memory_error_with_right_answer_is_accepted(sandbox):
    problem = Problem(question_id="m", public_test_cases=(TestCase(input="", output="42\n", testtype=TestType.STDIN),))
    code = "import sys\nprint(42)\nprint('MemoryError: only a log line', file=sys.stderr)\n"
    assert run_tests(code, problem, sandbox).accepted


def test_stdout_preview_is_the_start_of_a_long_output():
    result = grade(done(stdout=b"x" * 10_000_000 + b"\xff"), STDIN, LIMITS)
    assert result.verdict is Verdict.WRONG_ANSWER and result.output == "x" * 2000


def test_a_result_nested_deeper_than_json_loads_is_a_wrong_answer(sandbox):
    problem = Problem(question_id="d", starter_code="class Solution:\n    def f(self, x):\n",
                      public_test_cases=(TestCase(input="3", output="[1]", testtype=TestType.FUNCTIONAL),))
    code = ("class Solution:\n    def f(self, x):\n        import sys\n        sys.setrecursionlimit(100000)\n"
            "        value = []\n        for _ in range(20000):\n            value = [value]\n        return value\n")
    report = run_tests(code, problem, sandbox)
    assert report.verdict is Verdict.WRONG_ANSWER and "nested too deeply" in report.tests[0].message
