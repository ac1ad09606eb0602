"""Inputs are marked checked only where the layout and the names bound to it read every sample within
the bounds read; otherwise they are still generated, not checked, and the trace says why."""

from sstar.problem import Problem, TestCase, TestType
from sstar.synthesis import synthesize
from sstar.synthesis.facts import parse_facts
from sstar.synthesis.layout_check import unread_relation


def _problem(input_text: str, *samples: str) -> Problem:
    text = f"Some story.\n\nInput\n{input_text}\n\nOutput\nPrint the answer.\n"
    return Problem(question_id="p", question_title="p", question_content=text,
                   public_test_cases=tuple(TestCase(input=s, output="0", testtype=TestType.STDIN) for s in samples))


def _rows(text: str) -> list[list[int]]:
    return [list(map(int, line.split())) for line in text.strip().split("\n")]


def test_a_sample_breaking_a_bound_read_leaves_inputs_unchecked_with_a_note():
    problem = _problem("The first line contains n (1 ≤ n ≤ 100). The second line contains n integers a_i (1 ≤ a_i ≤ n).",
                       "3\n1 5 2\n", "2\n1 1\n")  # 5 > n: a_i is not what the statement's a_i is
    made, notes = synthesize(problem, 10, 0, max_chars=10_000)
    assert made and not any(g.checked for g in made)
    assert any("breaks the bound read" in n for n in notes)


def test_a_sample_within_every_bound_keeps_inputs_checked():
    problem = _problem("The first line contains n (1 ≤ n ≤ 100). The second line contains n integers a_i (1 ≤ a_i ≤ n).",
                       "3\n1 3 2\n", "2\n1 1\n")
    made, notes = synthesize(problem, 10, 0, max_chars=10_000)
    assert any(g.checked for g in made), notes
    for g in made:
        n, values = _rows(g.text)
        assert all(1 <= v <= n[0] for v in values)


def test_row_columns_take_the_names_declared_for_them_not_the_order_of_the_constraints():
    problem = _problem("The first line contains two integers n and m (2 ≤ n ≤ 100, 1 ≤ m ≤ 100). Each of the next m "
                       "lines contains three integers u, w and c (1 ≤ c ≤ 1000, 1 ≤ w ≤ 10, 1 ≤ u ≤ n).",
                       "3 2\n1 5 700\n2 3 900\n", "4 1\n4 10 1\n")
    made, notes = synthesize(problem, 20, 0, max_chars=10_000)
    checked = [g for g in made if g.checked]
    assert checked, notes
    for g in checked:
        (n, m), *rows = _rows(g.text)
        assert len(rows) == m and all(1 <= u <= n and 1 <= w <= 10 and 1 <= c <= 1000 for u, w, c in rows)


def test_a_relation_between_quantities_not_read_leaves_inputs_unchecked():
    problem = _problem("One line with three integers n, a and b (1 ≤ a, b ≤ 100, a + b = n + 1).", "4 2 3\n", "6 3 4\n")
    made, notes = synthesize(problem, 10, 0, max_chars=10_000)
    assert made and not any(g.checked for g in made)
    assert any("relation between quantities" in n for n in notes)
    assert unread_relation("n * m <= 5 * 10^5") and not unread_relation("1 <= n, m <= 10^5 and n - 1 <= m")


def test_a_range_stated_for_a_name_we_cannot_read_leaves_inputs_unchecked():
    # "i" reads as a word, so 1 <= i < n is not parsed: drawing i from the samples' range could exceed n
    problem = _problem("One line with two integers n and m (2 ≤ n ≤ 10, 1 ≤ m ≤ 10). Then m lines, each with an "
                       "integer i (1 ≤ i < n).", "5 2\n4\n1\n", "3 1\n2\n")
    made, notes = synthesize(problem, 10, 0, max_chars=10_000)
    assert made and not any(g.checked for g in made)
    assert any("range stated for i not read" in n for n in notes)


def test_a_column_of_repeated_words_is_drawn_from_those_words():
    problem = _problem("The first line contains n (1 ≤ n ≤ 50). Each of the next n lines contains a colour s "
                       "(one of red, green or blue) and an integer a (1 ≤ a ≤ 10^9).",
                       "3\nred 5\ngreen 7\nred 1\n", "2\nblue 4\nblue 9\n")
    made, _ = synthesize(problem, 20, 0, max_chars=10_000)
    words = {line.split()[0] for g in made for line in g.text.strip().split("\n")[1:]}
    assert words and words <= {"red", "green", "blue"}


def test_no_two_at_the_same_place_means_distinct_and_assume_is_a_guarantee_not_a_sum():
    facts = parse_facts("It is guaranteed that no two points are at the same location.")
    assert facts.distinct and not facts.unread
    facts = parse_facts("You may assume that such a square always exists.")
    assert facts.unread  # "assume" holds "sum", which is no reason to think the guarantee was read
    problem = _problem("The first line contains n (1 ≤ n ≤ 1000). Each of the next n lines contains two integers "
                       "x and y (0 ≤ x, y ≤ 10^9). No two points are at the same location.",
                       "3\n0 0\n1 1\n2 4\n", "2\n5 5\n0 7\n")
    made, _ = synthesize(problem, 10, 0, max_chars=10_000)
    for g in made:
        if g.checked:
            rows = [tuple(r) for r in _rows(g.text)[1:]]
            assert len(set(rows)) == len(rows)


def test_a_sequence_c1_c2_dots_is_no_line_of_two_names():
    problem = _problem("The first line contains two integers n, m (2 ≤ n ≤ 50, 1 ≤ m ≤ 50). The second line contains "
                       "integers c1, c2, ..., cn (1 ≤ ci ≤ 10^5). Next m lines contain two integers ai, bi "
                       "(1 ≤ ai, bi ≤ n).", "3 2\n7 9 4\n1 2\n3 1\n", "4 1\n5 5 5 5\n4 2\n")
    made, notes = synthesize(problem, 20, 0, max_chars=10_000)
    checked = [g for g in made if g.checked]
    assert checked, notes
    for g in checked:
        (n, m), colours, *edges = _rows(g.text)
        assert len(colours) == n and all(1 <= a <= n and 1 <= b <= n for a, b in edges)


def test_a_sum_bounded_by_a_quantity_and_a_difference_not_built_leave_inputs_unchecked():
    problem = _problem("One line with integers n (1 ≤ n ≤ 100) and h (0 ≤ h ≤ 50). Then h lines, each with an integer "
                       "k_i (1 ≤ k_i ≤ n). It holds that $\\sum_{i=1}^h k_i \\leq n$.", "3 0\n", "4 2\n1\n3\n")
    made, notes = synthesize(problem, 10, 0, max_chars=10_000)
    assert made and not any(g.checked for g in made) and any("relation" in n for n in notes)
    problem = _problem("One line with two integers n and m (2 ≤ n ≤ 10, 1 ≤ m ≤ 10). Then m lines, each with a character "
                       "c (either ! or ?) and two integers x and y (1 ≤ x, y ≤ n, x ≠ y).", "4 2\n! 1 4\n? 2 3\n", "3 1\n? 3 1\n")
    made, notes = synthesize(problem, 10, 0, max_chars=10_000)
    assert made and not any(g.checked for g in made) and any("x != y" in n for n in notes)


def test_a_count_the_samples_cannot_tell_apart_is_trusted_only_where_the_statement_names_it():
    text = ("The first line contains two integers n and m (1 ≤ n ≤ 100, 0 ≤ m ≤ 100). Next {} lines contain two "
            "integers u and v each (1 ≤ u, v ≤ n).")
    sample = "3 3\n1 2\n2 3\n3 1\n"  # n = m: the rows could be n rows or m rows
    made, notes = synthesize(_problem(text.format("several"), sample), 10, 0, max_chars=10_000)
    assert made and not any(g.checked for g in made) and any("could be another value" in n for n in notes)
    made, notes = synthesize(_problem(text.format("n"), sample), 10, 0, max_chars=10_000)
    checked = [g for g in made if g.checked]
    assert checked, notes
    for g in checked:
        (n, m), *rows = _rows(g.text)
        assert len(rows) == n and all(1 <= u <= n and 1 <= v <= n for u, v in rows)


def test_rows_read_as_typed_queries_need_the_statement_to_speak_of_queries():
    problem = _problem("The first line contains n (2 ≤ n ≤ 100). The second line contains n-1 integers p_2, ..., p_n "
                       "(1 ≤ p_i ≤ 100). The third line contains n integers a_1, ..., a_n (0 ≤ a_i ≤ 10^9).",
                       "3\n1 1\n3 1 2\n", "3\n1 1\n3 1 3\n")  # the same shape twice: typed rows fit as well
    made, notes = synthesize(problem, 10, 0, max_chars=10_000)
    assert made and not any(g.checked for g in made) and any("typed" in n for n in notes)


def test_a_statement_with_test_cases_needs_a_layout_with_test_cases():
    problem = _problem("The first line contains t (1 ≤ t ≤ 10), the number of test cases. Each test case is a line of "
                       "integers.", "2\n1 2 3\n4 5\n")  # no block repeats: read as three fixed lines
    made, notes = synthesize(problem, 10, 0, max_chars=10_000)
    assert made and not any(g.checked for g in made) and any("test cases" in n for n in notes)


def test_a_bound_on_a_value_read_after_it_is_bound_but_not_trusted():
    problem = _problem("The first line contains n and m (3 ≤ n ≤ 100, 0 ≤ m ≤ 100). Each of the next m lines contains "
                       "two integers a and b (1 ≤ a < b ≤ n).", "4 3\n1 2\n2 3\n2 4\n", "4 2\n1 3\n3 4\n")
    made, notes = synthesize(problem, 10, 0, max_chars=10_000)
    assert made and not any(g.checked for g in made)
    assert any("refers to a value read after it" in n for n in notes)  # a bound to the first column, not b


def test_rows_typed_by_a_symbol_are_queries_without_the_word():
    problem = _problem("The first line contains q (1 ≤ q ≤ 100). Each of the next q lines is + x (1 ≤ x ≤ 10^9) or -.",
                       "3\n+ 5\n+ 7\n-\n", "2\n+ 1\n-\n")
    made, notes = synthesize(problem, 10, 0, max_chars=10_000)
    assert any(g.checked for g in made), notes
    for g in made:
        lines = g.text.strip().split("\n")
        assert len(lines) == 1 + int(lines[0]) and all(line == "-" or line.startswith("+ ") for line in lines[1:])
