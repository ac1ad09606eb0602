"""The stdout judge against LiveCodeBench's own grader, on generated output pairs.

LiveCodeBench's ``grade_stdio`` runs a program that prints the generated output and
grades it against the generated expected output; sstar's ``compare_stdout`` must agree
on every pair, also with its streaming paths forced on (tiny blocks and tokens).
"""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sstar.judge import giant, stdout_lines
from sstar.judge.stdout_compare import WHITESPACE, compare_stdout

# LiveCodeBench's grader itself (scripts/setup.sh installs it: pip install --no-deps nvidia-livecodebench).
from livecodebench.evaluation import testing_util  # noqa: E402

NUMBERS = ["0", "-0", "+0", "0.0", "00", "1", "1.0", "01", "1e0", "10E-1", "+1", "1_0", "10", "1.", ".5", "0.50",
           "5e-1", "-1", "-1.00", "1e999999999999999999", "1e9999999999999999999", "inf", "-Infinity", "INF", "nan",
           "NaN", "sNaN", "\u0661", "\uff11", "\u0661.\u0665", "123456789012345678901234567890",
           "123456789012345678901234567890.0", "_", "1e", ".", "e5"]
WORDS = ["a", "yes", "YES", "x1", "1x", "-", "\u00e9", "\U0001d7ce"]
SEPARATORS = [" ", " ", " ", "  ", "\t", "\x0b", "\x0c", "\r", "\x1c", "\x85", "\xa0", "\u3000", "\u2028"]

tokens = st.sampled_from(NUMBERS + WORDS)
lines = st.lists(st.tuples(st.sampled_from(SEPARATORS), tokens), max_size=5).map(
    lambda parts: "".join(sep + tok for sep, tok in parts))
outputs = st.lists(st.one_of(lines, st.sampled_from(["", " ", "\t"])), max_size=6).map("\n".join)
padded = st.tuples(st.sampled_from(["", "\n", " \n", "\r\n", "\u3000"]), outputs,
                   st.sampled_from(["", "\n", "\n\n", " \r\n", "\xa0"])).map("".join)

EQUIVALENT = {"1": ["1.0", "01", "1e0", "+1", "1_0e-1", "\u0661"], "0": ["-0", "0.0", "0e5"],
              "0.5": [".5", "5e-1", "0.50"], "10": ["1e1", "10.0", "1_0"]}


@st.composite
def pairs(draw):
    """(actual, expected): independent, equal, or the same output reformatted."""
    actual = draw(padded)
    how = draw(st.sampled_from(["independent", "same", "reformatted", "respaced"]))
    if how == "independent":
        return actual, draw(padded)
    if how == "same":
        return actual, actual
    pad = st.sampled_from(SEPARATORS + [""])
    if how == "respaced":  # the same lines, other whitespace around each (what stripping must forgive)
        return actual, "\n".join(draw(pad) + line + draw(pad) for line in actual.split("\n"))
    expected = actual
    for original, variants in EQUIVALENT.items():
        if draw(st.booleans()):
            expected = expected.replace(original, draw(st.sampled_from(variants)))
    if draw(st.booleans()):
        expected = expected.replace(" ", draw(st.sampled_from(SEPARATORS)))
    if draw(st.booleans()):
        expected = "\n".join(draw(pad) + line + draw(pad) for line in expected.split("\n"))
    if draw(st.booleans()):
        expected = draw(st.sampled_from(["\n", "", "  "])) + expected + draw(st.sampled_from(["\n", "", "x"]))
    return actual, expected


def livecodebench_accepts(actual: str, expected: str) -> bool:
    program = f"import sys\nsys.stdout.write({actual!r})"
    limit = sys.getrecursionlimit()
    try:
        results, _ = testing_util.grade_stdio(program, [""], [expected], timeout=5)
    except ArithmeticError:  # LiveCodeBench compares a signalling NaN and raises: not accepted
        return False
    finally:
        sys.setrecursionlimit(limit)  # its prelude raises the limit to 50000 for the whole process
    return results == [True]


def test_whitespace_list_is_pythons():
    assert set(WHITESPACE) == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs())
def test_same_verdict_as_livecodebench(pair):
    actual, expected = pair
    assert compare_stdout(actual.encode(), expected)[0] == livecodebench_accepts(actual, expected), pair


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs(), st.integers(1, 12), st.integers(0, 3))
def test_same_verdict_when_every_line_and_token_is_streamed(pair, block, max_token):
    """Tiny blocks make every line a long line, tiny tokens make every token a giant one."""
    actual, expected = pair
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stdout_lines, "BLOCK", block)
        patch.setattr(giant, "MAX_TOKEN_CHARS", max_token)
        ours = compare_stdout(actual.encode(), expected)[0]
    assert ours == livecodebench_accepts(actual, expected), pair
