"""String arguments made of tokens: inputs recombine the words the samples and the statement use."""

import json
import random

from sstar.problem import Problem, TestCase, TestType
from sstar.synthesis import hypothesis_inputs
from sstar.synthesis.draw import Draw
from sstar.synthesis.vocabulary import draw_words, vocabulary

WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _problem(statement: str, samples: tuple, func: str = "sort_numbers", arg: str = "numbers") -> Problem:
    starter = f"def {func}({arg}: str) -> str:\n    \"\"\"{statement}\"\"\"\n"
    return Problem(question_id="p", question_content=starter, starter_code=starter, metadata={"func_name": func},
                   public_test_cases=tuple(TestCase(input=json.dumps(s), output=json.dumps(s),
                                                    testtype=TestType.FUNCTIONAL) for s in samples))


def test_words_quoted_in_the_statement_are_drawn_in_new_sequences():
    # The public inputs are "" and "three": character-wise draws from {e, h, r, t} never spell 'seven', so a
    # program mapping words to digits crashes on every synthesized input and nothing tells candidates apart.
    statement = ("Input is a space-delimited string of numberals from 'zero' to 'nine'. Valid choices are "
                 + ", ".join(f"'{w}'" for w in WORDS) + ". Return the string with numbers sorted.")
    problem = _problem(statement, ("", "three"))
    assert vocabulary(statement, ["", "three"])[1] == " "  # "space-delimited"
    problem = _problem(statement + "\n>>> sort_numbers('three one five')\n'one three five'", ("", "three"))
    drawn = [json.loads(t) for t in hypothesis_inputs(problem, 40, seed=0)]
    sequences = [s for s in drawn if s and set(s.split()) <= set(WORDS) and len(s.split()) >= 2]
    assert len(set(sequences)) >= 8
    assert len({w for s in sequences for w in s.split()}) >= 6  # not only the sample's 'three'
    assert any(s and not set(s.split()) <= set(WORDS) for s in drawn)  # character-wise draws are kept too


def test_quotes_about_other_things_are_not_taken_as_values():
    # No quoted literal shares a token with the samples: the quotes talk about something else.
    words, _ = vocabulary("Print 'YES' or 'NO'. Strings like 'abc' are fine.", ["ab ba", "cd"])
    assert "YES" not in words and {"ab", "ba", "cd"} <= set(words)
    # Single characters only: the character-wise draw already covers them.
    assert vocabulary("", ["a b", "c"]) == ([], "")
    # A stated alphabet keeps tokens within it; without a space in it, tokens are not joined by one.
    words, sep = vocabulary("", ["ab cd", "x9 ab"], alphabet="abcdefghijklmnopqrstuvwxyz")
    assert words == ["ab", "cd"] and sep == ""


def test_drawn_words_respect_a_stated_length():
    rnd = Draw(rng=random.Random(1))
    for _ in range(200):
        text = draw_words(rnd, list(WORDS), " ", 3, 12, 8)
        assert text is None or 3 <= len(text) <= 12
    assert draw_words(rnd, ["seven", "eight"], "", 0, 4, 8) is None  # no token fits: the caller draws characters
    texts = {draw_words(rnd, list(WORDS), " ", 0, None, 8) for _ in range(50)}
    assert max(len(t.split()) for t in texts) > 3


def test_music_notes_from_the_samples_are_recombined():
    problem = _problem("Parse notes: 'o' whole, 'o|' half, '.|' quarter.", ("", "o o o o", ".| .| .| .|"),
                       func="parse_music", arg="music_string")
    drawn = [json.loads(t) for t in hypothesis_inputs(problem, 40, seed=0)]
    notes = {"o", "o|", ".|"}
    mixed = [s for s in drawn if len(s.split()) >= 3 and set(s.split()) <= notes and len(set(s.split())) >= 2]
    assert len(mixed) >= 5  # the samples never mix notes; new sequences do
    assert any("o|" in s.split() for s in mixed)  # a note only the statement quotes


def test_quoted_answers_of_another_kind_of_character_are_not_values():
    # match_parens: the samples are brackets, the statement quotes its answers 'Yes' and 'No'.
    statement = "Return 'Yes' if there's a way to make a good string, and return 'No' otherwise. E.g. '(())()'."
    words, _ = vocabulary(statement, ["()(", ")", "(())()"])
    assert "Yes" not in words and "No" not in words and "(())()" in words
    # words among words stay: 'zero'..'nine' beside a sample 'three'
    assert "seven" in vocabulary("Choices: 'zero', 'seven', 'three'.", ["three"])[0]


def test_distinct_strings_are_not_drawn_from_a_few_tokens():
    # "words consists of distinct strings": lists of the samples' few words repeat them and break it, and the
    # inputs would no longer be marked valid; such an argument keeps character-wise draws.
    from sstar.synthesis.functional import functional_inputs
    from sstar.synthesis.functional_specs import build_specs

    text = ("Constraints:\n\n * 1 <= words.length <= 10\n * 1 <= words[i].length <= 10\n"
            " * words consists of distinct strings.\n * words[i] consists of lowercase English letters.\n")
    starter = "class Solution:\n    def f(self, words: List[str]) -> int:\n        "
    problem = Problem(question_id="d", question_content=text, starter_code=starter, metadata={"func_name": "f"},
                      public_test_cases=(TestCase(input=json.dumps(["bab", "dab", "cab"]), output="1",
                                                  testtype=TestType.FUNCTIONAL),))
    assert "words" not in build_specs(problem)[0].extras
    # (duplicates drawn character-wise are rare and leave that input unchecked, never marked valid)
    made = functional_inputs(problem, 30, 0, 10_000, [])
    assert sum(g.checked for g in made) >= 0.8 * len(made)
    assert all(len(set(json.loads(g.text))) == len(json.loads(g.text)) for g in made if g.checked)
    # the same argument without "distinct" recombines the samples' words
    plain = problem.model_copy(update={"question_content": text.replace(" * words consists of distinct strings.\n", "")})
    assert build_specs(plain)[0].extras["words"] == ["bab", "cab", "dab"]
