"""Synthesis does bounded work on any statement: odd statements parse in linear time, string arguments
stated up to 10^5 x 10^5 characters are not drawn in full, and the per-problem time budget stops drawing.

The parsing tests run in a child process with a generous limit, on sizes the quadratic or exponential
patterns took minutes or forever on (milliseconds now): a backtracking regex runs in C holding the GIL,
where neither a signal nor pytest-timeout's thread reaches it. Everything else counts work instead of
timing it."""

import json
import random
import subprocess
import sys

import pytest

from sstar.problem import Problem, TestCase, TestType
from sstar.synthesis import synthesize
from sstar.synthesis.constraints import Bound, parse_constraints
from sstar.synthesis.draw import Draw
from sstar.synthesis.kinds import InputKind
from sstar.synthesis.vocabulary import draw_words

N = 20_000
ODD = {  # each was quadratic in N (the first several seconds at N = 4000), the last exponential
    "a long list of names": "Input\n" + "a, " * N + "\nOutput\n",
    "a name with many indices": "Input\n1 <= a" + "[i]" * N + " x\nOutput\n",
    "a long product": "Input\n1 <= n <= " + "2 * " * N + "\nOutput\n",
    "a long difference": "Input\n1 <= n <= 5" + " - 1" * N + "\nOutput\n",
    "a long run of blanks": "Input\n" + " \t" * N + "\nOutput\n",
    "blanks after a comparison": "a <=" + " " * N + "x\nb >=" + " " * N + "x",
    "many constraint lines": "Input\n" + "1 <= n <= 10^5\n" * (N // 4) + "Output\n",
    "a list of indexed names no comparison closes": "1 <= " + "a[i], " * 40,
}



def _parse_in_child(texts: list[str], limit_s: float = 60) -> str:
    """Parses each text in a fresh interpreter; what it printed (one line per text parsed) -- or the
    name of the text it was still on when ``limit_s`` ran out, as a failure."""
    code = ("import json, sys\nfrom sstar.synthesis.constraints import parse_constraints\n"
            "for name, text in json.load(sys.stdin):\n"
            "    print(name, len(parse_constraints(text)), flush=True)\n")
    named = [[name, text] for name, text in zip(ODD, texts)] if len(texts) == len(ODD) else \
        [[f"text {i}", t] for i, t in enumerate(texts)]
    try:
        done = subprocess.run([sys.executable, "-c", code], input=json.dumps(named), capture_output=True,
                              text=True, timeout=limit_s, check=True).stdout
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        stuck = named[len(out.splitlines())][0]
        pytest.fail(f"parsing took over {limit_s} s, stuck on {stuck!r}")
    return done


def test_odd_statements_parse_in_linear_time():
    done = _parse_in_child(list(ODD.values()))
    assert [line.rsplit(" ", 1)[0] for line in done.splitlines()] == list(ODD)


def test_real_constraints_still_read_beside_odd_text():
    text = "1 <= " + "a[i], " * 40 + "\n" + "x, " * 1000 + "\n1 <= n, m <= 100\n1 <= k <= n - 1\n" + "1 <= q <= 10^5\n" * 500
    _parse_in_child([text])
    bounds = parse_constraints(text)
    assert bounds[("n", "val")] == Bound(1, 100) and bounds[("m", "val")] == Bound(1, 100)
    assert bounds[("k", "val")] == Bound(1, ("n", "val-1")) and bounds[("q", "val")] == Bound(1, 10**5)


def test_parses_are_cached_but_each_caller_gets_its_own_dict():
    text = "1 <= nums.length <= 10^5"
    first = parse_constraints(text)
    first[("nums", "len")] = Bound(0, 0)  # build_specs adds ListNode bounds to the dict it gets
    assert parse_constraints(text) == {("nums", "len"): Bound(1, 10**5)}


def test_a_tab_inside_an_absolute_value_is_read():
    assert parse_constraints("|\ta_i| <= 10")[("a", "elem")] == Bound(-10, 10)


def _strings_problem(statement: str) -> Problem:
    starter = "class Solution:\n    def count(self, words: List[str]) -> int:\n        "
    return Problem(question_id="strs", question_content=statement, starter_code=starter,
                   metadata={"func_name": "count"},
                   public_test_cases=(TestCase(input='["a", "b"]', output="2", testtype=TestType.FUNCTIONAL),))


STRINGS = "Constraints:\n1 <= words.length <= 10^5\n1 <= words[i].length <= 10^5\n"


def test_strings_stated_up_to_10_5_by_10_5_are_drawn_within_the_input_budget(monkeypatch):
    # Each string was drawn up to the list's cap in length, never charged to the input's size: 21 million
    # characters drawn (one rng.choice each) for max_chars=48000, then nearly all thrown away.
    drawn = [0]
    choice, choices = random.Random.choice, random.Random.choices

    def counted_choice(self, seq):
        drawn[0] += 1
        return choice(self, seq)

    def counted_choices(self, population, weights=None, *, cum_weights=None, k=1):
        drawn[0] += k
        return choices(self, population, weights, cum_weights=cum_weights, k=k)

    monkeypatch.setattr(random.Random, "choice", counted_choice)
    monkeypatch.setattr(random.Random, "choices", counted_choices)
    max_chars = 48_000
    made, notes = synthesize(_strings_problem(STRINGS), 20, 0, max_chars=max_chars)
    assert drawn[0] <= 4 * max_chars
    assert all(len(g.text) <= max_chars for g in made)
    for g in made:
        words = json.loads(g.text)
        assert 1 <= len(words) <= 10**5 and all(1 <= len(w) <= 10**5 for w in words)
    largest = max(len(g.text) for g in made if g.kind is InputKind.MAX_SIZE)
    assert largest >= max_chars // 4  # still a maximum-size input, not one cut down to nothing
    assert all(g.checked for g in made)


def test_the_time_budget_stops_functional_drawing_with_a_note():
    made, notes = synthesize(_strings_problem(STRINGS), 40, 0, budget_s=1e-9)
    assert "synthesis time budget spent" in notes
    assert {g.kind for g in made} <= {InputKind.EDGE, InputKind.MAX_SIZE} and made  # edge cases come first
    made, notes = synthesize(_strings_problem(STRINGS), 40, 0)
    assert "synthesis time budget spent" not in notes and any(g.kind is InputKind.RANDOM for g in made)


@pytest.mark.timeout(20)  # pure Python: the signal reaches it
def test_drawn_words_cut_to_a_short_stated_length_in_one_pass():
    # 4*10^5 tokens drawn, then cut to 50 characters: one join per dropped token was quadratic (minutes).
    rnd = Draw(rng=random.Random(0))
    text = draw_words(rnd, ["ab", "cde"], " ", 1, 50, 400_000)
    assert text is not None and len(text) <= 50 and len(text.split()) >= 10
