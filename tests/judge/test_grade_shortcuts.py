"""The judge's shortcuts for the common case decide exactly as the full checks do: a run that ended
cleanly (``classify``) and a functional return value whose JSON is the expected text (``_grade_value``)."""

import itertools
import signal

import pytest

from sstar.judge.runner import _decoded_grade_value, _failure, _grade_value, classify
from sstar.judge.strict import MARKER
from sstar.problem import TestCase, TestType
from sstar.sandbox.protocol import ExecResult, ExecStatus, Limits

LIMITS = Limits(time_s=1, memory_mb=100)


def test_classify_agrees_with_every_check_on_every_combination():
    flags = ("timed_out", "cpu_exceeded", "output_exceeded", "memory_exceeded")
    cases = itertools.product((0, None, 1, -1), (None, signal.SIGKILL, signal.SIGXCPU, signal.SIGSEGV),
                              itertools.product((False, True), repeat=len(flags)), (None, "MemoryError", "ValueError"),
                              ("", "x\nMemoryError\n", "Cannot allocate memory"), (0.0, 99.0),
                              (ExecStatus.COMPLETED, ExecStatus.INFRA_ERROR))
    seen = 0
    for exit_code, sig, on, exception, stderr, rss, status in cases:
        result = ExecResult(status=status, exit_code=exit_code, signal=sig, exception=exception, stderr=stderr,
                            max_rss_mb=rss, infra_message="gone" if status is ExecStatus.INFRA_ERROR else "",
                            **dict(zip(flags, on)))
        assert classify(result, LIMITS) == _failure(result, LIMITS), result
        seen += 1
    assert seen == 4 * 4 * 16 * 3 * 3 * 2 * 2


TEXTS = ["[1, 2]", "[1,2]", "1", "-0.0", "0", "1e400", "-1e400", "Infinity", "[Infinity, -Infinity]", "NaN",
         "[1, NaN]", '{"a": NaN}', "true", "false", "null", '"a"', '"NaN"', '"\\u00e9"', '"\\\\"', "[]", "{}",
         '{"a": [1, {"b": null}], "c": "d"}', '{"a": 1, "a": 2}', "[[[[[[[[[[1]]]]]]]]]]",
         "[" * 99 + "]" * 99, "[" * 100 + "]" * 100, "[" * 700 + "]" * 700, "[" * 2000 + "]" * 2000,
         '{"%s": "a set"}' % MARKER, '{"\\u005f_sstar_not_comparable__": "a set"}', '["%s"]' % MARKER,
         "[" + ", ".join(str(i) for i in range(5000)) + "]", '[0.1, 0.30000000000000004, 1e-320]']


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
@pytest.mark.parametrize("tolerance", [None, 1e-6])
def test_the_expected_text_returned_is_graded_as_decoding_it_would(text, tolerance):
    test = TestCase(input="1", output=text, testtype=TestType.FUNCTIONAL)
    result = ExecResult(status=ExecStatus.COMPLETED, exit_code=0, result_json=text)
    assert _grade_value(result, test, tolerance) == _decoded_grade_value(result, test, tolerance)
