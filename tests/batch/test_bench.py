"""Batch runs: resume after kill -9, scoring with baselines, convert, the generations shape."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from sstar.batch.bench import Bench, BenchError
from sstar.batch.results import ResultsLog
from sstar.batch.generations import score_generations
from sstar.batch.score import pass_at_k, score_run
from sstar.datasets.livecodebench import Selection, load_dataset, release_files
from sstar.models import ScriptedModel, Stage
from sstar.pipeline import SStarConfig
from sstar.problem import load_problem

from ..conftest import PROBLEMS, REFERENCE, SHARED_DATA, sample_names
from ..models.fake_openai import FakeOpenAI

CONFIG = SStarConfig(n=2, rounds=0, model_inputs=0, hypothesis_inputs=4)


def reference_for(content: str) -> str:
    for name in sample_names():
        if load_problem(PROBLEMS / f"{name}.json").question_content.strip()[:200] in content:
            return (REFERENCE / f"{name}.py").read_text()
    return "print(0)\n"


def answer(stage, messages):
    if stage is Stage.GENERATE:
        return f"```python\n{reference_for(messages[-1]['content'])}```"
    return "ANSWER: A"


def test_bench_over_the_samples_then_score(dataset, tmp_path, sandbox):
    out = tmp_path / "run"
    progress = Bench(str(dataset), out, model=ScriptedModel(answer), sandbox=sandbox, config=CONFIG, concurrency=3).run()
    assert progress.done == 12 and progress.failed == 0 and progress.public_ok == 12
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(records) == 12 and len({r["question_id"] for r in records}) == 12
    assert all(r["program"] and "trace" in r and "usage" in r for r in records)
    config = json.loads((out / "config.json").read_text())
    assert config["sstar"]["n"] == 2 and config["model"]["backend"] == "scripted"
    summary = score_run(out, sandbox)
    assert summary["problems"] == 12
    for method in ("sstar", "zero_shot", "self_debug", "majority"):
        assert summary["methods"][method]["pass@1"] == 1.0
    assert set(summary["methods"]["sstar"]["by_platform"]) == {"codeforces", "leetcode"}
    assert summary["pass_at_k"]["zero_shot"] == {"1": 1.0, "2": 1.0}
    again = Bench(str(dataset), out, model=ScriptedModel([]), sandbox=sandbox, config=CONFIG).run()
    assert again.skipped == 12  # nothing left to do: the empty script is never asked


def test_changed_settings_refuse_to_resume(dataset, tmp_path, sandbox):
    out = tmp_path / "run"
    Bench(str(dataset), out, model=ScriptedModel(answer), sandbox=sandbox, config=CONFIG,
          selection=Selection(limit=1)).run()
    with pytest.raises(BenchError, match="another experiment \\(n: 2 → 3\\)"):
        Bench(str(dataset), out, model=ScriptedModel(answer), sandbox=sandbox, config=CONFIG.model_copy(update={"n": 3}),
              selection=Selection(limit=1)).run()


def test_results_log_drops_a_torn_line_and_never_duplicates(tmp_path):
    path = tmp_path / "results.jsonl"
    path.write_text('{"question_id": "a"}\n{"question_id": "b", "prog')
    log = ResultsLog(path)
    assert log.done == {"a"} and path.read_text() == '{"question_id": "a"}\n'
    assert log.append({"question_id": "b"}) and not log.append({"question_id": "b"})
    assert [r["question_id"] for r in ResultsLog(path).records()] == ["a", "b"]


def server_answer(body):
    content = body["messages"][-1]["content"]
    if "### Output A" in content:
        return "ANSWER: A"
    return f"```python\n{reference_for(content)}```"


def bench_cmd(dataset, out, url, *extra):
    return [sys.executable, "-m", "sstar", "bench", "--dataset", str(dataset), "--out", str(out), "--model",
            "openai:fake", "--base-url", url, "--n", "2", "--rounds", "0", "--concurrency", "2", *extra]


@pytest.mark.timeout(600)
def test_a_run_killed_with_sigkill_resumes_to_the_same_summary(dataset, tmp_path):
    env = {**os.environ, "OPENAI_API_KEY": "k", "COLUMNS": "200"}
    with FakeOpenAI(answer=server_answer, slow_s=0.4) as server:
        server.default = "slow"
        whole = tmp_path / "whole"
        assert subprocess.run(bench_cmd(dataset, whole, server.url), env=env, capture_output=True).returncode == 0
        killed = tmp_path / "killed"
        proc = subprocess.Popen(bench_cmd(dataset, killed, server.url), env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        results = killed / "results.jsonl"
        deadline = time.time() + 240
        while time.time() < deadline and (not results.exists() or results.read_text().count("\n") < 4):
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        partial = results.read_text().count("\n")
        assert 4 <= partial < 12
        early = subprocess.run([sys.executable, "-m", "sstar", "score", str(killed), "--no-plot", "--chosen-only"],
                               env=env, capture_output=True, text=True)  # what a kill leaves is readable at once
        assert early.returncode == 0, early.stderr[-2000:]
        assert f"{12 - partial} problem(s) of the run's selection have no record yet" in early.stderr
        resumed = subprocess.run(bench_cmd(dataset, killed, server.url), env=env, capture_output=True, text=True)
        assert resumed.returncode == 0, resumed.stderr[-2000:]
    ids = [json.loads(line)["question_id"] for line in results.read_text().splitlines()]
    assert len(ids) == 12 == len(set(ids))
    scores = []
    for run in (whole, killed):
        proc = subprocess.run([sys.executable, "-m", "sstar", "score", str(run)], env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "pass@1" in proc.stdout and (run / "summary.png").is_file()
        scores.append(json.loads((run / "summary.json").read_text())["methods"])
    assert scores[0] == scores[1]


def test_score_generations_shape(dataset, tmp_path, sandbox):
    gens = tmp_path / "gens.jsonl"
    lines = []
    for name in sample_names()[:3]:
        qid = load_problem(PROBLEMS / f"{name}.json").question_id
        lines.append(json.dumps({"question_id": qid, "code_list": [(REFERENCE / f"{name}.py").read_text(), "print(0)"]}))
    gens.write_text("\n".join(lines) + "\n")
    problems = {p.question_id: p for p in load_dataset(dataset)}
    summary = score_generations(gens, problems, sandbox, ks=(1, 2), partial=True)
    assert summary["problems"] == 3
    assert summary["methods"]["pass@1"]["pass@1"] == 0.5 and summary["methods"]["pass@2"]["pass@1"] == 1.0


def test_pass_at_k():
    assert pass_at_k(10, 0, 1) == 0.0 and pass_at_k(10, 10, 5) == 1.0
    assert pass_at_k(4, 1, 1) == pytest.approx(0.25) and pass_at_k(4, 1, 2) == pytest.approx(0.5)


def test_release_tags_and_filters(tmp_path, dataset):
    assert release_files("release_v3") == ["test.jsonl", "test2.jsonl", "test3.jsonl"]
    assert release_files("v2") == ["test2.jsonl"] and release_files("v2_v3") == ["test2.jsonl", "test3.jsonl"]
    with pytest.raises(ValueError):
        release_files("v9")
    folder = tmp_path / "lcb"
    folder.mkdir()
    lines = dataset.read_text().splitlines()
    (folder / "test.jsonl").write_text("\n".join(lines[:6]) + "\n")
    (folder / "test2.jsonl").write_text("\n".join(lines[6:]) + "\n")
    assert len(load_dataset(folder, Selection(release="release_v1"))) == 6
    assert len(load_dataset(folder, Selection(release="v2"))) == 6
    assert len(load_dataset(folder, Selection(release="release_v2"))) == 12
    leetcode = load_dataset(folder, Selection(platform=("leetcode",)))
    assert len(leetcode) == 6 and all(p.platform.value == "leetcode" for p in leetcode)
    dated = load_dataset(folder, Selection(start_date="2023-09-01", end_date="2023-10-31"))
    assert dated and all("2023-09-01" <= p.contest_date[:10] <= "2023-10-31" for p in dated)
    assert len(load_dataset(folder, Selection(difficulty=("easy",), limit=2))) == 2


def test_convert_cli(tmp_path):
    out = tmp_path / "lc.jsonl"
    source = SHARED_DATA / "leetcode_contests_2023-07_2023-10.jsonl"
    if not source.exists():
        pytest.skip("../shared/data is not beside this checkout")
    proc = subprocess.run([sys.executable, "-m", "sstar", "convert", "leetcode", str(source), "--out", str(out)],
                          capture_output=True, text=True)
    # One unwrapped line whatever the paths' length: stdout is not a terminal here.
    assert proc.returncode == 0 and f"wrote 108 problems to {out}\n" in proc.stdout
    assert len(load_dataset(out)) == 108
    bad = subprocess.run([sys.executable, "-m", "sstar", "convert", "nonsense", str(source), "--out", str(out)],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown source" in bad.stderr


def test_hub_download_without_network_is_one_clear_error(tmp_path, monkeypatch):
    pytest.importorskip("huggingface_hub")
    from sstar.datasets.livecodebench import download_release

    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("HF_HUB_ETAG_TIMEOUT", "2")
    import huggingface_hub.constants as constants

    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:9", raising=False)
    with pytest.raises(RuntimeError, match="cannot download livecodebench/code_generation_lite"):
        download_release("v1", tmp_path)


def test_bench_from_the_hub_offline_is_a_clear_bench_error(tmp_path, monkeypatch):
    pytest.importorskip("huggingface_hub")
    import huggingface_hub.constants as constants

    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:9", raising=False)
    monkeypatch.setenv("SSTAR_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(BenchError, match="cannot download"):
        Bench("hf", tmp_path / "run", model=ScriptedModel([]), selection=Selection(release="v1")).run()
