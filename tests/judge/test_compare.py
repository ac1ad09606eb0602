import pytest

from sstar.judge.compare import compare_stdout, compare_values


@pytest.mark.parametrize("actual, expected", [
    ("3\n", "3"),
    ("  3  \n\n", "3\n"),
    ("1 2 3\r\n4\r\n", "1 2 3\n4\n"),
    ("1.0\n", "1"),                # numeric fallback, as LiveCodeBench's grader
    ("1   2\n", "1 2\n"),          # inner spaces between numbers
    ("0.50 2\n", "0.5 2.000\n"),
])
def test_stdout_matches_like_livecodebench(actual, expected):
    assert compare_stdout(actual, expected)[0]


@pytest.mark.parametrize("actual, expected, why", [
    ("4\n", "3\n", "line 1"),
    ("1\n2\n", "1\n", "expected 1 line"),
    ("yes  no\n", "yes no\n", "line 1"),        # words are compared exactly
    ("0.3333\n", "0.33333333\n", "line 1"),      # no tolerance unless asked
    ("", "3", "line 1"),
])
def test_stdout_mismatches(actual, expected, why):
    ok, message = compare_stdout(actual, expected)
    assert not ok and why in message


def test_float_tolerance_is_opt_in():
    assert compare_stdout("0.3333\n", "0.33333333\n", float_tolerance=1e-3)[0]
    assert not compare_stdout("0.4\n", "0.33333333\n", float_tolerance=1e-3)[0]
    assert not compare_stdout("nan\n", "1\n", float_tolerance=1e9)[0]


def test_values():
    assert compare_values([1, [2, 3]], [1, [2, 3]])[0]
    assert not compare_values([1, 2], [2, 1])[0]
    assert compare_values({"a": [1.0]}, {"a": [1]})[0]
    assert not compare_values(0.1 + 0.2, 0.3)[0]
    assert compare_values(0.1 + 0.2, 0.3, float_tolerance=1e-9)[0]
    ok, message = compare_values("abc", "abd")
    assert not ok and message == 'expected "abd", got "abc"'


def test_lone_surrogate_in_expected_output_is_no_crash():
    # A problem file may hold "\ud800" (valid JSON); no program output can match it byte for byte.
    assert compare_stdout(b"a", "a\ud800") == (False, "line 1: expected 'a\\ud800', got 'a'")
    assert not compare_stdout(b"\xed\xa0\x80", "\ud800")[0]  # encoded surrogates are not UTF-8


def test_identical_output_short_cut_keeps_the_rules():
    """Output equal to the expected one but for trailing newlines is accepted at once; invalid UTF-8 never is."""
    assert compare_stdout(b"3\n\n", "3") == (True, "")
    assert compare_stdout(b"3", "3\n\n\n") == (True, "")
    assert not compare_stdout(b"\xed\xa0\x80\n", "\ud800\n")[0]  # the expected text's own bytes, yet not UTF-8
    assert not compare_stdout(b"3\n4", "3\n")[0]
    assert compare_stdout(b"\n3", "3\n\n") == (True, "")  # leading whitespace: the full comparison accepts it
