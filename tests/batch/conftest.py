import pytest

from sstar.problem import load_problem

from ..conftest import PROBLEMS, sample_names


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """The 12 sample problems as one JSONL dataset."""
    path = tmp_path_factory.mktemp("data") / "samples.jsonl"
    path.write_text("".join(load_problem(PROBLEMS / f"{n}.json").model_dump_json() + "\n" for n in sample_names()))
    return path
