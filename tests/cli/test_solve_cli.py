"""``sstar solve`` and ``sstar select`` as a user runs them, against a real HTTP model server."""

import json
import os
import subprocess
import sys

import pytest

from ..conftest import PROBLEMS, REFERENCE
from ..models.fake_openai import FakeOpenAI
from ..pipeline.test_sstar import GOOD, PROBLEM, SUBTLE, WRONG_THREE_WAYS, oracle
from sstar.models import Stage


def stage_of(content: str) -> Stage:
    if "new, valid test inputs" in content:
        return Stage.SYNTHESIZE
    if "### Output A" in content or "exact correct output" in content or "### Program A" in content:
        return Stage.JUDGE
    if "### Your program:" in content:
        return Stage.DEBUG
    if "new, valid test inputs" in content:
        return Stage.SYNTHESIZE
    return Stage.GENERATE


def server_answer(body):
    messages = body["messages"]
    stage = stage_of(messages[-1]["content"])
    reply = oracle(stage, messages, generate=(SUBTLE, GOOD))
    if isinstance(reply, list):  # generation: alternate between the two programs per request
        server_answer.count = getattr(server_answer, "count", 0) + 1
        return reply[server_answer.count % 2]
    return reply


def sstar(*args, env=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "sstar", *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "COLUMNS": "200", **(env or {})})


@pytest.fixture
def problem_file(tmp_path):
    path = tmp_path / "largest.json"
    path.write_text(PROBLEM.model_dump_json())
    return path


def test_solve_end_to_end_over_http(problem_file, tmp_path):
    out = tmp_path / "trace.json"
    with FakeOpenAI(answer=server_answer) as server:
        server.default = "ignore_n"  # like llama.cpp: one choice per request whatever n is
        proc = sstar("solve", str(problem_file), "--model", "openai:fake", "--base-url", server.url, "--n", "4",
                     "--rounds", "1", "--seed", "3", "--out", str(out), env={"OPENAI_API_KEY": "k"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout == GOOD
    trace = json.loads(out.read_text())
    assert {"program", "candidates", "synthesized_inputs", "comparisons", "usage", "config"} <= set(trace)
    assert trace["config"]["n"] == 4 and trace["config"]["seed"] == 3 and len(trace["candidates"]) == 4
    assert trace["usage"]["generate"]["calls"] == 1 and trace["usage"]["judge"]["calls"] >= 1
    assert "stage" in proc.stderr  # the live progress went to stderr


def test_solve_without_code_exits_1(problem_file):
    with FakeOpenAI(answer="I refuse.") as server:
        proc = sstar("solve", str(problem_file), "--model", "openai:fake", "--base-url", server.url, "--n", "2",
                     env={"OPENAI_API_KEY": "k"})
    assert proc.returncode == 1 and proc.stdout == "" and "no candidate produced code" in proc.stderr


def test_solve_bad_input_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    proc = sstar("solve", str(bad), "--model", "scripted")
    assert proc.returncode == 2 and "invalid JSON" in proc.stderr


def test_solve_base_url_alone_uses_the_served_model(problem_file):
    with FakeOpenAI(answer=server_answer) as server:
        proc = sstar("solve", str(problem_file), "--base-url", server.url, "--n", "2", "--rounds", "0",
                     env={"OPENAI_API_KEY": "k"})
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert server.requests[0]["model"] == "fake-model"


def test_select_json_with_no_model(problem_file, tmp_path):
    paths = []
    for name, code in (("subtle.py", SUBTLE), ("good.py", GOOD)):
        (tmp_path / name).write_text(code)
        paths.append(str(tmp_path / name))
    proc = sstar("select", str(problem_file), *paths, "--model", "none", "--json")
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads(proc.stdout)
    assert data["index"] in (0, 1) and data["path"] == paths[data["index"]]
    assert len(data["clusters"]) == 2 and data["usage"]["total"]["calls"] == 0


def test_select_with_no_model_says_agreement_decided_and_the_rule_can_be_switched_off(problem_file, tmp_path):
    paths = []
    for k, code in enumerate((*WRONG_THREE_WAYS, GOOD)):
        (tmp_path / f"c{k}.py").write_text(code)
        paths.append(str(tmp_path / f"c{k}.py"))
    proc = sstar("select", str(problem_file), *paths, "--model", "none", "--json")
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads(proc.stdout)
    assert data["index"] == 3 and data["decided_by"] == "agreement"
    proc = sstar("select", str(problem_file), *paths, "--model", "none", "--set", "decide_by_agreement=false")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "UNDECIDED" in proc.stderr


def test_select_on_a_sample_problem_with_a_missing_file(tmp_path):
    proc = sstar("select", str(PROBLEMS / "cf_fox_cheese.json"), str(REFERENCE / "cf_fox_cheese.py"),
                 str(tmp_path / "missing.py"))
    assert proc.returncode == 2 and "missing.py: no such file" in proc.stderr


def test_solve_against_a_dead_server_is_one_line_exit_1(problem_file):
    with FakeOpenAI() as server:
        url = server.url  # closed again on exit: connections are refused
    proc = sstar("solve", str(problem_file), "--model", "openai:fake", "--base-url", url, "--n", "2",
                 env={"OPENAI_API_KEY": "k"})
    assert proc.returncode == 1 and proc.stdout == ""
    assert "every generation call failed" in proc.stderr and "connection failed" in proc.stderr
