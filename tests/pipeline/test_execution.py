"""Running candidates on synthesized inputs: a program that loops forever on most inputs is given up on
after a few time limits (``skipped``), and a skipped run is never evidence either way."""

from sstar.pipeline import SStarConfig
from sstar.pipeline.execution import Outcome, Status, run_matrix
from sstar.pipeline.pair_judge import execution_rule
from sstar.pipeline.selection import valid_inputs
from sstar.problem import Problem
from sstar.sandbox.protocol import Limits

ECHO = "print(int(input()) * 2)\n"
LOOPS_ON_SMALL = "n = int(input())\nwhile n < 100:\n    pass\nprint(n * 2)\n"


def _problem() -> Problem:
    return Problem(question_id="double", question_content="Print twice n.")


def test_a_program_that_keeps_timing_out_is_skipped_on_later_rounds(sandbox):
    inputs = [str(k) for k in range(1, 25)]  # every one of them loops forever in the second program
    limits = Limits(time_s=0.3)
    out = run_matrix([ECHO, LOOPS_ON_SMALL], _problem(), inputs, sandbox, limits, give_up_after=2, first_round=5)
    assert [o.output for o in out[0]] == [str(2 * k) for k in range(1, 25)]
    statuses = [o.status for o in out[1]]
    # ECHO answers the first input at once: the looping program has lost by a time limit there, and one
    # time limit is all it costs (it used to pay one per input of the round: 5 here, 8 in a pool's round)
    assert statuses == [Status.TIME_LIMIT] + [Status.SKIPPED] * 23
    # Alone, nothing answers where it times out: it is run until its time limits are spent, then skipped.
    alone = run_matrix([LOOPS_ON_SMALL], _problem(), inputs, sandbox, limits, give_up_after=2, first_round=5)
    assert [o.status for o in alone[0]] == [Status.TIME_LIMIT] * 2 + [Status.SKIPPED] * 22
    # Without the budget every input is run (and times out).
    few = run_matrix([LOOPS_ON_SMALL], _problem(), inputs[:3], sandbox, limits)
    assert [o.status for o in few[0]] == [Status.TIME_LIMIT] * 3


def test_a_program_under_the_budget_is_run_on_every_input(sandbox):
    inputs = ["1", "150", "200", "300", "5", "400", "500"]  # two time limits, then answers
    out = run_matrix([LOOPS_ON_SMALL], _problem(), inputs, sandbox, Limits(time_s=0.3), give_up_after=3, first_round=2)
    assert [o.status for o in out[0]] == [Status.TIME_LIMIT, Status.OK, Status.OK, Status.OK, Status.TIME_LIMIT,
                                          Status.OK, Status.OK]


CRASHES_ON_ODD = "n = int(input())\nassert n % 2 == 0\nprint(n)\n"
LOOPS_ON_7 = "n = int(input())\nwhile n == 7:\n    pass\nprint(n * 2)\n"


def test_a_time_limit_is_decisive_only_where_most_candidates_answer_one_fast(sandbox):
    inputs = ["2", "7", "4", "9", "6", "8"]
    limits = Limits(time_s=0.3)
    # Most candidates crash on 7 (one answers): the time limit there is no loss, LOOPS_ON_7 keeps running.
    out = run_matrix([LOOPS_ON_7, CRASHES_ON_ODD, CRASHES_ON_ODD, ECHO], _problem(), inputs, sandbox, limits,
                     give_up_after=3, first_round=10)
    assert [o.status for o in out[0]] == [Status.OK, Status.TIME_LIMIT] + [Status.OK] * 4
    # A program crashing on every other input still gets an outcome on every input, in order.
    assert [o.status for o in out[1]] == [Status.OK, Status.RUNTIME_ERROR] * 2 + [Status.OK] * 2
    assert [o.output for o in out[3]] == [str(2 * int(t)) for t in inputs]
    # Where most answer it: lost there, not run further.
    out = run_matrix([LOOPS_ON_7, ECHO, ECHO], _problem(), inputs, sandbox, limits, give_up_after=3, first_round=10)
    assert [o.status for o in out[0]] == [Status.OK, Status.TIME_LIMIT] + [Status.SKIPPED] * 4


def test_past_the_budget_a_round_of_inputs_every_candidate_loops_on_ends_at_the_first_time_limit(sandbox):
    # Nobody answers, so no time limit is decisive; going on to each candidate's third time limit cost
    # 3 limits per candidate (HumanEval's is_simple_power: n = 0 loops in every program, 19 s for 5).
    inputs = [str(k) for k in range(1, 21)]
    loopers = [LOOPS_ON_SMALL, LOOPS_ON_SMALL.replace("100", "101")]
    out = run_matrix(loopers, _problem(), inputs, sandbox, Limits(time_s=0.3), give_up_after=3, budget_s=0.2)
    assert [[o.status for o in row] for row in out] == [[Status.TIME_LIMIT]] * 2
    # Within the budget they go on to their third time limit, then are skipped.
    out = run_matrix(loopers, _problem(), inputs[:6], sandbox, Limits(time_s=0.3), give_up_after=3, budget_s=30)
    assert [o.status for o in out[0]] == [Status.TIME_LIMIT] * 3 + [Status.SKIPPED] * 3


SKIP = Outcome(Status.SKIPPED, "", 0.0)
OK = Outcome(Status.OK, "4", 0.01)
CRASH = Outcome(Status.RUNTIME_ERROR, "", 0.01)


def test_skipped_runs_do_not_make_an_input_invalid_nor_decide_a_pair():
    # Two of three candidates skipped, the third answers: the input is still valid.
    assert valid_inputs([[SKIP], [SKIP], [OK]]) == [(True, "")]
    # One answers, two of the three that ran crash: most that ran fail.
    assert valid_inputs([[OK], [CRASH], [CRASH], [SKIP]])[0][0] is False
    config = SStarConfig()
    assert execution_rule(["1"], [SKIP], [OK], [True], config, 2.0) is None
    assert execution_rule(["1"], [OK], [SKIP], [True], config, 2.0) is None


BUSY = "import time\nn = int(input())\nend = time.process_time() + 0.15\nwhile time.process_time() < end:\n    pass\nprint(n)\n"


def test_a_time_budget_cuts_the_rounds_and_the_matrix_ends_where_it_ran_out(sandbox):
    inputs = [str(k) for k in range(40)]  # 0.15 s of CPU each: 6 s in all, far over a 0.6 s budget
    out = run_matrix([BUSY], _problem(), inputs, sandbox, Limits(time_s=2), budget_s=0.6)
    ran = len(out[0])
    assert 2 <= ran < 40 and [o.output for o in out[0]] == [str(k) for k in range(ran)]
    # With no budget (and no give-up rule) every input runs, in one batch.
    assert len(run_matrix([ECHO], _problem(), inputs, sandbox, Limits(time_s=2))[0]) == 40


def test_select_drops_the_inputs_the_budget_left_unrun_and_says_so(sandbox):
    import sstar
    from sstar.problem import TestCase, TestType

    problem = Problem(question_id="echo", question_content="Print n.\n\nInput\n\nOne integer n (1 ≤ n ≤ 10^9).\n",
                      public_test_cases=(TestCase(input="3\n", output="3\n", testtype=TestType.STDIN),))
    other = BUSY.replace("print(n)", "print(n if n < 50 else n + 1)")
    result = sstar.select(problem, [BUSY, other], model=None, sandbox=sandbox,
                          config=SStarConfig(synth_budget_s=0.6, hypothesis_inputs=40))
    note = next(n for n in result.notes if "budget for running synthesized inputs" in n)
    assert "the rest were not run" in note
    assert 2 <= len(result.synthesized_inputs) < 40
    lengths = [len(i.text) for i in result.synthesized_inputs]
    assert lengths == sorted(lengths)  # shortest first: the small inputs are the ones that run
