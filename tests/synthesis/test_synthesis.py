import json

from sstar.problem import load_problem
from sstar.synthesis import hypothesis_inputs
from sstar.synthesis.constraints import parse_constraints
from sstar.synthesis.facts import parse_alphabets
from sstar.synthesis.model_inputs import parse_model_inputs
from sstar.synthesis.layout import Vector, infer_layout

from ..conftest import PROBLEMS


def test_constraints_from_leetcode_and_codeforces_text():
    text = ("Constraints:\n * 1 <= nums.length <= 10^5\n * -10^9 <= nums[i] <= 10^9\n * 1 <= k <= nums.length\n"
            " * s consists only of lowercase English letters.\nThe first line holds n (1 ≤ n ≤ 2·10^5), then $1 \\le a_i \\le 10^{9}$.")
    bounds = parse_constraints(text)
    assert (bounds[("nums", "len")].lo, bounds[("nums", "len")].hi) == (1, 10**5)
    assert (bounds[("nums", "elem")].lo, bounds[("nums", "elem")].hi) == (-10**9, 10**9)
    assert bounds[("k", "val")].hi == ("nums", "len")
    assert bounds[("n", "val")].hi == 2 * 10**5 and bounds[("a", "elem")].hi == 10**9
    assert parse_alphabets(text)["s"] == "abcdefghijklmnopqrstuvwxyz"


def test_functional_inputs_respect_types_and_cross_constraints():
    problem = load_problem(PROBLEMS / "lc_collect_elements.json")  # 1 <= nums[i] <= nums.length, 1 <= k <= nums.length
    texts = hypothesis_inputs(problem, 25, seed=0)
    assert len(texts) >= 20
    for text in texts:
        nums, k = [json.loads(line) for line in text.split("\n")]
        assert isinstance(nums, list) and all(isinstance(x, int) for x in nums) and isinstance(k, int)
        assert 1 <= k <= max(1, len(nums)) and all(1 <= x <= len(nums) for x in nums)
    assert hypothesis_inputs(problem, 25, seed=0) == texts  # seeded: repeatable


def test_functional_edge_cases_cover_extremes():
    problem = load_problem(PROBLEMS / "lc_ordered_triplet.json")
    args = [json.loads(t) for t in hypothesis_inputs(problem, 0, seed=1)]
    lengths = sorted(len(a) for a in args)
    assert lengths[0] == 3  # the smallest size the text allows
    assert lengths[-1] > 50  # a large one
    assert any(a == sorted(a) and len(set(a)) > 1 for a in args)
    assert any(a == sorted(a, reverse=True) and len(set(a)) > 1 for a in args)
    assert any(len(set(a)) == 1 and len(a) > 1 for a in args)  # duplicates


def test_stdin_layout_and_inputs():
    problem = load_problem(PROBLEMS / "cf_johnny_hobbies.json")  # t, then per test: n and a line of n numbers
    layout = infer_layout([t.input for t in problem.public_test_cases])
    assert layout.multi and [type(item) for item in layout.items[0].body][-1] is Vector
    for text in hypothesis_inputs(problem, 15, seed=0):
        lines = text.split("\n")[:-1]
        t = int(lines[0])
        assert len(lines) == 1 + 2 * t
        for i in range(t):
            n = int(lines[1 + 2 * i])
            assert len(lines[2 + 2 * i].split()) == n


def test_model_inputs_are_parsed_validated_and_deduplicated():
    problem = load_problem(PROBLEMS / "lc_find_k_or.json")
    answer = ("Edge cases:\n```json\n[[1, 2, 3], 2]\n```\n```json\n[[1, 2, 3], 2]\n```\n```json\n[[7], 1]\n```\n"
              "```json\n[1, 2, 3]\n```\n```json\nnot json\n```")
    assert parse_model_inputs(answer, problem, 2, 1000) == ["[1, 2, 3]\n2", "[7]\n1"]
    stdin_problem = load_problem(PROBLEMS / "cf_fox_cheese.json")
    assert parse_model_inputs("```input\n15 20\n```\n```input\n15 20  \n```", stdin_problem, 0, 1000) == ["15 20\n"]


def test_a_string_argument_nothing_bounds_gets_more_than_the_samples_letters_and_lengths():
    # HumanEval-style: no constraints, public inputs "" and "x". Drawing only from the samples' letters and
    # lengths gave nothing but "" and "x" again: no input beyond the public tests.
    from sstar.problem import Problem, TestCase, TestType

    starter = "def make_palindrome(string: str) -> str:\n    \"\"\" Shortest palindrome starting with string \"\"\"\n"
    problem = Problem(question_id="p", question_content=starter, starter_code=starter,
                      metadata={"func_name": "make_palindrome"},
                      public_test_cases=tuple(TestCase(input=json.dumps(s), output=json.dumps(s),
                                                       testtype=TestType.FUNCTIONAL) for s in ("", "x")))
    drawn = [json.loads(t) for t in hypothesis_inputs(problem, 30, seed=0)]
    assert len(set(drawn) - {"", "x"}) >= 10
    assert max(map(len, drawn)) > 1 and len({c for s in drawn for c in s}) >= 3
    # Letters the samples do show are kept, and binary-looking samples stay binary.
    binary = problem.model_copy(update={"public_test_cases": tuple(
        TestCase(input=json.dumps(s), output="1", testtype=TestType.FUNCTIONAL) for s in ("0110", "1"))})
    assert {c for t in hypothesis_inputs(binary, 30, seed=0) for c in json.loads(t)} <= {"0", "1"}


def test_lengths_nothing_states_go_below_the_samples_shortest():
    # prime_length: public inputs "Hello" and "abcdcba". Drawing no shorter than the samples' shortest (5)
    # left lengths 0..4 undrawn -- where the wrong programs (``l == 1 or l == 1``, ``range(3, l)``) go wrong.
    from sstar.problem import Problem, TestCase, TestType

    starter = "def prime_length(string):\n    \"\"\"True if the string's length is a prime number\"\"\"\n"
    problem = Problem(question_id="p", question_content=starter, starter_code=starter,
                      metadata={"func_name": "prime_length"},
                      public_test_cases=tuple(TestCase(input=json.dumps(s), output="true", testtype=TestType.FUNCTIONAL)
                                              for s in ("Hello", "abcdcba")))
    lengths = {len(json.loads(t)) for t in hypothesis_inputs(problem, 40, seed=0)}
    assert {0, 1, 2, 3, 4} <= lengths
    # Lists too: samples of 3 and 5 numbers, nothing stated -> the empty list and shorter ones are drawn.
    starter = "def total(nums: list[int]) -> int:\n    \"\"\"Sum of nums\"\"\"\n"
    listed = problem.model_copy(update={"question_content": starter, "starter_code": starter, "metadata": {
        "func_name": "total"}, "public_test_cases": tuple(TestCase(input=json.dumps(v), output="1",
                                                                   testtype=TestType.FUNCTIONAL)
                                                          for v in ([1, 2, 3], [4, 5, 6, 7, 8]))})
    sizes = {len(json.loads(t)) for t in hypothesis_inputs(listed, 40, seed=0)}
    assert {0, 1, 2} <= sizes
    # Where the statement bounds the argument, inputs may be marked valid: no empty list is made up.
    stated = listed.model_copy(update={"question_content": starter + "Constraints: -100 <= nums[i] <= 100\n"})
    assert 0 not in {len(json.loads(t)) for t in hypothesis_inputs(stated, 40, seed=0)}


def test_a_hint_naming_no_element_type_takes_the_samples_shape_and_negatives_widen():
    # ``l: list`` said depth 0: every "list" drawn was a bare integer, so triples_sum_to_zero's programs
    # (each crashing alike, or answering alike) fell into one cluster.
    from sstar.problem import Problem, TestCase, TestType

    starter = "def triples_sum_to_zero(l: list):\n    \"\"\"True if three distinct elements sum to zero\"\"\"\n"
    problem = Problem(question_id="p", question_content=starter, starter_code=starter,
                      metadata={"func_name": "triples_sum_to_zero"},
                      public_test_cases=tuple(TestCase(input=json.dumps(v), output="false",
                                                       testtype=TestType.FUNCTIONAL)
                                              for v in ([1, 3, 5, 0], [1, 3, 5, -1])))
    drawn = [json.loads(t) for t in hypothesis_inputs(problem, 40, seed=0)]
    assert all(isinstance(v, list) for v in drawn)
    # the samples show a negative value: negatives go past the samples' -1 (sums of zero need them)
    assert min(x for v in drawn for x in v) <= -5
    # samples with no negative value keep to non-negative values
    positive = problem.model_copy(update={"public_test_cases": tuple(
        TestCase(input=json.dumps(v), output="false", testtype=TestType.FUNCTIONAL) for v in ([1, 3], [0, 2]))})
    assert min(x for t in hypothesis_inputs(positive, 40, seed=0) for x in json.loads(t)) >= 0
