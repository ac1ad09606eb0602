"""Each S* stage does what it claims, with a scripted model and the real sandbox."""

import json
import re
import threading

import pytest

import sstar
from sstar.models import ScriptedModel, Stage
from sstar.pipeline import DecidedBy, PairDecision, RoundVerdict, Rule, SelectionMethod, SStarConfig
from sstar.problem import Problem, TestCase, TestType

STARTER = "class Solution:\n    def largest(self, nums: List[int]) -> int:\n        "
GOOD = "class Solution:\n    def largest(self, nums):\n        return max(nums)\n"
# Passes both public tests, wrong on other three-element lists.
SUBTLE = "class Solution:\n    def largest(self, nums):\n        return nums[1] if len(nums) == 3 else max(nums)\n"
FAILS_PUBLIC = "class Solution:\n    def largest(self, nums):\n        return min(nums)\n"


def test(args, out):
    return TestCase(input=json.dumps(args), output=json.dumps(out), testtype=TestType.FUNCTIONAL)


test.__test__ = False
PROBLEM = Problem(
    question_id="largest", platform="leetcode", starter_code=STARTER, metadata={"func_name": "largest"},
    question_content="Return the largest element of nums.\n\nConstraints:\n * 1 <= nums.length <= 6\n"
                     " * -20 <= nums[i] <= 20\n",
    public_test_cases=(test([1, 5, 3], 5), test([2, 9], 9)),
    private_test_cases=tuple(test(a, max(a)) for a in ([4, 1, 2], [0], [-3, -1, -2], [1, 2, 3, 4])),
)


def fenced(code):
    return f"Here is my solution.\n```python\n{code}```\n"


def oracle(stage, messages, generate=(GOOD,), debug=GOOD, judge_text=None, synth="[[3]]"):
    """A scripted model that knows the answer: it computes max() of the input it is shown."""
    content = messages[-1]["content"]
    if stage is Stage.GENERATE:
        return [fenced(code) for code in generate]
    if stage is Stage.DEBUG:
        return fenced(debug)
    if stage is Stage.SYNTHESIZE:
        return "\n".join(f"```json\n{s}\n```" for s in synth.split("|"))
    if judge_text is not None:
        return judge_text
    nums = json.loads(re.search(r"### Input(?: 1)?\n```\n(.*?)\n```", content, re.S).group(1))
    right = str(max(nums))
    if "### Output A" in content:
        a = re.search(r"### Output A(?: on input 1)?\n```\n(.*?)\n```", content, re.S).group(1)
        return "Reasoning...\nANSWER: A" if a.strip() == right else "Reasoning...\nANSWER: B"
    return f"Step by step...\n```output\n{right}\n```"


def script(**kw):
    return ScriptedModel(lambda stage, messages: oracle(stage, messages, **kw))


def config(**kw):
    return SStarConfig(**{"n": 2, "rounds": 2, "model_inputs": 2, "hypothesis_inputs": 10, **kw})


def test_generation_prompt_carries_the_statement_starter_code_and_format(sandbox):
    model = script()
    sstar.solve(PROBLEM, model=model, sandbox=sandbox, config=config(n=1))
    stage, messages, params = model.calls[0]
    assert stage is Stage.GENERATE and params.n == 1
    assert "Return the largest element" in messages[-1]["content"] and STARTER.strip() in messages[-1]["content"]
    assert "### Format: You will use the following starter code" in messages[-1]["content"]


def test_a_buggy_candidate_is_fixed_by_debugging(sandbox):
    model = script(generate=(FAILS_PUBLIC,), debug=GOOD)
    result = sstar.solve(PROBLEM, model=model, sandbox=sandbox, config=config(n=1))
    cand = result.candidates[0]
    assert [r.verdict for r in cand.history] == [RoundVerdict.WRONG_ANSWER, RoundVerdict.ACCEPTED]
    assert cand.code == GOOD and result.program == GOOD
    debug_prompt = next(m for s, m, _ in model.calls if s is Stage.DEBUG)[-1]["content"]
    assert "Expected output" in debug_prompt and "Your output" in debug_prompt and "min(nums)" in debug_prompt
    assert result.usage["debug"]["calls"] == 1


def test_debugging_stops_after_r_rounds_and_records_each(sandbox):
    model = script(generate=(FAILS_PUBLIC,), debug=FAILS_PUBLIC)
    result = sstar.solve(PROBLEM, model=model, sandbox=sandbox, config=config(n=1, rounds=2))
    assert len(result.candidates[0].history) == 3 and result.usage["debug"]["calls"] == 2
    second_prompt = [m for s, m, _ in model.calls if s is Stage.DEBUG][1][-1]["content"]
    assert "Earlier attempts" in second_prompt


@pytest.mark.parametrize("judge_first", [True, False])
def test_candidates_passing_public_tests_are_told_apart_and_the_right_one_chosen(sandbox, judge_first):
    for order in ((SUBTLE, GOOD), (GOOD, SUBTLE)):
        model = script(generate=order)
        result = sstar.solve(PROBLEM, model=model, sandbox=sandbox,
                             config=config(judge_expected_output=judge_first))
        assert all(c.passes_public for c in result.candidates)
        assert result.program == GOOD, result.comparisons
        assert len(result.clusters) == 2 and len(result.comparisons) == 1
        comp = result.comparisons[0]
        assert comp.rule is (Rule.EXPECTED_OUTPUT if judge_first else Rule.JUDGE)
        assert len(json.loads(comp.input)) == 3  # shrunk to a small distinguishing input


def test_an_input_that_crashes_every_candidate_is_dropped(sandbox):
    model = script(generate=(SUBTLE, GOOD), synth="[null]|[[3, 1, 2]]")
    result = sstar.solve(PROBLEM, model=model, sandbox=sandbox, config=config())
    by_text = {i.text: i for i in result.synthesized_inputs}
    assert by_text["null"].source == "model" and not by_text["null"].valid
    assert "every candidate fails" in by_text["null"].reason
    assert by_text["[3, 1, 2]"].valid


def test_an_unreadable_judge_answer_is_no_decision_not_a_crash(sandbox):
    model = script(generate=(SUBTLE, GOOD), judge_text="Both look fine to me!")
    result = sstar.solve(PROBLEM, model=model, sandbox=sandbox, config=config())
    comp = result.comparisons[0]
    assert comp.winner is None and comp.decision is PairDecision.NONE and comp.rule is Rule.JUDGE_UNREADABLE
    assert result.decided_by is DecidedBy.TIE_BREAK and result.undistinguished
    assert result.program in (GOOD, SUBTLE)


def test_judge_calls_grow_with_clusters_not_samples(sandbox):
    model = script(generate=(GOOD, SUBTLE) * 4)
    result = sstar.solve(PROBLEM, model=model, sandbox=sandbox, config=config(n=8, judge_expected_output=False))
    assert sorted(len(c) for c in result.clusters) == [4, 4]
    assert result.usage["judge"]["calls"] == 2  # one pair of clusters, asked in both orders
    assert result.program == GOOD


@pytest.mark.parametrize("method, expected", [
    (SelectionMethod.FIRST, SUBTLE), (SelectionMethod.MAJORITY, SUBTLE), (SelectionMethod.SSTAR, GOOD),
])
def test_selection_methods(sandbox, method, expected):
    model = script(generate=(SUBTLE, SUBTLE, GOOD))
    result = sstar.solve(PROBLEM, model=model, sandbox=sandbox, config=config(n=3, selection=method))
    assert result.program == expected and result.selection == method.value


def test_llm_judge_compares_programs_without_running_them(sandbox):
    def judge(stage, messages):
        if stage is Stage.JUDGE:
            a = re.search(r"### Program A\n```python\n(.*?)```", messages[-1]["content"], re.S).group(1)
            return "ANSWER: A" if "nums[1]" not in a else "ANSWER: B"
        return oracle(stage, messages, generate=(SUBTLE, GOOD))

    result = sstar.solve(PROBLEM, model=ScriptedModel(judge), sandbox=sandbox,
                         config=config(selection=SelectionMethod.LLM_JUDGE))
    assert result.program == GOOD and result.synthesized_inputs == ()


def test_random_is_seeded(sandbox):
    picks = {sstar.solve(PROBLEM, model=script(generate=(SUBTLE, GOOD, GOOD)), sandbox=sandbox,
                         config=config(n=3, selection=SelectionMethod.RANDOM, seed=s)).chosen_index for s in range(6)}
    again = {sstar.solve(PROBLEM, model=script(generate=(SUBTLE, GOOD, GOOD)), sandbox=sandbox,
                         config=config(n=3, selection=SelectionMethod.RANDOM, seed=s)).chosen_index for s in range(6)}
    assert picks == again and len(picks) > 1


def test_no_code_at_all(sandbox):
    result = sstar.solve(PROBLEM, model=ScriptedModel(lambda s, m: "I don't know."), sandbox=sandbox, config=config())
    assert result.program is None and result.chosen_index is None and "no candidate produced code" in result.notes


def test_result_is_json_with_the_trace_and_resolved_config(sandbox):
    result = sstar.solve(PROBLEM.model_dump(), model=script(generate=(SUBTLE, GOOD)), sandbox=sandbox, config=config())
    data = json.loads(json.dumps(result.to_dict()))
    assert {"program", "candidates", "synthesized_inputs", "comparisons", "usage", "config", "timings"} <= set(data)
    assert data["config"]["n"] == 2 and data["config"]["selection"] == "sstar"
    assert data["config"]["model"]["backend"] == "scripted" and data["config"]["sandbox"]["isolation"] == "bwrap"
    assert {"generate", "debug", "select"} <= set(data["timings"])
    assert data["candidates"][0]["history"][0]["tests"][0]["verdict"] == "accepted"
    assert {s["source"] for s in data["synthesized_inputs"]} == {"model", "hypothesis"}


def test_several_solves_at_once_share_a_model_and_a_sandbox(sandbox):
    model = script(generate=(SUBTLE, GOOD))
    results = [None] * 4

    def work(i):
        results[i] = sstar.solve(PROBLEM, model=model, sandbox=sandbox, config=config())

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.program == GOOD for r in results)
    assert all(r.usage["generate"]["calls"] == 1 for r in results)  # each run counts its own usage


def test_select_with_no_model_uses_inputs_clusters_and_ties(sandbox):
    result = sstar.select(PROBLEM, [SUBTLE, GOOD, GOOD, FAILS_PUBLIC], model=None, sandbox=sandbox)
    assert result.chosen_index in (1, 2) and result.usage == {"total": result.usage["total"]}
    assert result.candidates[3].passes_public is False


# Three programs, each wrong in its own way (all pass the public tests), and the right one last.
WRONG_THREE_WAYS = (
    SUBTLE,
    "class Solution:\n    def largest(self, nums):\n        return nums[0] if len(nums) == 4 else max(nums)\n",
    "class Solution:\n    def largest(self, nums):\n        return nums[0] + 1 if len(nums) == 1 else max(nums)\n",
)


def test_with_no_model_the_other_candidates_agreement_decides_pairs_where_majority_cannot(sandbox):
    pool = [*WRONG_THREE_WAYS, GOOD]
    result = sstar.select(PROBLEM, pool, model=None, sandbox=sandbox)
    assert len(result.clusters) == 4  # every program its own cluster: no majority
    assert result.chosen_index == 3 and result.decided_by is DecidedBy.AGREEMENT
    decided = [c for c in result.comparisons if c.decision is not PairDecision.NONE]
    assert decided and all(c.rule is Rule.AGREEMENT for c in decided)
    assert json.loads(json.dumps(result.to_dict()))["decided_by"] == "agreement"
    majority = sstar.select(PROBLEM, pool, model=None, sandbox=sandbox,
                            config=SStarConfig(selection=SelectionMethod.MAJORITY))
    assert majority.decided_by is DecidedBy.TIE_BREAK
    off = sstar.select(PROBLEM, pool, model=None, sandbox=sandbox, config=SStarConfig(decide_by_agreement=False))
    assert off.decided_by is DecidedBy.TIE_BREAK and all(c.rule is Rule.NO_MODEL for c in off.comparisons)


def test_candidates_failing_the_public_tests_are_left_out_whatever_their_position(sandbox):
    result = sstar.select(PROBLEM, [FAILS_PUBLIC, SUBTLE, FAILS_PUBLIC, GOOD], model=script(), sandbox=sandbox,
                          config=config(model_inputs=0))
    assert result.chosen_index == 3 and sorted(len(c) for c in result.clusters) == [1, 1]
    assert {m for c in result.clusters for m in c} == {1, 3}


def test_a_crash_on_any_valid_input_decides_a_pair_without_the_judge(sandbox):
    crashy = ("class Solution:\n    def largest(self, nums):\n"
              "        return nums[1] if len(nums) == 3 else (nums[10] if len(nums) == 5 else max(nums))\n")
    model = script(generate=(crashy, GOOD), judge_text="no idea")
    result = sstar.solve(PROBLEM, model=model, sandbox=sandbox, config=config(hypothesis_inputs=30))
    assert result.program == GOOD
    assert result.comparisons[0].rule is Rule.CRASH and result.usage.get("judge", {}).get("calls", 0) == 0
    assert result.decided_by is DecidedBy.EXECUTION


def test_synthesized_inputs_carry_kind_and_checked_and_max_size_inputs_survive_most_failing(sandbox):
    # Quadratic candidates time out on the maximum-size input; it is checked (built from the constraints), so it
    # stays valid and the fast program is told apart from them.
    problem = PROBLEM.model_copy(update={"question_content": "Return the largest element of nums.\n\nConstraints:\n"
                                         " * 1 <= nums.length <= 10^5\n * -20 <= nums[i] <= 20\n"})
    slow = ("class Solution:\n    def largest(self, nums):\n        best = nums[0]\n        for a in nums:\n"
            "            for b in nums:\n                best = max(best, a, b)\n        return best\n")
    result = sstar.select(problem, [slow, slow, GOOD], model=None, sandbox=sandbox,
                          config=SStarConfig(hypothesis_inputs=4, synth_time_limit_s=1.0))
    kinds = {i.kind.value for i in result.synthesized_inputs}
    assert {"edge", "random", "max_size"} <= kinds
    biggest = max(result.synthesized_inputs, key=lambda i: len(i.text))
    assert biggest.kind.value == "max_size" and biggest.checked and biggest.valid
    assert result.clusters and len(result.clusters) == 2
    assert json.loads(json.dumps(result.to_dict()))["synthesized_inputs"][0]["kind"] in kinds


def test_a_statement_with_nothing_parsable_still_gets_inputs_and_a_note(sandbox):
    problem = Problem(question_id="odd", question_title="odd", question_content="Do the thing.",
                      public_test_cases=(TestCase(input="ab-3 ?x\n", output="7", testtype=TestType.STDIN),
                                         TestCase(input="q 7\n1 2 3\n", output="3", testtype=TestType.STDIN)))
    echo = "print(len(input()))\n"
    other = "s = input()\nprint(len(s) if len(s) < 9 else 0)\n"
    result = sstar.select(problem, [echo, other], model=None, sandbox=sandbox, config=SStarConfig(hypothesis_inputs=6))
    assert result.synthesized_inputs and any("sample mutation" in n for n in result.notes)
    assert all(i.kind.value == "sample_mutation" and not i.checked for i in result.synthesized_inputs)
