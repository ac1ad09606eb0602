"""A Ray bench with a model class and a sandbox class given by import path: the workers build exactly those."""

import json
import os

import pytest

from sstar.batch.bench import Bench
from sstar.backends import BackendError, sandbox_for_workers
from sstar.models import ScriptedModel
from sstar.sandbox.local import LocalSandbox

from ..conftest import ROOT
from .test_bench import CONFIG, answer

MARKS = "SSTAR_TEST_BACKEND_MARKS"


def mark(kind):
    folder = os.environ.get(MARKS)
    if folder:  # one empty file per (kind, process): proof of which process used which class
        open(os.path.join(folder, f"{kind}-{os.getpid()}"), "a").close()


class MarkingSandbox(LocalSandbox):
    def __init__(self, **options):
        super().__init__(workers=1, **options)

    def run_many(self, requests):
        mark("sandbox")
        return super().run_many(requests)


class MarkingModel(ScriptedModel):
    def __init__(self, **options):
        super().__init__(answer, name="marking")

    def _sample(self, messages, params, stage):
        mark("model")
        return super()._sample(messages, params, stage)


@pytest.fixture(scope="module")
def ray_with_marks(tmp_path_factory):
    ray = pytest.importorskip("ray", reason="the ray package is not installed")
    marks = tmp_path_factory.mktemp("marks")
    if ray.is_initialized():
        ray.shutdown()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(ROOT), MARKS: str(marks)}})
    yield marks
    ray.shutdown()


@pytest.mark.timeout(600)
def test_ray_bench_uses_the_model_and_sandbox_classes_named_by_import_path(ray_with_marks, dataset, tmp_path):
    progress = Bench(str(dataset), tmp_path / "run", model=f"{__name__}:MarkingModel",
                     sandbox=f"{__name__}:MarkingSandbox", config=CONFIG, concurrency=2, ray="auto").run()
    assert progress.done == 12 and progress.failed == 0 and progress.public_ok == 12
    rows = [json.loads(line) for line in (tmp_path / "run" / "results.jsonl").read_text().splitlines()]
    assert len(rows) == 12 and all(r["program"] for r in rows)
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["sandbox"] == f"{__name__}:MarkingSandbox" and config["model"]["name"] == "marking"
    workers = {name.split("-")[0] for name in os.listdir(ray_with_marks) if not name.endswith(f"-{os.getpid()}")}
    assert workers == {"model", "sandbox"}  # both classes ran in Ray's worker processes, not here


def test_a_sandbox_object_travels_as_its_class_never_as_local():
    with MarkingSandbox() as sandbox:
        assert sandbox_for_workers(sandbox) == f"{__name__}:MarkingSandbox"
    assert sandbox_for_workers("docker") == "docker" and sandbox_for_workers(None) == "local"

    class Inner(LocalSandbox):
        pass

    with pytest.raises(BackendError, match="defined inside a function"):
        sandbox_for_workers(Inner.__new__(Inner))
