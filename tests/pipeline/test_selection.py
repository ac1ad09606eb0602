"""Selection's parts one by one, with no sandbox: clustering, the tournament over a fake pair judge,
verdict parsing, the execution rules, what decided a choice, and what cannot run."""

import asyncio

import pytest

from sstar.pipeline.config import TournamentMode
from sstar.pipeline import DecidedBy, Pair, PairDecision, PairVerdict, Rule, SStarConfig
from sstar.pipeline.execution import Outcome
from sstar.pipeline.pair_judge import both_orders, execution_rule, parse_verdict
from sstar.pipeline.selection import Cluster, cluster, explain, pick, runnable, tournament

OK = lambda out, cpu=0.01: Outcome("ok", out, cpu)  # noqa: E731
CRASH = Outcome("runtime_error", "", 0.01)
SLOW = Outcome("time_limit", "", 2.0)


def test_clusters_group_identical_behaviour_on_valid_inputs_largest_first():
    matrix = [[OK("1"), OK("2")], [OK("1"), OK("3")], [OK("1"), OK("2")], [OK("9"), OK("2")]]
    groups = cluster([10, 11, 12, 13], matrix, [True, True])
    assert [g.members for g in groups] == [[10, 12], [11], [13]]
    assert groups[0].rep == 10
    # An invalid input does not split clusters.
    assert [g.members for g in cluster([10, 11, 12, 13], matrix, [True, False])] == [[10, 11, 12], [13]]


def test_cluster_ties_go_to_the_faster_program():
    matrix = [[OK("1", cpu=0.5)], [OK("2", cpu=0.1)]]
    assert [g.members for g in cluster([0, 1], matrix, [True])] == [[1], [0]]


def test_between_clusters_of_one_size_the_one_that_fails_less_ranks_first():
    # Program 0 is faster but crashes on a valid input; program 1 answers everywhere.
    matrix = [[OK("1", cpu=0.01), CRASH], [OK("2", cpu=0.5), OK("3", cpu=0.5)]]
    groups = cluster([0, 1], matrix, [True, True])
    assert [g.members for g in groups] == [[1], [0]] and [g.failures for g in groups] == [0, 1]
    # A failure on an invalid input does not count.
    assert [g.failures for g in cluster([0, 1], matrix, [True, False])] == [0, 0]
    # With no points either way, pick() keeps that order; the larger cluster still comes first.
    assert pick(groups, [0, 0]) == 0
    bigger = [Cluster([5, 6], 5, 0.9, failures=2), Cluster([7], 7, 0.1)]
    assert pick(bigger, [0, 0]) == 0 and pick(bigger, [0, 1]) == 1


@pytest.mark.parametrize("text, expected", [
    ("Reasoning\nANSWER: A", PairDecision.A),
    ("ANSWER: A ... on reflection\nANSWER: B", PairDecision.B),  # the last one decides
    ("**ANSWER:** TIE", PairDecision.TIE),
    ("answer: (b)", PairDecision.B),
    ("The answer is\nB", PairDecision.B),
    ("Both look fine", None),
    ("", None),
    (None, None),
    ("ANSWER: Both", None),
])
def test_verdict_parsing(text, expected):
    assert parse_verdict(text) is expected


@pytest.mark.parametrize("first, second, expected", [
    (PairDecision.A, PairDecision.B, PairDecision.A),  # A first, then asked swapped: B is the same program
    (PairDecision.B, PairDecision.A, PairDecision.B),
    (PairDecision.TIE, PairDecision.TIE, PairDecision.TIE),
    (PairDecision.A, PairDecision.A, PairDecision.NONE),  # position bias: no decision
    (PairDecision.A, PairDecision.TIE, PairDecision.NONE),
    (None, PairDecision.B, PairDecision.NONE),
])
def test_both_orders(first, second, expected):
    assert both_orders(first, second) is expected


def test_crash_rule_decides_on_a_valid_input_only_and_can_be_switched_off():
    cfg = SStarConfig()
    verdict = execution_rule(["x", "y"], [OK("1"), CRASH], [OK("1"), OK("2")], [True, True], cfg, 2.0)
    assert verdict.decision is PairDecision.B and verdict.rule is Rule.CRASH and verdict.input == "y"
    assert execution_rule(["x", "y"], [OK("1"), CRASH], [OK("1"), OK("2")], [True, False], cfg, 2.0) is None
    off = SStarConfig(decide_by_crash=False)
    assert execution_rule(["x", "y"], [OK("1"), CRASH], [OK("1"), OK("2")], [True, True], off, 2.0) is None


def test_both_sides_failing_somewhere_is_not_for_execution_to_decide():
    verdict = execution_rule(["x", "y"], [CRASH, OK("1")], [OK("1"), CRASH], [True, True], SStarConfig(), 2.0)
    assert verdict is None


def test_time_limit_rule_needs_the_other_side_within_a_quarter_of_the_limit():
    cfg = SStarConfig()
    fast, slowish = OK("1", cpu=0.4), OK("1", cpu=0.8)
    verdict = execution_rule(["x"], [SLOW], [fast], [True], cfg, 2.0)
    assert verdict.decision is PairDecision.B and verdict.rule is Rule.TIME_LIMIT
    assert execution_rule(["x"], [SLOW], [slowish], [True], cfg, 2.0) is None  # 0.8 s > 2 s / 4
    assert execution_rule(["x"], [SLOW], [fast], [True], SStarConfig(decide_by_time_limit=False), 2.0) is None


class FakeJudge:
    """Decides pairs from a table, no sandbox, no model; records what it was asked."""

    def __init__(self, table):
        self.table, self.asked = table, []

    async def decide(self, problem, pair: Pair) -> PairVerdict:
        self.asked.append((pair.a, pair.b))
        decision, rule = self.table.get((pair.a, pair.b), (PairDecision.NONE, Rule.JUDGE_DISAGREED))
        return PairVerdict(decision, rule, "fake", "in", "oa", "ob")


def _clusters(*sizes):
    out, start = [], 0
    for size in sizes:
        out.append(Cluster(list(range(start, start + size)), start, 0.1))
        start += size
    return out


def _play(clusters, judge, mode=TournamentMode.ROUND_ROBIN):
    reps = {c.rep: [] for c in clusters}
    codes = {c.rep: f"code{c.rep}" for c in clusters}
    winner, scores, comps, written = asyncio.run(tournament(None, clusters, [], reps, [], codes, judge, mode=mode))
    assert mode is not TournamentMode.ROUND_ROBIN or winner == pick(clusters, scores)
    _play.winner = winner
    return scores, comps, written


def test_tournament_scores_wins_and_ties_and_the_smaller_cluster_can_win():
    groups = _clusters(3, 1, 1)
    judge = FakeJudge({(0, 1): (PairDecision.B, Rule.JUDGE), (1, 2): (PairDecision.TIE, Rule.JUDGE),
                       (0, 2): (PairDecision.NONE, Rule.JUDGE_UNREADABLE)})
    scores, comps, _ = _play(groups, judge)
    assert scores == [0.0, 1.5, 0.5]
    assert pick(groups, scores) == 1
    assert [c.rule for c in comps] == [Rule.JUDGE, Rule.JUDGE_UNREADABLE, Rule.JUDGE]
    assert comps[0].winner == 1 and comps[2].winner is None and comps[2].decision is PairDecision.TIE
    decided_by, undistinguished = explain(1, groups, comps, [0, 1, 2, 3, 4])
    assert decided_by is DecidedBy.JUDGE and undistinguished == (4,)  # the tie did not tell 4 apart


def test_tournament_skips_pairs_that_cannot_change_the_winner():
    groups = _clusters(1, 1, 1, 1)
    table = {(0, 1): (PairDecision.A, Rule.JUDGE), (0, 2): (PairDecision.A, Rule.JUDGE),
             (0, 3): (PairDecision.A, Rule.JUDGE)}
    judge = FakeJudge(table)
    scores, comps, _ = _play(groups, judge)
    # After 0 has 3 points, (1, 2), (1, 3), (2, 3) can give at most 2 points: never asked.
    assert judge.asked == [(0, 1), (0, 2), (0, 3)]
    assert pick(groups, scores) == 0


def test_with_no_decision_the_tie_break_is_said():
    groups = _clusters(2, 1)
    scores, comps, _ = _play(groups, FakeJudge({}))
    winner = pick(groups, scores)
    assert winner == 0  # the larger cluster
    assert explain(winner, groups, comps, [0, 1, 2]) == (DecidedBy.TIE_BREAK, (1, 2))


def test_a_win_by_execution_alone_is_said():
    groups = _clusters(1, 1)
    _, comps, _ = _play(groups, FakeJudge({(0, 1): (PairDecision.A, Rule.CRASH)}))
    assert explain(0, groups, comps, [0, 1]) == (DecidedBy.EXECUTION, ())


@pytest.mark.parametrize("code, ok", [
    ("print(1)\n", True), ("", False), ("  \n", False), (None, False),
    ("#include <stdio.h>\nint main() { return 0; }\n", False), ("print 'py2'\n", False),
])
def test_runnable(code, ok):
    assert runnable(code) is ok


def test_champion_mode_plays_one_pair_per_challenger_and_the_winner_stays():
    groups = _clusters(3, 2, 1, 1)
    judge = FakeJudge({(0, 1): (PairDecision.NONE, Rule.JUDGE_DISAGREED), (0, 2): (PairDecision.B, Rule.JUDGE),
                       (2, 3): (PairDecision.A, Rule.CRASH)})
    _, comps, _ = _play(groups, judge, TournamentMode.CHAMPION)
    assert judge.asked == [(0, 1), (0, 2), (2, 3)] and _play.winner == 2
    decided_by, undistinguished = explain(2, groups, comps, list(range(7)))
    assert decided_by is DecidedBy.JUDGE and undistinguished == (3, 4)  # cluster 1 never met cluster 2


@pytest.mark.parametrize("text, why", [
    ("[1, 5, 3]", ""), ("[-21, 0]", "element of nums (-21)"), ("[99, 1]", "element of nums (99)"),
    ("[1, 2, 3, 4, 5, 6, 7]", "length of nums (7)"), ("[]", "length of nums (0)"), ("[1]\n[2]", "2 arguments"),
])
def test_model_written_inputs_are_checked_against_the_stated_constraints(text, why):
    from sstar.pipeline.input_check import constraint_violation

    from .test_sstar import PROBLEM

    found = constraint_violation(PROBLEM, text)
    assert (why in found) if why else found == ""


class Recorder:
    """A fake judge model: answers by stage from a table, records the prompts."""

    def __init__(self, inputs="```json\n[[4, 9, 2]]\n```", verdicts=("ANSWER: A", "ANSWER: B")):
        self.inputs, self.verdicts, self.prompts = inputs, list(verdicts), []

    async def __call__(self, messages, stage):
        from sstar.models import Stage

        self.prompts.append((stage, messages[-1]["content"]))
        if stage is Stage.SYNTHESIZE:
            return self.inputs
        return self.verdicts.pop(0) if self.verdicts else None


def _model_judge(ask, behaviour, others=(), expected=False):
    from sstar.pipeline import ModelPairJudge
    from sstar.synthesis.model_inputs import parse_model_inputs

    from .test_sstar import PROBLEM

    async def run_inputs(codes, texts):
        return [[behaviour(code, t) for t in texts] for code in codes]

    return ModelPairJudge(SStarConfig(shrink_steps=0, judge_expected_output=expected), ask, run_inputs, None, 2.0,
                          lambda text: parse_model_inputs(text, PROBLEM, 1, 10_000), ["nums"], others)


def _decide(judge, out_a=(OK("5"),), out_b=(OK("7"),), inputs=("[5, 7]",)):
    from .test_sstar import PROBLEM

    pair = Pair(0, 1, 3, 4, "code A", "code B", list(inputs), list(out_a), list(out_b), [True] * len(inputs))
    return asyncio.run(judge.decide(PROBLEM, pair))


def test_the_model_pair_judge_asks_for_pair_inputs_then_judges_in_both_orders_without_a_sandbox():
    ask = Recorder()
    verdict = _decide(_model_judge(ask, lambda code, text: OK("9" if code == "code A" else "4")))
    (s1, pair_prompt), (_, first), (_, second) = ask.prompts
    assert s1.value == "synthesize" and "code A" in pair_prompt and "code B" in pair_prompt and "[5, 7]" in pair_prompt
    assert "### Program A\n```python\ncode A" in first and "### Program A\n```python\ncode B" in second
    assert verdict.decision is PairDecision.A and verdict.rule is Rule.JUDGE
    (written,) = verdict.new_inputs
    assert written.source == "pair" and written.pair == (0, 1) and written.outcomes == ("ok:9", "ok:4")
    assert verdict.input == "[4, 9, 2]"  # the pair's own input is shown first


def test_a_crash_on_an_input_only_the_pair_ran_is_left_to_the_judge():
    def crashes_a(code, text):
        return CRASH if code == "code A" else OK("9")

    verdict = _decide(_model_judge(Recorder(verdicts=("ANSWER: TIE", "ANSWER: TIE")), crashes_a))
    assert verdict.rule is Rule.JUDGE and verdict.decision is PairDecision.TIE
    # With a third program that runs it, the input is trusted and the crash decides.
    verdict = _decide(_model_judge(Recorder(), crashes_a, others=("code C",)))
    assert verdict.rule is Rule.CRASH and verdict.decision is PairDecision.B


def test_a_failed_judge_request_leaves_the_pair_undecided():
    verdict = _decide(_model_judge(Recorder(inputs=None, verdicts=()), lambda code, text: OK("1")))
    assert verdict.decision is PairDecision.NONE and verdict.rule is Rule.JUDGE_FAILED


def test_the_predicted_output_decides_when_it_matches_one_side_and_is_evidence_otherwise():
    ask = Recorder(verdicts=("```output\n4\n```",))
    verdict = _decide(_model_judge(ask, lambda code, text: OK("9" if code == "code A" else "4"), expected=True))
    assert verdict.rule is Rule.EXPECTED_OUTPUT and verdict.decision is PairDecision.B
    ask = Recorder(verdicts=("```output\n13\n```", "ANSWER: B", "ANSWER: A"))
    verdict = _decide(_model_judge(ask, lambda code, text: OK("9" if code == "code A" else "4"), expected=True))
    assert verdict.rule is Rule.JUDGE and verdict.decision is PairDecision.B
    assert "prediction of the correct output" in ask.prompts[-1][1] and "13" in ask.prompts[-1][1]


def test_agreement_counts_the_other_candidates_runs_where_the_pair_differs():
    from collections import Counter

    from sstar.pipeline.pair_judge import agreement_rule

    inputs = ["x", "y", "z"]
    out_a, out_b = [OK("1"), OK("2"), OK("5")], [OK("1"), OK("3"), CRASH]
    # On "y" two other runs answered 2 (A's) and one 3 (B's); on "z" one answered 5. "x" is not a difference.
    others = [Counter({"ok:1": 9}), Counter({"ok:2": 2, "ok:3": 1}), Counter({"ok:5": 1})]
    verdict = agreement_rule(inputs, out_a, out_b, [True, True, True], others)
    assert verdict.decision is PairDecision.A and verdict.rule is Rule.AGREEMENT and verdict.input == "y"
    assert "3 runs of other candidates match A's output and 1 match B's" in verdict.how
    # An invalid input casts no votes; equal votes decide nothing; no other candidates, nothing.
    assert agreement_rule(inputs, out_a, out_b, [True, True, False], others).decision is PairDecision.A
    assert agreement_rule(inputs, out_a, out_b, [True, False, True], others).decision is PairDecision.A
    assert agreement_rule(inputs, out_a, out_b, [True, True, True],
                          [Counter(), Counter({"ok:2": 1, "ok:3": 1}), Counter()]) is None
    assert agreement_rule(inputs, out_a, out_b, [True, True, True], ()) is None
    swapped = agreement_rule(inputs, out_b, out_a, [True, True, True], others)
    assert swapped.decision is PairDecision.B and swapped.input == "y"


def test_the_tournament_shows_the_judge_only_the_runs_of_candidates_outside_the_pair():
    from sstar.pipeline.selection import tally

    matrix = [[OK("1"), OK("7")], [OK("1"), OK("7")], [OK("2"), OK("7")], [OK("1"), OK("8")], [CRASH, OK("8")]]
    valid = [True, True]
    groups = cluster([0, 1, 2, 3, 4], matrix, valid)
    assert [g.members for g in groups] == [[0, 1], [2], [3], [4]]
    counts = tally(matrix, valid)
    assert counts[0] == {"ok:1": 3, "ok:2": 1} and counts[1] == {"ok:7": 3, "ok:8": 2}

    class Seen(FakeJudge):
        async def decide(self, problem, pair):
            self.others = getattr(self, "others", []) + [pair.others]
            return await super().decide(problem, pair)

    judge = Seen({})
    reps = {g.rep: matrix[g.rep] for g in groups}
    asyncio.run(tournament(None, groups, ["x", "y"], reps, valid, {g.rep: "" for g in groups}, judge,
                           mode=TournamentMode.CHAMPION, counts=counts))
    # Cluster [0, 1] against [2]: left are 3 (answers 1, 8) and 4 (crashes, answers 8).
    assert judge.asked[0] == (0, 1) and judge.others[0] == [{"ok:1": 1}, {"ok:8": 2}]


def test_a_win_by_agreement_is_said_and_outranks_execution_but_not_the_judge():
    groups = _clusters(1, 1, 1)
    _, comps, _ = _play(groups, FakeJudge({(0, 1): (PairDecision.A, Rule.AGREEMENT),
                                           (0, 2): (PairDecision.A, Rule.CRASH)}), TournamentMode.CHAMPION)
    assert explain(0, groups, comps, [0, 1, 2]) == (DecidedBy.AGREEMENT, ())
    _, comps, _ = _play(groups, FakeJudge({(0, 1): (PairDecision.A, Rule.AGREEMENT),
                                           (0, 2): (PairDecision.A, Rule.JUDGE)}), TournamentMode.CHAMPION)
    assert explain(0, groups, comps, [0, 1, 2])[0] is DecidedBy.JUDGE
