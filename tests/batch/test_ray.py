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
