"""Property tests: whatever constraints a statement states, in whatever style, every input generated
as checked satisfies them (sizes, values, sums over test cases, trees)."""

import json

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sstar.problem import Problem, TestCase, TestType
from sstar.synthesis import synthesize

STYLES = [
    lambda lo, name, hi: f"{lo} ≤ {name} ≤ {hi}",
    lambda lo, name, hi: f"${lo} \\le {name} \\le {hi}$",
    lambda lo, name, hi: f"{lo} <= {name} <= {hi}",
    lambda lo, name, hi: f"$${lo} \\leq {name} \\leq {hi}$$",
]
# 105, 109, 1018 are read as 10^5, 10^9, 10^18 (a superscript lost in extraction, as on Codeforces): not drawn
SPANS = st.integers(0, 10**9).filter(lambda s: not 100 < s < 1100)


def big(value: int, style: int) -> str:
    """A number the way statements write it: 200000, 2·10^5, 2 \\cdot 10^{5}."""
    for exp in range(9, 1, -1):
        if value % 10**exp == 0 and value // 10**exp < 10:
            mult = value // 10**exp
            return [f"{mult}·10^{exp}", f"{mult} \\cdot 10^{{{exp}}}", str(value)][style % 3] if mult > 1 else f"10^{exp}"
    return str(value)


def stdin_problem(text: str, samples: list[str]) -> Problem:
    return Problem(question_id="p", question_title="p", question_content=text,
                   public_test_cases=tuple(TestCase(input=s, output="0", testtype=TestType.STDIN) for s in samples))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(n_hi=st.sampled_from([5, 100, 2000, 200000]), a_lo=st.integers(-10**9, 10), a_span=SPANS,
       style=st.integers(0, 11), t_hi=st.sampled_from([1, 3, 10**4]), total=st.sampled_from([50, 1000, 200000]),
       seed=st.integers(0, 10**6))
def test_stdin_inputs_satisfy_stated_constraints(n_hi, a_lo, a_span, style, t_hi, total, seed):
    a_hi = a_lo + a_span
    assume(not 100 < a_hi < 1100)  # read as a lost superscript (see SPANS)
    write = STYLES[style % len(STYLES)]
    text = (f"Input\n\nThe first line contains t ({write(1, 't', big(t_hi, style))}) — the number of test cases.\n"
            f"The first line of each test case contains n ({write(1, 'n', big(n_hi, style))}).\n"
            f"The second line contains n integers a_1, …, a_n ({write(a_lo, 'a_i', a_hi)}).\n"
            f"It is guaranteed that the sum of n over all test cases does not exceed {big(total, style)}.\n\nOutput\n\n"
            "Print the answer.")
    sample = f"2\n3\n{a_lo} {a_lo} {a_hi}\n1\n{a_hi}\n" if t_hi >= 2 else f"1\n3\n{a_lo} {a_hi} {a_lo}\n"
    made, notes = synthesize(stdin_problem(text, [sample]), 6, seed, max_chars=60_000)
    checked = [g for g in made if g.checked]
    assert checked, notes
    for g in checked:
        lines = g.text.split("\n")
        t = int(lines[0])
        assert 1 <= t <= t_hi
        at, sizes = 1, []
        for _ in range(t):
            n = int(lines[at])
            values = [int(v) for v in lines[at + 1].split()]
            assert 1 <= n <= n_hi and len(values) == n
            assert all(a_lo <= v <= a_hi for v in values)
            sizes.append(n)
            at += 2
        assert sum(sizes) <= total and lines[at:] == [""]


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(n_hi=st.sampled_from([2, 10, 3000, 200000]), w_hi=SPANS.filter(bool),
       seed=st.integers(0, 10**6))
def test_tree_inputs_are_trees(n_hi, w_hi, seed):
    text = (f"Input\n\nThe first line contains n (2 ≤ n ≤ {n_hi}). Each of the next n − 1 lines contains three integers "
            f"u, v, w (1 ≤ u, v ≤ n, 1 ≤ w ≤ {w_hi}). It is guaranteed that the given edges form a tree.\n\nOutput\n")
    samples = ["3\n1 2 1\n2 3 1\n", "2\n2 1 1\n"] if n_hi > 2 else ["2\n2 1 1\n", "2\n1 2 1\n"]
    made, _ = synthesize(stdin_problem(text, samples), 5, seed, max_chars=50_000)
    assert any(g.checked for g in made)
    for g in (g for g in made if g.checked):
        lines = g.text.split("\n")[:-1]
        n = int(lines[0])
        assert 2 <= n <= n_hi and len(lines) == n
        parent = list(range(n + 1))

        def root(x):
            while parent[x] != x:
                x = parent[x]
            return x

        for line in lines[1:]:
            u, v, w = map(int, line.split())
            assert 1 <= u <= n and 1 <= v <= n and 1 <= w <= w_hi and root(u) != root(v)
            parent[root(u)] = root(v)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(len_hi=st.sampled_from([3, 50, 10**5]), lo=st.integers(-100, 100), span=SPANS,
       seed=st.integers(0, 10**6))
def test_functional_inputs_satisfy_stated_constraints(len_hi, lo, span, seed):
    assume(not 100 < lo + span < 1100)  # read as a lost superscript (see SPANS)
    text = (f"Constraints:\n\n1 <= nums.length <= {len_hi}\n{lo} <= nums[i] <= {lo + span}\n1 <= k <= nums.length\n")
    problem = Problem(question_id="f", question_title="f", question_content=text, func_name="solve",
                      starter_code="class Solution:\n    def solve(self, nums: List[int], k: int) -> int:\n        ",
                      public_test_cases=(TestCase(input=f"[{lo}]\n1", output="0", testtype=TestType.FUNCTIONAL),))
    made, notes = synthesize(problem, 8, seed, max_chars=80_000)
    assert all(g.checked for g in made), notes
    for g in made:
        nums, k = [json.loads(line) for line in g.text.split("\n")]
        assert 1 <= len(nums) <= len_hi and 1 <= k <= len(nums)
        assert all(lo <= x <= lo + span for x in nums)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(n_hi=st.sampled_from([3, 12, 150, 5000]), a_lo=st.integers(-50, 50), a_span=SPANS, seed=st.integers(0, 10**6))
def test_distinct_values_stay_distinct_and_in_range_at_every_scale(n_hi, a_lo, a_span, seed):
    """Tiny and small random inputs draw from the bottom of the range: where n distinct values need more
    room than that, the window widens -- never a repeat, never a value outside the range."""
    a_hi = a_lo + a_span
    assume(not 100 < a_hi < 1100 and a_span + 1 >= 3)  # lost superscripts (see SPANS); room for the sample
    text = (f"Input\n\nThe first line contains n (1 ≤ n ≤ {n_hi}). The second line contains n pairwise distinct "
            f"integers a_1, …, a_n ({a_lo} ≤ a_i ≤ {a_hi}).\n\nOutput\n\nPrint the answer.")
    made, notes = synthesize(stdin_problem(text, [f"3\n{a_lo} {a_hi} {a_lo + 1}\n"]), 12, seed, max_chars=40_000)
    assert any(g.checked for g in made), notes
    for g in (g for g in made if g.checked):
        lines = g.text.split("\n")
        n, values = int(lines[0]), [int(v) for v in lines[1].split()]
        assert 1 <= n <= n_hi and len(values) == n and len(set(values)) == n
        assert all(a_lo <= v <= a_hi for v in values)
