"""A bench run that fails while loading the judge model or the sandbox still closes the models it loaded."""

import pytest

from sstar.batch.bench import Bench
from sstar.models import ModelError, ScriptedModel

CLOSED: list[str] = []


class ClosingModel(ScriptedModel):
    """A generator loaded by import path (so the bench owns it), noting when it is closed."""

    def __init__(self, **options) -> None:
        super().__init__(["print(0)"], name="closing")

    def close(self) -> None:
        CLOSED.append(self.name)
        super().close()


def test_a_judge_that_fails_to_load_closes_the_generator(dataset, tmp_path):
    CLOSED.clear()
    bench = Bench(str(dataset), tmp_path / "run", model=f"{__name__}:ClosingModel", judge_model="nosuchbackend:x")
    with pytest.raises(ModelError, match="nosuchbackend"):
        bench.run()
    assert CLOSED == ["closing"]


def test_a_sandbox_that_fails_to_load_closes_the_generator_and_the_judge(dataset, tmp_path):
    CLOSED.clear()
    bench = Bench(str(dataset), tmp_path / "run", model=f"{__name__}:ClosingModel",
                  judge_model=f"{__name__}:ClosingModel", sandbox="nosuchsandbox")
    with pytest.raises(Exception, match="nosuchsandbox"):
        bench.run()
    assert CLOSED == ["closing", "closing"]
