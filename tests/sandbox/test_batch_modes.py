"""A program's tests in one process give the verdicts of a process per test, on all the data we have:
every reference solution (sample problems, CodeContests, GCPC/NWERC), every real wrong GCPC/NWERC
submission, and every hostile program (each run on several tests in one batch)."""

import json
from pathlib import Path

import pytest

import sstar
from sstar.judge import Verdict, effective_limits, run_tests
from sstar.problem import load_problems
from sstar.sandbox.hostile import CHECK_LIMITS, catalogue
from sstar.judge.runner import grade, request_for
from sstar.sandbox.local import LocalSandbox

from ..conftest import REFERENCE, SHARED_DATA, sample_names

PROJECT = str(Path(sstar.__file__).resolve().parent)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def both():
    with LocalSandbox(workers=2) as batched, LocalSandbox(workers=2, isolate_tests=True) as isolated:
        yield batched, isolated


def _records(name: str) -> list[dict]:
    path = SHARED_DATA / name
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _by_problem(name: str) -> list:
    """One parameter per problem with programs (each its own test: small enough for the per-test timeout)."""
    recs = [r for r in _records(name) if r.get("solutions") or r.get("incorrect_solutions")]
    too_long = {"kattis_nwerc2023_exponentiation": "over 15 minutes on 2 cores (wrong submissions that time out on "
                "most of its 136 tests, in both modes); not yet compared"}
    return [pytest.param(name, r["question_id"], id=r["question_id"],
                         marks=[pytest.mark.skip(reason=too_long[r["question_id"]])] if r["question_id"] in too_long
                         else []) for r in recs] or \
        [pytest.param(name, None, id="missing")]


def _programs(name: str, question_id: str | None) -> list[tuple[str, object, str]]:
    path = SHARED_DATA / name
    if question_id is None or not path.is_file():
        pytest.skip(f"{path} is not there (../shared/data beside the checkout)")
    problems = {p.question_id: p for p in load_problems(path)}
    out = []
    for rec in _records(name):
        if rec["question_id"] != question_id:
            continue
        for kind in ("solutions", "incorrect_solutions"):
            for k, code in enumerate(rec.get(kind) or []):
                out.append((f"{question_id}/{kind}/{k}", problems[question_id], code))
    return out


def _verdicts(code, problem, sandbox) -> list[Verdict]:
    return [t.verdict for t in _tests(code, problem, sandbox)]


def _tests(code, problem, sandbox):
    return run_tests(code, problem, sandbox, "all").tests


def _borderline(x, y, limits) -> bool:
    """A time limit on one side only, where the run that finished took over half the limit: the machine's load
    decides such a test (CI's 2 cores are shared), not the mode."""
    if Verdict.TIME_LIMIT not in (x.verdict, y.verdict):
        return False
    late, done = (x, y) if x.verdict is Verdict.TIME_LIMIT else (y, x)
    if done.cpu_s > 0.5 * limits.time_s or done.time_s > 0.5 * limits.wall_s:
        return True
    # Killed by the wall clock while still computing: under its CPU limit, yet it had used at least half the CPU
    # the finished run needed, so it was starved, not stuck (a program blocked on input uses next to none).
    return late.cpu_s < limits.time_s and late.cpu_s >= 0.5 * done.cpu_s > 0


def _compare(programs, both) -> None:
    batched, isolated = both
    differ = []
    for name, problem, code in programs:
        a, b = _tests(code, problem, batched), _tests(code, problem, isolated)
        assert len(a) == len(b), name
        limits = effective_limits(problem)
        bad = [(i, x.verdict.value, y.verdict.value) for i, (x, y) in enumerate(zip(a, b))
               if x.verdict is not y.verdict and not _borderline(x, y, limits)]
        if bad:
            differ.append((name, bad[:5]))
    assert not differ, differ


def test_sample_reference_solutions(both, sample):
    _compare([(n, sample(n), (REFERENCE / f"{n}.py").read_text()) for n in sample_names()], both)


KATTIS, CODECONTESTS = "kattis_gcpc_nwerc_stdin.jsonl", "codecontests_stdin_dev.jsonl"


def test_the_shared_data_has_wrong_submissions():
    if not (SHARED_DATA / KATTIS).is_file():
        pytest.skip("../shared/data is not beside the checkout")
    assert sum(len(r.get("incorrect_solutions") or []) for r in _records(KATTIS)) >= 10


@pytest.mark.timeout(1200)  # a few problems' wrong submissions time out on most of their 100+ tests, in both modes
@pytest.mark.parametrize("name, question_id", _by_problem(KATTIS))
def test_gcpc_nwerc_accepted_and_wrong_submissions(both, name, question_id):
    _compare(_programs(name, question_id), both)


@pytest.mark.timeout(1200)
@pytest.mark.parametrize("name, question_id", _by_problem(CODECONTESTS))
def test_codecontests_reference_solutions(both, name, question_id):
    _compare(_programs(name, question_id), both)


CASES = [c for c in catalogue(PROJECT) if not c.before]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_program_on_several_tests(both, case):
    """Each test of the batch gets the verdict the program gets alone (a hostile program may end its process)."""
    batched, isolated = both
    if case.destructive and not batched.info().filesystem_readonly:
        pytest.skip("destructive without a read-only view")
    limits = case.limits or CHECK_LIMITS
    problem = case.problem()
    test = problem.public_test_cases[0]
    alone = grade(isolated.run(request_for(case.code, problem, test, limits)), test, limits).verdict
    results = batched.run_program([request_for(case.code, problem, test, limits)] * 3)
    verdicts = [grade(r, test, limits).verdict for r in results]
    assert all(v in case.expected for v in verdicts), (verdicts, [r.stderr[-300:] for r in results])
    if len(case.expected) == 1:
        assert verdicts == [alone] * 3
