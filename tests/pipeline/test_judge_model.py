"""A generator and a separate judge model, each a real HTTP server on loopback, through the real sandbox."""

import json
import socket

import pytest

import sstar
from sstar.models import Stage, load_model
from sstar.pipeline import DecidedBy, PairDecision, Rule, SolveResult, SStarConfig

from ..cli.test_solve_cli import stage_of
from ..models.fake_openai import FakeOpenAI
from .test_sstar import GOOD, PROBLEM, SUBTLE, fenced, oracle


def generator_answer(body):
    content = body["messages"][-1]["content"]
    if stage_of(content) is Stage.DEBUG:
        return fenced(GOOD)
    generator_answer.count = getattr(generator_answer, "count", 0) + 1
    return fenced((SUBTLE, GOOD)[generator_answer.count % 2])


def judge_answer(body):
    messages = body["messages"]
    stage = stage_of(messages[-1]["content"])
    if stage is Stage.SYNTHESIZE and "### Program A" in messages[-1]["content"]:  # for one pair
        return "```json\n[[7, 2, 5]]\n```\n```json\n[[1, 1]]\n```"
    if stage is Stage.SYNTHESIZE:
        return "```json\n[[9, 1, 3]]\n```"
    return oracle(stage, messages)


def config(**kw):
    return SStarConfig(**{"n": 4, "rounds": 1, "model_inputs": 2, "hypothesis_inputs": 5,
                          "judge_expected_output": False, **kw})


def models(gen, judge, **judge_options):
    gen.default = "ignore_n"  # one choice per request, so the programs alternate
    options = {"api_key": "k"}
    return (load_model("openai:gen", base_url=gen.url, **options),
            load_model("openai:judge", base_url=judge.url, **{**options, **judge_options}))


def contents(server):
    return [b["messages"][-1]["content"] for b in server.requests]


def test_the_judge_server_writes_inputs_and_judges_and_the_generator_only_generates(sandbox):
    with FakeOpenAI(answer=generator_answer) as gen, FakeOpenAI(answer=judge_answer) as judge:
        gen_model, judge_model = models(gen, judge)
        result = sstar.solve(PROBLEM, model=gen_model, judge_model=judge_model, sandbox=sandbox, config=config())
        gen_model.close()
        judge_model.close()
    assert result.program == GOOD and result.decided_by is DecidedBy.JUDGE
    assert {stage_of(c) for c in contents(gen)} <= {Stage.GENERATE, Stage.DEBUG}
    assert {stage_of(c) for c in contents(judge)} == {Stage.SYNTHESIZE, Stage.JUDGE}
    pair_requests = [c for c in contents(judge) if "### Program A" in c and "new, valid test inputs" in c]
    assert len(pair_requests) == 1 and GOOD.strip() in pair_requests[0] and SUBTLE.strip() in pair_requests[0]
    judged = [c for c in contents(judge) if "ANSWER: TIE" in c]
    assert len(judged) == 2 and all(GOOD.strip() in c and SUBTLE.strip() in c for c in judged)
    comp = result.comparisons[0]
    assert comp.rule is Rule.JUDGE and comp.decision in (PairDecision.A, PairDecision.B)
    pair_inputs = [i for i in result.synthesized_inputs if i.source == "pair"]
    assert pair_inputs and all(i.pair == (0, 1) and len(i.outcomes) == 2 for i in pair_inputs)
    assert set(result.usage_by_model) == {"gen", "judge"}
    assert set(result.usage_by_model["gen"]) - {"total"} <= {"generate", "debug"}
    assert {"synthesize", "judge"} <= set(result.usage_by_model["judge"])
    assert [c.model for c in result.calls if c.stage is Stage.JUDGE] == ["judge", "judge"]
    assert result.config["judge_model"]["name"] == "judge" and result.config["model"]["name"] == "gen"
    again = SolveResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert again.to_dict() == result.to_dict()
    assert again.comparisons == result.comparisons and again.candidates == result.candidates
    assert again.calls == result.calls and again.synthesized_inputs == result.synthesized_inputs
    assert again.comparisons[0].rule is Rule.JUDGE and again.decided_by is DecidedBy.JUDGE


def test_a_garbage_judge_answer_is_no_decision_and_never_a_crash(sandbox):
    def garbage(body):
        if stage_of(body["messages"][-1]["content"]) is Stage.SYNTHESIZE:
            return judge_answer(body)
        return "¯\\_(ツ)_/¯ ANSWER: maybe"

    with FakeOpenAI(answer=generator_answer) as gen, FakeOpenAI(answer=garbage) as judge:
        gen_model, judge_model = models(gen, judge)
        result = sstar.solve(PROBLEM, model=gen_model, judge_model=judge_model, sandbox=sandbox, config=config())
    assert result.program in (GOOD, SUBTLE) and result.comparisons
    assert all(c.rule is Rule.JUDGE_UNREADABLE and c.winner is None for c in result.comparisons)
    assert result.decided_by is DecidedBy.TIE_BREAK and result.undistinguished


def _closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def test_a_judge_server_that_is_down_leaves_pairs_undecided_and_recorded(sandbox):
    with FakeOpenAI(answer=generator_answer) as gen:
        gen.default = "ignore_n"
        gen_model = load_model("openai:gen", base_url=gen.url, api_key="k")
        judge_model = load_model("openai:judge", base_url=_closed_port_url(), api_key="k", max_retries=1,
                                 timeout_s=2)
        result = sstar.solve(PROBLEM, model=gen_model, judge_model=judge_model, sandbox=sandbox,
                             config=config(hypothesis_inputs=30))
    assert result.program in (GOOD, SUBTLE)
    assert [c.rule for c in result.comparisons] == [Rule.JUDGE_FAILED]
    assert result.decided_by is DecidedBy.TIE_BREAK
    failed = [c for c in result.calls if c.model == "judge"]
    assert failed and all(c.finish_reason.value == "error" and c.error for c in failed)
    assert result.usage_by_model["judge"]["total"]["failures"] == len(failed)


@pytest.mark.parametrize("sees_code", [True, False])
def test_judge_sees_the_code_unless_told_not_to(sandbox, sees_code):
    with FakeOpenAI(answer=generator_answer) as gen, FakeOpenAI(answer=judge_answer) as judge:
        gen_model, judge_model = models(gen, judge)
        sstar.solve(PROBLEM, model=gen_model, judge_model=judge_model, sandbox=sandbox,
                    config=config(judge_sees_code=sees_code, pair_inputs=0))
    judged = [c for c in contents(judge) if "ANSWER: TIE" in c]
    assert judged and all(("### Program A" in c) is sees_code for c in judged)
