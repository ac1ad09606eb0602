"""Every SStarConfig field from the command line, and a separate judge model, as a user runs them."""

import json

import pytest

from ..models.fake_openai import FakeOpenAI
from ..pipeline.test_sstar import GOOD, SUBTLE
from .test_solve_cli import problem_file, server_answer, sstar, stage_of  # noqa: F401
from sstar.models import Stage


@pytest.mark.parametrize("args, message", [
    (["--set", "nope=1"], "unknown config key 'nope'"),
    (["--set", "n=abc"], "bad config value for n"),
    (["--set", "selection=best"], "bad config value for selection"),
    (["--set", "rounds"], "use KEY=VALUE"),
    (["--config", "/no/such/file.json"], "No such file"),
])
def test_bad_keys_and_values_are_one_line_and_exit_2(problem_file, args, message):  # noqa: F811
    proc = sstar("solve", str(problem_file), "--model", "scripted", *args)
    assert proc.returncode == 2 and message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_a_config_file_then_set_then_flags(problem_file, tmp_path):  # noqa: F811
    conf = tmp_path / "run.toml"
    conf.write_text('n = 3\nrounds = 0\npair_inputs = 1\ndebug_context = "last"\nshrink_steps = 5\n')
    out = tmp_path / "trace.json"
    with FakeOpenAI(answer=server_answer) as server:
        server.default = "ignore_n"
        proc = sstar("solve", str(problem_file), "--model", "openai:fake", "--base-url", server.url,
                     "--config", str(conf), "--set", "shrink_steps=7", "--set", "judge_sees_code=false",
                     "--set", "max_tokens=null", "--n", "2", "--temperature", "0.2", "--top-p", "0.5",
                     "--stop", "<END>", "--out", str(out), env={"OPENAI_API_KEY": "k"})
        bodies = list(server.requests)
    assert proc.returncode == 0, proc.stderr[-2000:]
    config = json.loads(out.read_text())["config"]
    assert config["n"] == 2 and config["rounds"] == 0 and config["pair_inputs"] == 1  # flag beats file
    assert config["shrink_steps"] == 7 and config["judge_sees_code"] is False and config["debug_context"] == "last"
    assert config["temperature"] == 0.2 and config["top_p"] == 0.5 and config["stop"] == ["<END>"]
    generation = next(b for b in bodies if stage_of(b["messages"][-1]["content"]) is Stage.GENERATE)
    assert generation["temperature"] == 0.2 and generation["top_p"] == 0.5 and generation["stop"] == ["<END>"]
    assert generation["max_tokens"] == 2048


def test_solve_with_a_separate_judge_server(problem_file, tmp_path):  # noqa: F811
    out = tmp_path / "trace.json"
    with FakeOpenAI(answer=server_answer) as gen, FakeOpenAI(answer=server_answer) as judge:
        gen.default = judge.default = "ignore_n"
        proc = sstar("solve", str(problem_file), "--model", "openai:gen", "--base-url", gen.url,
                     "--judge-base-url", judge.url, "--n", "4", "--rounds", "0", "--set", "hypothesis_inputs=30",
                     "--out", str(out), env={"OPENAI_API_KEY": "k"})
        gen_stages = {stage_of(b["messages"][-1]["content"]) for b in gen.requests}
        judge_stages = {stage_of(b["messages"][-1]["content"]) for b in judge.requests}
        judge_models = {b["model"] for b in judge.requests}
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == GOOD
    assert gen_stages == {Stage.GENERATE} and judge_stages <= {Stage.SYNTHESIZE, Stage.JUDGE}
    assert Stage.JUDGE in judge_stages and judge_models == {"fake-model"}  # the judge server's own model
    trace = json.loads(out.read_text())
    assert set(trace["usage_by_model"]) == {"gen", "fake-model"} and trace["decided_by"] == "judge"


def test_select_json_says_how_the_choice_was_made(problem_file, tmp_path):  # noqa: F811
    paths = []
    for name, code in (("subtle.py", SUBTLE), ("good.py", GOOD), ("empty.py", "")):
        (tmp_path / name).write_text(code)
        paths.append(str(tmp_path / name))
    proc = sstar("select", str(problem_file), *paths, "--model", "none", "--json", "--set", "hypothesis_inputs=30")
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads(proc.stdout)
    assert data["index"] in (0, 1) and data["decided_by"] == "tie_break"
    assert data["undistinguished"] == [1 - data["index"]] and data["candidates"][2]["runnable"] is False
    assert "UNDECIDED" in proc.stderr and "tie-break" in proc.stderr
    assert f"never told apart from candidate(s) {1 - data['index']}" in proc.stderr
