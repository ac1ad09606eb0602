"""``check_json`` (how loading checks functional tests' texts) accepts exactly what ``json.loads`` accepts,
and rejects the rest with ``loads_json``'s own messages."""

import json
import sys

import pytest

from sstar.problem import ProblemFormatError, problem_from_dict
from sstar.problem_checks import _SHALLOW, check_json, loads_json

TRICKY = [
    "1", "-0", "01", "-", "1.", ".5", "1e400", "-1e-400", "1E+2", "0x10", "+1", "1_000",
    "NaN", "Infinity", "-Infinity", "nan", "inf", "true", "True", "null", "None", "false",
    "", " ", "\t", "\n", " 1 ", "\t[1]\r\n", "\x0c1", "1\x0c", "\u00a01", "1\u00a0", "1\u2028", "\u3000[]",
    "\ufeff1", "\ufeff", " \ufeff1", "1 2", "[1] [2]", "1,2", "[1,]", "[,1]", "[1,2", "1]", "{}", "[]",
    '{"a":1,}', '{"a" 1}', "{'a': 1}", '{"a":1}', '{"a":1, "a":2}', "{1: 2}",
    '"abc"', '"a\\u0062c"', '"\\ud800"', '"\ud800"', '"\x01"', '"\x7f"', '"tab\there"', '"\\t"', '"\\x41"',
    '"unterminated', '"\\"', '"\\\\"', "'single'", '"é ü 😀"', "[1, [2, [3, {\"k\": [null]}]]]",
    "1" * 4300, "1" * 4301, "-" + "9" * 4300, "0." + "1" * 5000,
    "[" * (_SHALLOW - 1) + "]" * (_SHALLOW - 1), "[" * _SHALLOW + "]" * _SHALLOW,
    "[" * 100_000 + "]" * 100_000, "[" * 100_000, '{"a":' * 5000 + "1" + "}" * 5000,
    "[" * 150 + "1" + "]" * 149, '["[" ,"{"]', '"' + "[" * 300 + '"',
]


def _outcome(check, text):
    try:
        check(text)
    except ValueError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("text", TRICKY, ids=range(len(TRICKY)))
def test_check_json_decides_as_json_loads(text):
    try:
        json.loads(text)
        accepted = True
    except (ValueError, RecursionError):
        accepted = False
    assert (_outcome(check_json, text) is None) is accepted
    assert _outcome(check_json, text) == _outcome(loads_json, text)  # the same message when it refuses


def test_a_problem_names_the_first_bad_text_as_before():
    tests = [{"input": "[1]\n\n  \n2", "output": "3", "testtype": "functional"},
             {"input": "[1]\n{bad", "output": "3", "testtype": "functional"}]
    record = {"question_id": "q", "metadata": {"func_name": "f"}, "public_test_cases": tests}
    with pytest.raises(ProblemFormatError, match=r"public_test_cases\[1\]\.input: not JSON .*'\{bad'"):
        problem_from_dict(record)
    tests[1] = {"input": "[1]\n2", "output": "NaN x", "testtype": "functional"}
    with pytest.raises(ProblemFormatError, match=r"public_test_cases\[1\]\.output: not JSON .*'NaN x'"):
        problem_from_dict(record)
    tests[1]["output"] = "NaN"  # json.loads takes it, so loading does
    assert problem_from_dict(record).public_test_cases[1].output == "NaN"
    assert sys.getrecursionlimit() > _SHALLOW * 2  # the direct scan stays far from the limit
