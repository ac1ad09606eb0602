"""The backend registry: names and import paths for models and sandboxes."""

import pytest

from sstar import backends
from sstar.models import ModelError, ScriptedModel, load_model


@pytest.mark.parametrize("spec, expected", [
    ("pkg.mod:Class", True), ("mymodule:MyModel", True), ("pkg.mod:make_model", True), ("a.b:C.D", True),
    ("openai:gpt-4o-mini", False), ("vllm:qwen", False), ("local", False), ("scripted:answers.json", False),
    ("transformers:Qwen/Qwen2.5", False), ("pkg.mod", False), ("pkg.mod:", False),
])
def test_what_reads_as_an_import_path(spec, expected):
    assert backends.is_import_path(spec) is expected


def test_register_a_short_name(monkeypatch):
    monkeypatch.setitem(backends.MODELS, "mine", "sstar.models.scripted:ScriptedModel")  # undone after the test
    backends.register_backend("model", "mine", ScriptedModel)
    model = load_model("mine", script=["hi"])
    assert isinstance(model, ScriptedModel) and model.generate([{"role": "user", "content": "q"}])[0].text == "hi"
    with pytest.raises(backends.BackendError, match="unknown backend kind"):
        backends.register_backend("judge", "x", ScriptedModel)


def test_import_path_errors_name_what_is_wrong():
    with pytest.raises(ModelError, match="has no attribute 'Nope'"):
        load_model("sstar.models.scripted:Nope")
    with pytest.raises(ModelError, match="'sstar.problem:TestType' could not be built: TypeError"):
        load_model("sstar.problem:TestType")
    with pytest.raises(ModelError, match="lacks the Model methods"):
        load_model("sstar.pipeline.config:SStarConfig")
    with pytest.raises(backends.BackendError, match="lacks the Sandbox methods"):
        backends.make_sandbox("sstar.models.scripted:ScriptedModel")
    with pytest.raises(ModelError, match="unknown model backend 'vllm'"):
        load_model("vllm:qwen")


def test_a_module_in_the_working_directory_is_found(tmp_path, monkeypatch):
    (tmp_path / "my_agent_models.py").write_text(
        "from sstar.models import ScriptedModel\n\nclass Echo(ScriptedModel):\n"
        "    def __init__(self, **options):\n        super().__init__(lambda stage, messages: 'echo')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.path", [p for p in __import__("sys").path if p not in ("", str(tmp_path))])
    model = load_model("my_agent_models:Echo")
    assert model.generate([{"role": "user", "content": "q"}])[0].text == "echo"
