"""Failures are failures: a server that is down or fails mid-run, from the command line, end to end."""

import json
import os
import re
import subprocess
import sys

import pytest

from sstar.batch.results import read_records

from ..models.fake_openai import FakeOpenAI
from .test_bench import server_answer

ENV = {**os.environ, "OPENAI_API_KEY": "k"}
PROGRESS = re.compile(r"^\[(\d+)/(\d+)\] public tests pass .* \| tokens [\d,]+ \| failed \d+ \| elapsed [\d:]+ \| ETA ")


def sstar(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "sstar", *map(str, args)], env=ENV, capture_output=True, text=True,
                          timeout=timeout)


def bench(dataset, out, url, *extra):
    return sstar("bench", "--dataset", dataset, "--out", out, "--model", "openai:fake-model", "--base-url", url,
                 "--n", "2", "--rounds", "0", "--concurrency", "1", "--max-retries", "0", *extra)


def dead_url():
    with FakeOpenAI() as server:
        url = server.url
    return url  # the port is closed again: connections are refused


@pytest.mark.timeout(600)
def test_an_outage_is_recorded_as_failed_refused_by_score_and_retried_on_resume(dataset, tmp_path):
    out = tmp_path / "run"
    down = bench(dataset, out, dead_url(), "--limit", "3")
    assert down.returncode == 1
    assert "3 of 3 problems failed" in down.stderr and "connection failed" in down.stderr
    assert "run the same command again" in down.stderr.splitlines()[-1]
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(lines) == 3 and all(r["status"] == "failed" and "connection failed" in r["error"] for r in lines)
    assert all(r["error_type"] == "generation_failed" and r["calls"][0]["finish_reason"] == "error" for r in lines)

    refused = sstar("score", out)
    assert refused.returncode == 2 and "3 problem(s) failed" in refused.stderr and "--allow-failed" in refused.stderr
    counted = sstar("score", out, "--allow-failed", "--no-plot")
    assert counted.returncode == 0 and "3 failed, counted as wrong" in counted.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["methods"]["sstar"]["pass@1"] == 0.0 and len(summary["failed"]) == 3

    with FakeOpenAI(answer=server_answer) as server:  # back up, at another address: the same experiment
        up = bench(dataset, out, server.url.replace("127.0.0.1", "localhost"), "--limit", "3")
    assert up.returncode == 0, up.stderr[-2000:]
    progress = [line for line in up.stderr.splitlines() if PROGRESS.match(line)]
    assert [PROGRESS.match(line).group(1) for line in progress] == ["1", "2", "3"]  # one plain line per problem
    contents = read_records(out / "results.jsonl")
    assert len(contents.finished) == 3 and not contents.failed
    scored = sstar("score", out, "--no-plot")
    assert scored.returncode == 0 and json.loads((out / "summary.json").read_text())["failed"] == []


@pytest.mark.timeout(600)
def test_a_server_failing_mid_run_leaves_finished_and_failed_problems_then_resume_completes(dataset, tmp_path):
    out = tmp_path / "run"
    with FakeOpenAI(answer=server_answer) as server:
        answered = []

        def flaky(body):
            answered.append(body)
            if len(answered) == 4:  # from now on the server only fails
                server.default = "500"
            return server_answer(body)

        server.answer = flaky
        first = bench(dataset, out, server.url, "--limit", "5")
        assert first.returncode == 1
        assert re.search(r"\d of 5 problems failed \(.*server error 500", first.stderr)
        before = read_records(out / "results.jsonl")
        assert before.finished and before.failed and len(before.finished) + len(before.failed) == 5
        server.default, server.answer = "ok", server_answer
        again = bench(dataset, out, server.url, "--limit", "5")
    assert again.returncode == 0, again.stderr[-2000:]
    after = read_records(out / "results.jsonl")
    assert len(after.finished) == 5 and not after.failed and not after.duplicates
    assert {q: after.finished[q] for q in before.finished} == before.finished  # finished ones were not redone


@pytest.mark.timeout(600)
def test_two_bench_processes_on_one_folder_never_duplicate(dataset, tmp_path):
    out = tmp_path / "run"
    with FakeOpenAI(answer=server_answer, slow_s=0.3) as server:
        server.default = "slow"
        cmd = [sys.executable, "-m", "sstar", "bench", "--dataset", str(dataset), "--out", str(out), "--model",
               "openai:fake-model", "--base-url", server.url, "--n", "2", "--rounds", "0", "--concurrency", "2"]
        first = subprocess.Popen(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lock = out / ".lock"
        while first.poll() is None and not (lock.exists() and lock.read_text()):
            pass
        second = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=300)
        stdout, stderr = first.communicate(timeout=500)
    assert first.returncode == 0, stderr[-2000:]
    assert second.returncode == 2
    assert f"is in use by sstar bench (pid {first.pid}" in second.stderr and len(second.stderr.splitlines()) == 1
    ids = [json.loads(line)["question_id"] for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(ids) == 12 == len(set(ids))
    third = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=300)  # the lock went with it
    assert third.returncode == 0 and "12/12 problems finished" in third.stderr


def test_an_outage_stops_the_run_after_failures_in_a_row(dataset, tmp_path):
    out = tmp_path / "run"
    down = bench(dataset, out, dead_url(), "--limit", "6", "--stop-after-failures", "2")
    assert down.returncode == 1
    assert "2 of 6 problems failed" in down.stderr and "stopped after 2 failed in a row, 4 not attempted" in down.stderr
    contents = read_records(out / "results.jsonl")
    assert len(contents.failed) == 2 and not contents.finished
    session = json.loads((out / "config.json").read_text())["sessions"][-1]
    assert session["failed"] == 2 and session["not_attempted"] == 4 and session["finished"]


@pytest.mark.timeout(600)
def test_reselect_from_the_command_line_reaches_the_runs_own_model_and_never_generates(dataset, tmp_path):
    run, again = tmp_path / "run", tmp_path / "llm_judge"
    with FakeOpenAI(answer=server_answer) as server:
        assert bench(dataset, run, server.url, "--limit", "3").returncode == 0
        generated = len(server.requests)
        proc = sstar("reselect", run, "--selection", "llm_judge", "--out", again)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert all(body["n"] == 1 for body in server.requests[generated:])  # judging only: the samples were n=2
    assert sstar("reselect", run, "--selection", "first", "--out", run).returncode == 2
    config = json.loads((again / "config.json").read_text())
    assert config["sstar"]["selection"] == "llm_judge" and config["reselect_from"] == str(run.resolve())
    assert config["model"]["name"] == "fake-model"
    scored = sstar("score", run, again, "--no-plot")
    assert scored.returncode == 0, scored.stderr
    methods = [line.split("\t")[0] for line in scored.stdout.splitlines()[2:] if "\t" in line]
    assert methods[:2] == ["sstar", "llm_judge"]


@pytest.mark.timeout(600)
def test_bench_sends_judge_work_to_the_judge_model_and_records_it(dataset, tmp_path):
    """--judge-model/--judge-base-url on bench: generation goes to one server, inputs and judging to the other;
    --set reaches the S* settings; the judge model is part of the experiment's identity."""
    from ..cli.test_solve_cli import stage_of
    from sstar.models import Stage

    out = tmp_path / "run"
    with FakeOpenAI(answer=server_answer) as gen, FakeOpenAI(answer=server_answer) as judge:
        done = bench(dataset, out, gen.url, "--limit", "2", "--judge-model", "openai:the-judge", "--judge-base-url",
                     judge.url, "--set", "model_inputs=2", "--set", "hypothesis_inputs=3")
        gen_stages = {stage_of(b["messages"][-1]["content"]) for b in gen.requests}
        judge_stages = {stage_of(b["messages"][-1]["content"]) for b in judge.requests}
    assert done.returncode == 0, done.stderr[-2000:]
    assert gen_stages <= {Stage.GENERATE, Stage.DEBUG}
    assert judge.requests and judge_stages <= {Stage.SYNTHESIZE, Stage.JUDGE}
    config = json.loads((out / "config.json").read_text())
    assert config["judge_model"]["name"] == "the-judge"
    assert config["sstar"]["model_inputs"] == 2 and config["sstar"]["hypothesis_inputs"] == 3
    other = bench(dataset, out, gen.url, "--limit", "2", "--set", "model_inputs=2", "--set", "hypothesis_inputs=3")
    assert other.returncode == 2 and "judge_model.name: the-judge → null" in other.stderr.replace("None", "null")
