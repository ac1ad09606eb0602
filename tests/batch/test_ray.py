"""Batch runs on a local Ray instance: the same records as a local run; a killed worker is survived."""

import json
import os

import pytest

from sstar.batch.bench import Bench
from sstar.models import ScriptedModel

from .test_bench import CONFIG, answer

ray = pytest.importorskip("ray", reason="the ray package is not installed")


@pytest.fixture(scope="module")
def ray_instance():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False,
             runtime_env={"env_vars": {"PYTHONPATH": os.getcwd()}})
    yield
    ray.shutdown()


def records(out):
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    return {r["question_id"]: (r["program"], r["chosen_index"], r["public_passed"]) for r in rows}, len(rows)


@pytest.mark.timeout(600)
def test_ray_run_gives_the_same_records_as_a_local_run(ray_instance, dataset, tmp_path, sandbox):
    local = Bench(str(dataset), tmp_path / "local", model=ScriptedModel(answer), sandbox=sandbox, config=CONFIG).run()
    on_ray = Bench(str(dataset), tmp_path / "ray", model=ScriptedModel(answer), config=CONFIG, concurrency=2,
                   ray="auto").run()
    assert local.done == on_ray.done == 12 and on_ray.failed == 0
    assert records(tmp_path / "local") == records(tmp_path / "ray")


def kill_once(marker):
    def script(stage, messages):
        if not os.path.exists(marker):  # the first call anywhere kills the worker process holding it
            open(marker, "w").close()
            os._exit(1)
        return answer(stage, messages)

    return script


@pytest.mark.timeout(600)
def test_a_killed_ray_worker_is_survived(ray_instance, dataset, tmp_path):
    marker = str(tmp_path / "killed-once")
    progress = Bench(str(dataset), tmp_path / "run", model=ScriptedModel(kill_once(marker)), config=CONFIG,
                     concurrency=2, ray="auto").run()
    assert os.path.exists(marker)
    rows, count = records(tmp_path / "run")
    assert progress.done == 12 and progress.failed == 0 and count == 12 and len(rows) == 12


def test_without_ray_installed_the_flag_says_so(monkeypatch, dataset, tmp_path):
    import sys

    from sstar.batch import ray_runner

    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    with pytest.raises(RuntimeError, match="--ray needs the ray package"):
        ray_runner._ray()


@pytest.mark.timeout(600)
def test_the_readme_ray_command_works_as_written(dataset, tmp_path):
    """``sstar bench --dataset LCB_FOLDER --release release_v2 --base-url URL --n 16 --concurrency 32 --ray auto
    --out DIR``: no --model (the server's own), a release folder, Ray; here on a loopback server and local Ray."""
    import subprocess
    import sys

    from ..models.fake_openai import FakeOpenAI
    from .test_bench import server_answer

    folder = tmp_path / "lcb"
    folder.mkdir()
    lines = dataset.read_text().splitlines()
    (folder / "test.jsonl").write_text("\n".join(lines[:2]) + "\n")
    (folder / "test2.jsonl").write_text("\n".join(lines[2:4]) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SSTAR_MODEL"))}
    env["RAY_ADDRESS"] = ""  # no cluster here: --ray auto starts a local instance, as it says
    with FakeOpenAI(answer=server_answer) as server:
        proc = subprocess.run([sys.executable, "-m", "sstar", "bench", "--dataset", str(folder), "--release",
                               "release_v2", "--base-url", server.url, "--n", "2", "--concurrency", "2", "--ray", "auto",
                               "--out", str(tmp_path / "run")], env=env, capture_output=True, text=True, timeout=500)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows, count = records(tmp_path / "run")
    assert count == 4 and all(program for program, _, _ in rows.values())
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["model"]["name"] == "fake-model" and config["ray"] == "auto"
