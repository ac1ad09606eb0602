"""Resume identity (the experiment, not the transport), the complete trace, and reselect on one set of samples."""

import json

import pytest

from sstar.batch.bench import Bench, BenchError
from sstar.batch.identity import differences, identity
from sstar.batch.results import ResultsLog, read_records
from sstar.batch.score import score_run
from sstar.datasets.livecodebench import Selection
from sstar.models import ScriptedModel, Stage
from sstar.pipeline.config import SelectionMethod

from .test_bench import CONFIG, answer


def bench(dataset, out, sandbox, **kwargs):
    kwargs.setdefault("model", ScriptedModel(answer))
    kwargs.setdefault("config", CONFIG)
    return Bench(str(dataset), out, sandbox=sandbox, **kwargs).run()


def test_a_larger_limit_or_a_wider_date_window_extends_the_run(dataset, tmp_path, sandbox):
    out = tmp_path / "run"
    assert bench(dataset, out, sandbox, selection=Selection(limit=2)).done == 2
    grown = bench(dataset, out, sandbox, selection=Selection(limit=5), concurrency=3)
    assert grown.skipped == 2 and grown.done == 5
    dated = tmp_path / "dated"
    first = bench(dataset, dated, sandbox, selection=Selection(start_date="2023-10-01", end_date="2023-10-31"))
    wider = bench(dataset, dated, sandbox, selection=Selection(start_date="2023/07/01", end_date="Dec 31 2023"))
    assert wider.skipped == first.done and wider.done > first.done


def test_transport_settings_are_not_the_experiment_and_a_refusal_names_each_field():
    before = {"dataset": "/d", "selection": {"limit": 2, "difficulty": []},
              "model": {"backend": "openai", "name": "m", "base_url": "http://localhost:8000/v1", "timeout_s": 60,
                        "max_retries": 5, "max_concurrency": 16, "cache": "/a"},
              "sstar": {"n": 4, "concurrency": 8, "seed": 0}, "ray": None, "concurrency": 2}
    moved = json.loads(json.dumps(before))
    moved["model"].update(base_url="http://127.0.0.1:8000/v1", timeout_s=5, max_retries=0, max_concurrency=1, cache="/b")
    moved.update(ray="auto", concurrency=32)
    moved["sstar"]["concurrency"] = 1
    moved["selection"]["limit"] = 50
    assert differences(identity(before), identity(moved)) == []
    other = json.loads(json.dumps(before))
    other["sstar"]["n"] = 2
    other["model"]["name"] = "m2"
    other["selection"]["difficulty"] = ["easy"]
    assert differences(identity(before), identity(other)) == ["model.name: m → m2",
                                                              'problems.difficulty: [] → ["easy"]', "n: 4 → 2"]


def test_config_and_trace_say_what_ran(dataset, tmp_path, sandbox):
    out = tmp_path / "run"
    bench(dataset, out, sandbox, selection=Selection(limit=2))
    config = json.loads((out / "config.json").read_text())
    assert config["sstar_version"] and "git_commit" in config
    session = config["sessions"][-1]
    assert session["started"] and session["finished"] and session["command"] and session["done"] == 2
    bench(dataset, out, sandbox, selection=Selection(limit=3))
    assert len(json.loads((out / "config.json").read_text())["sessions"]) == 2  # each resume is kept
    record = next(iter(read_records(out / "results.jsonl").finished.values()))
    calls = record["trace"]["calls"]
    assert calls and {c["stage"] for c in calls} >= {"generate"}
    assert all(c["finish_reason"] in ("stop", "length", "error", "other") and "completion_tokens" in c
               and "text" in c for c in calls)
    assert {"generate", "debug", "synthesize", "select"} <= set(record["timings"]) and record["status"] == "finished"


def test_score_reads_torn_lines_and_duplicates_with_a_warning(dataset, tmp_path, sandbox):
    out = tmp_path / "run"
    bench(dataset, out, sandbox, selection=Selection(limit=2))
    lines = (out / "results.jsonl").read_text().splitlines()
    (out / "results.jsonl").write_text("\n".join([lines[0], lines[0], lines[1], lines[1][:50]]))  # a torn tail
    summary = score_run(out, sandbox, all_samples=False)
    assert summary["problems"] == 2
    assert any("unreadable line" in w for w in summary["warnings"])
    assert any("more than once" in w for w in summary["warnings"])
    log = ResultsLog(out / "results.jsonl")  # the writer repairs the tail
    assert not read_records(out / "results.jsonl").torn and len(log.done) == 2


def test_a_run_that_raised_is_failed_and_retried(dataset, tmp_path, sandbox):
    def broken(stage, messages):
        raise RuntimeError("the model fell over")

    out = tmp_path / "run"
    progress = bench(dataset, out, sandbox, model=ScriptedModel(broken), selection=Selection(limit=2))
    assert progress.failed == 2 and progress.done == 0 and "fell over" in progress.first_error
    assert all(r["status"] == "failed" for r in read_records(out / "results.jsonl").failed.values())
    assert bench(dataset, out, sandbox, selection=Selection(limit=2)).done == 2


def test_reselect_uses_the_earlier_samples_and_score_puts_methods_side_by_side(dataset, tmp_path, sandbox):
    source = tmp_path / "run"
    bench(dataset, source, sandbox, selection=Selection(limit=4))
    asked = []

    def judge_only(stage, messages):
        asked.append(stage)
        if stage in (Stage.GENERATE, Stage.DEBUG):
            raise AssertionError("reselect must not generate")
        return answer(stage, messages)

    runs = []
    for method in (SelectionMethod.FIRST, SelectionMethod.MAJORITY, SelectionMethod.RANDOM):
        target = tmp_path / method.value
        progress = bench(dataset, target, sandbox, model=ScriptedModel(judge_only), reselect_from=source,
                         config=CONFIG.model_copy(update={"selection": method}), selection=Selection(limit=4))
        assert progress.done == 4 and progress.failed == 0
        runs.append(target)
    assert Stage.GENERATE not in asked and Stage.DEBUG not in asked
    earlier = read_records(source / "results.jsonl").finished
    again = read_records(runs[0] / "results.jsonl").finished
    for qid, rec in again.items():  # the same candidates, with their histories, so baselines stay comparable
        assert rec["trace"]["candidates"] == earlier[qid]["trace"]["candidates"]
    summary = score_run(source, sandbox, compare=runs)
    assert list(summary["methods"])[:4] == ["sstar", "first", "majority", "random"]
    assert all(m["problems"] == 4 and len(m["ci95"]) == 2 for m in summary["methods"].values())
    with pytest.raises(BenchError, match="another experiment"):  # a reselect folder is its own experiment
        bench(dataset, runs[0], sandbox, config=CONFIG, selection=Selection(limit=4))


def test_git_commit_is_that_of_this_checkout_and_none_for_a_copy_elsewhere(tmp_path, monkeypatch):
    import shutil
    import subprocess

    from sstar.batch import identity as module

    root = module.Path(module.__file__).resolve().parent.parent.parent
    if not (root / ".git").exists():
        pytest.skip("not running from a git checkout")
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert module.git_commit().split("-")[0] == head
    copy = tmp_path / "repo" / "site-packages" / "sstar" / "batch"  # an installed copy inside another repository
    shutil.copytree(root / "sstar" / "batch", copy)
    repo = str(tmp_path / "repo")
    subprocess.run(["git", "init", "-q", repo], check=True)
    subprocess.run(["git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty",
                    "-m", "another project"], check=True)
    monkeypatch.setattr(module, "__file__", str(copy / "identity.py"))
    assert module.git_commit() is None
