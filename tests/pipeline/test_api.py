"""The library as an agent uses it: async twins inside a running loop, plain data in, backends by import path."""

import asyncio
import threading
from pathlib import Path

import pytest

import sstar
from sstar.judge import Verdict
from sstar.models import ModelBase
from sstar.pipeline import leases
from sstar.sandbox.local import LocalSandbox

from .test_sstar import FAILS_PUBLIC, GOOD, PROBLEM, SUBTLE, config, oracle

MINIMAL = {"statement": "Return the largest element of nums.",
           "starter_code": "class Solution:\n    def largest(self, nums: List[int]) -> int:\n        ",
           "tests": [{"input": [[1, 5, 3]], "output": 5}, [{"nums": [2, 9]}, 9]]}
ECHO_SUM = {"statement": "Print the sum of two integers.", "tests": [["1 2\n", "3\n"], {"input": "40 2", "output": 42}]}
SUM_OK = "a, b = map(int, input().split())\nprint(a + b)\n"
SUM_WRONG = "a, b = map(int, input().split())\nprint(a - b)\n"


class CountingSandbox(LocalSandbox):
    """A sandbox class given by import path; counts how many were built and how many runs each served."""

    built: list = []

    def __init__(self, **options):
        super().__init__(workers=2, **options)
        self.runs = 0
        self._count = threading.Lock()
        CountingSandbox.built.append(self)

    def run_many(self, requests):
        with self._count:
            self.runs += len(requests)
        return super().run_many(requests)


class OracleModel(ModelBase):
    """A model class given by import path: the oracle of test_sstar, with two generated programs."""

    backend = "oracle"

    built = 0

    def __init__(self, name="oracle", **options):
        super().__init__(name)
        OracleModel.built += 1

    def _sample(self, messages, params, stage):
        from sstar.models import Completion

        answers = oracle(stage, messages, generate=(SUBTLE, GOOD))
        answers = answers if isinstance(answers, list) else [answers]
        return [Completion(text=answers[i % len(answers)]) for i in range(params.n)]


@pytest.fixture(autouse=True)
def no_live_backends():
    yield
    assert leases.SANDBOXES.live() == 0 and leases.MODELS.live() == 0  # every lease was given back


def test_async_twins_inside_a_running_loop_share_one_sandbox(sandbox):
    async def agent():
        runs = [sstar.aselect(PROBLEM, [SUBTLE, GOOD, FAILS_PUBLIC], sandbox=sandbox, config=config(model_inputs=0))
                for _ in range(3)]
        runs += [sstar.atest(PROBLEM, GOOD, sandbox=sandbox), sstar.atest(MINIMAL, FAILS_PUBLIC, sandbox=sandbox),
                 sstar.asolve(PROBLEM, model=OracleModel(), sandbox=sandbox, config=config())]
        ticks = 0

        async def heartbeat():  # the loop stays free while the calls run
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        beat = asyncio.create_task(heartbeat())
        results = await asyncio.gather(*runs)
        beat.cancel()
        return results, ticks

    (s1, s2, s3, good, bad, solved), ticks = asyncio.run(agent())
    assert {s1.chosen_index, s2.chosen_index, s3.chosen_index} <= {0, 1} and s1.candidates[2].passes_public is False
    assert good.verdict is Verdict.ACCEPTED and good.passed == 6
    assert bad.verdict is Verdict.WRONG_ANSWER and [t.verdict for t in bad.tests] == [Verdict.WRONG_ANSWER] * 2
    assert solved.program == GOOD
    assert ticks > 5


def test_concurrent_calls_by_name_build_one_sandbox_and_close_it(monkeypatch):
    CountingSandbox.built.clear()
    spec = f"{__name__}:CountingSandbox"

    async def agent():
        return await asyncio.gather(*(sstar.atest(ECHO_SUM, code, sandbox=spec) for code in (SUM_OK, SUM_WRONG) * 3))

    reports = asyncio.run(agent())
    assert [r.accepted for r in reports] == [True, False] * 3
    assert len(CountingSandbox.built) == 1 and CountingSandbox.built[0].runs == 12
    assert leases.SANDBOXES.live() == 0  # closed by the last call out


def test_concurrent_solves_by_name_share_one_model(sandbox):
    OracleModel.built = 0

    async def agent():
        return await asyncio.gather(*(sstar.asolve(PROBLEM, model=f"{__name__}:OracleModel", sandbox=sandbox,
                                                   config=config()) for _ in range(3)))

    assert [r.program for r in asyncio.run(agent())] == [GOOD] * 3
    assert OracleModel.built == 1 and leases.MODELS.live() == 0


def test_a_problem_as_json_text(sandbox):
    import json

    assert sstar.test(json.dumps(ECHO_SUM), SUM_OK, sandbox=sandbox).accepted
    with pytest.raises(sstar.ProblemFormatError, match="invalid JSON"):
        sstar.test("{statement: 1}", SUM_OK, sandbox=sandbox)


def test_sync_functions_inside_a_loop_point_to_the_async_twin(sandbox):
    async def agent():
        for call, twin in ((lambda: sstar.select(PROBLEM, [GOOD], sandbox=sandbox), "aselect"),
                           (lambda: sstar.solve(PROBLEM, model=OracleModel(), sandbox=sandbox), "asolve"),
                           (lambda: sstar.test(PROBLEM, GOOD, sandbox=sandbox), "atest")):
            with pytest.raises(sstar.InsideEventLoopError, match=f"await sstar.{twin}"):
                call()

    asyncio.run(agent())
    assert sstar.test(PROBLEM, GOOD, sandbox=sandbox).accepted  # outside a loop they work


def test_minimal_dicts_in(sandbox):
    functional = sstar.Problem.from_dict(MINIMAL)
    assert functional.test_type.value == "functional" and functional.func_name == "largest"
    assert [t.input for t in functional.public_test_cases] == ["[1, 5, 3]", "[2, 9]"]
    assert functional.question_id.startswith("problem-") and functional.question_id == \
        sstar.Problem.from_dict(dict(MINIMAL)).question_id  # stable
    stdin = sstar.Problem.from_dict(ECHO_SUM)
    assert stdin.test_type.value == "stdin" and stdin.public_test_cases[1].output == "42"
    assert sstar.select(ECHO_SUM, [SUM_WRONG, SUM_OK], sandbox=sandbox).chosen_index == 1
    assert sstar.test(MINIMAL, GOOD, sandbox=sandbox).accepted
    named = sstar.Problem.from_dict({"id": "add", "statement": "Add.", "function_name": "add",
                                     "tests": [[[1, 2], 3]], "private_tests": [[[2, 2], "4"]]})
    assert named.question_id == "add" and named.test_type.value == "functional" and named.func_name == "add"
    lcb = PROBLEM.model_dump(mode="json")  # a LiveCodeBench record missing question_id and testtypes
    del lcb["question_id"]
    for t in lcb["public_test_cases"]:
        del t["testtype"]
    assert sstar.Problem.from_dict(lcb).public_test_cases == PROBLEM.public_test_cases


@pytest.mark.parametrize("record, message", [
    ({"statment": "x", "tests": []}, "unknown field 'statment'"),
    ({"statement": "x", "tests": [["only input"]]}, r"tests\[0\]: a test is"),
    ({"statement": "x", "kind": "c++", "tests": []}, "'kind'"),
    ({"statement": "x", "starter_code": "class Solution:\n    def f(self, a, b):\n", "tests": [[{"a": 1}, 2]]},
     r"parameters are \['a', 'b'\]"),
    ("not a dict", "a problem is a dict"),
])
def test_bad_dicts_are_one_clear_error(record, message):
    with pytest.raises(sstar.ProblemFormatError, match=message):
        sstar.Problem.from_dict(record)


def test_a_string_that_looks_like_a_missing_path_is_an_error(sandbox, tmp_path, monkeypatch):
    with pytest.raises(sstar.CandidateError, match="candidate 1: 'cand_a.py' looks like a file path"):
        sstar.select(PROBLEM, [GOOD, "cand_a.py"], sandbox=sandbox)
    with pytest.raises(sstar.CandidateError, match="no such file"):
        sstar.select(PROBLEM, [Path("missing/b.py")], sandbox=sandbox)
    with pytest.raises(sstar.CandidateError, match="looks like a file path"):
        sstar.test(PROBLEM, "solutions/good", sandbox=sandbox)
    (tmp_path / "cand_a.py").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    result = sstar.select(PROBLEM, [FAILS_PUBLIC, "cand_a.py", "pass"], sandbox=sandbox)
    assert result.chosen_index == 1 and result.candidates[1].path == "cand_a.py"
    assert result.candidates[2].code == "pass"  # a one-line program is still a program


def test_model_and_sandbox_by_import_path_in_solve():
    CountingSandbox.built.clear()
    result = sstar.solve(PROBLEM, model=f"{__name__}:OracleModel", sandbox=f"{__name__}:CountingSandbox",
                         config=config())
    assert result.program == GOOD and result.config["model"]["backend"] == "oracle"
    assert len(CountingSandbox.built) == 1 and CountingSandbox.built[0].runs > 0


def test_bad_backend_names_are_clear():
    with pytest.raises(sstar.ModelError, match="cannot import 'no_such_pkg.models'"):
        sstar.solve(PROBLEM, model="no_such_pkg.models:Client")
    with pytest.raises(sstar.BackendError, match="unknown sandbox 'podman'"):
        sstar.select(PROBLEM, [GOOD], sandbox="podman")
    with pytest.raises(sstar.BackendError, match="lacks the Sandbox methods"):
        sstar.select(PROBLEM, [GOOD], sandbox=f"{__name__}:OracleModel")

