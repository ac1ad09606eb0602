"""Debugging context like the reference's, candidates without code retried, reasoning budgets, what cannot run."""

import pytest

import sstar
from sstar.models import Completion, FinishReason, ScriptedModel, Stage
from sstar.pipeline import DebugContext, DecidedBy, RoundVerdict, SStarConfig

from .test_sstar import FAILS_PUBLIC, GOOD, PROBLEM, SUBTLE, fenced, oracle, script

# Wrong on both public tests, in two different ways.
OFF_BY_ONE = "class Solution:\n    def largest(self, nums):\n        return max(nums) + 1\n"


def config(**kw):
    return SStarConfig(**{"n": 1, "rounds": 2, "model_inputs": 0, "hypothesis_inputs": 5, **kw})


def debug_prompts(model):
    return [m[-1]["content"] for s, m, _ in model.calls if s is Stage.DEBUG]


def test_feedback_shows_every_failing_public_test_and_the_history_of_rounds(sandbox):
    model = script(generate=(OFF_BY_ONE,), debug=FAILS_PUBLIC)
    result = sstar.solve(PROBLEM, model=model, sandbox=sandbox, config=config())
    first, second = debug_prompts(model)
    assert "#### Test 1" in first and "#### Test 2" in first  # both public tests fail: both shown
    assert "[1, 5, 3]" in first and "[2, 9]" in first and "+ 1" in first
    assert "Earlier attempts" not in first
    # The second round sees the first version's code and feedback, and the current version's.
    assert "#### Attempt 0" in second and "max(nums) + 1" in second and "min(nums)" in second
    assert result.candidates[0].history[0].feedback in second


def test_last_round_only_context(sandbox):
    model = script(generate=(OFF_BY_ONE,), debug=FAILS_PUBLIC)
    sstar.solve(PROBLEM, model=model, sandbox=sandbox, config=config(debug_context=DebugContext.LAST))
    second = debug_prompts(model)[1]
    assert "Earlier attempts" not in second and "max(nums) + 1" not in second and "min(nums)" in second


def test_a_candidate_without_code_is_retried_in_the_debugging_rounds(sandbox):
    cut = Completion(text="Let me think about this very carefully", finish_reason=FinishReason.LENGTH)

    def answer(stage, messages):
        if stage is Stage.GENERATE:
            return cut
        return oracle(stage, messages)

    model = ScriptedModel(answer)
    result = sstar.solve(PROBLEM, model=model, sandbox=sandbox, config=config())
    first = result.candidates[0].history[0]
    assert first.verdict is RoundVerdict.NO_CODE and first.cut_by_length
    assert result.program == GOOD and result.candidates[0].history[1].verdict is RoundVerdict.ACCEPTED
    prompt = debug_prompts(model)[0]
    assert "no program" in prompt and "token limit" in prompt
    gen_call = next(c for c in result.calls if c.stage is Stage.GENERATE)
    assert gen_call.finish_reason is FinishReason.LENGTH and gen_call.cut_by_length


@pytest.mark.parametrize("name, options, expected", [
    ("qwen2.5-coder-7b", {}, 2048),
    ("deepseek-r1-distill-qwen-7b", {}, 32768),
    ("QwQ-32B", {}, 32768),
    ("o3-mini", {}, 32768),
    ("my-model", {"max_thinking_tokens": 4000}, 32768),
    ("my-model", {"reasoning_effort": "high"}, 32768),
])
def test_reasoning_models_get_a_large_default_budget(name, options, expected):
    assert SStarConfig().tokens_for({"name": name, **options}) == expected
    assert SStarConfig(max_tokens=900).tokens_for({"name": name, **options}) == 900
    assert SStarConfig(reasoning=False).tokens_for({"name": name, **options}) == 2048


def test_the_budget_and_sampling_settings_reach_the_model(sandbox):
    model = script(generate=(GOOD,))
    model.name = "deepseek-r1-distill"
    result = sstar.solve(PROBLEM, model=model, sandbox=sandbox,
                         config=config(top_p=0.9, stop=("<|end|>",), temperature=0.3))
    stage, _, params = model.calls[0]
    assert stage is Stage.GENERATE and params.max_tokens == 32768 and params.top_p == 0.9
    assert params.stop == ("<|end|>",) and params.temperature == 0.3
    assert result.config["max_tokens_used"] == {"generator": 32768, "judge": 32768}
    assert all(c.max_tokens == 32768 for c in result.calls)


EMPTY, C_PROGRAM = "", "#include <stdio.h>\nint main(void) { printf(\"5\\n\"); return 0; }\n"


def test_what_cannot_run_ranks_below_every_runnable_candidate(sandbox):
    # FAILS_PUBLIC passes no public test, like the others: still the only one that runs.
    result = sstar.select(PROBLEM, [EMPTY, C_PROGRAM, FAILS_PUBLIC], model=None, sandbox=sandbox)
    assert result.chosen_index == 2 and [c.runnable for c in result.candidates] == [False, False, True]
    assert result.decided_by is DecidedBy.PUBLIC_TESTS


def test_with_no_model_the_choice_says_it_was_a_tie_break(sandbox):
    result = sstar.select(PROBLEM, [SUBTLE, GOOD], model=None, sandbox=sandbox,
                          config=SStarConfig(hypothesis_inputs=30))
    assert len(result.clusters) == 2 and result.decided_by is DecidedBy.TIE_BREAK
    assert result.undistinguished == (1 - result.chosen_index,)


def test_pair_inputs_are_asked_once_per_compared_pair_showing_both_programs(sandbox):
    model = script(generate=(SUBTLE, GOOD), synth="[[9, 1, 3]]")
    result = sstar.solve(PROBLEM, model=model, sandbox=sandbox, config=config(n=2, model_inputs=1))
    pair_prompts = [m[-1]["content"] for s, m, _ in model.calls
                    if s is Stage.SYNTHESIZE and "### Program A" in m[-1]["content"]]
    assert len(pair_prompts) == len(result.comparisons) == 1
    assert "nums[1]" in pair_prompts[0] and "max(nums)" in pair_prompts[0]
    assert "They already give different results here" in pair_prompts[0]


def test_fenced_generation_is_unchanged():
    assert fenced(GOOD).count("```") == 2


def test_the_pair_step_is_a_seam_a_subclass_replaces(sandbox):
    from sstar.pipeline import PairDecision, PairVerdict, Rule, SStar

    class AlwaysTheSecond:
        def __init__(self):
            self.pairs = []

        async def decide(self, problem, pair):
            self.pairs.append((pair.rep_a, pair.rep_b))
            return PairVerdict(PairDecision.B, Rule.JUDGE, "the second always wins")

    judge = AlwaysTheSecond()

    class Custom(SStar):
        def pair_judge(self, run, rep_codes, limits):
            return judge

    result = Custom(None, sandbox, SStarConfig(hypothesis_inputs=30)).select(PROBLEM, [GOOD, SUBTLE])
    assert judge.pairs == [(0, 1)] and result.chosen_index == 1
    assert result.comparisons[0].how == "the second always wins" and result.decided_by is DecidedBy.JUDGE
