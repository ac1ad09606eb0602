"""Reading a judge's verdict: separators around ANSWER, a bare last line, and no backtracking blow-up on
the runs of whitespace a small model repeating itself writes."""

import pytest

from sstar.pipeline.pair_judge import parse_verdict
from sstar.pipeline.records import PairDecision


@pytest.mark.timeout(10)
def test_verdict_parsing_is_linear_in_runs_of_spaces():
    # Four optional items with \s* between them split 200 spaces every way in 2 s (5000: hours); the
    # bare-letter rule split the last line's spaces between \W* and \s* (quadratic).
    assert parse_verdict("ANSWER" + " " * 5000 + "\n" + "!" + " " * 200_000 + "!") is None
    assert parse_verdict("ANSWER" + " " * 5000 + "B") is PairDecision.B
    assert parse_verdict("Reasoning\n" + "!" + " " * 200_000 + "A !") is PairDecision.A


@pytest.mark.parametrize("text, expected", [
    ("**ANSWER**: A", PairDecision.A),  # markdown bold around the word, not the letter
    ("ANSWER :: (B)", PairDecision.B),
    ("Program B", PairDecision.B),
    ("program: A", None),  # as before: only spaces between the word and the letter on a bare line
])
def test_verdict_parsing_of_separators(text, expected):
    assert parse_verdict(text) is expected
