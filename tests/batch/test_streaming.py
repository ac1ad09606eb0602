"""score --generations grades each problem as the dataset is read: the same summary as grading a loaded
dataset, and the same errors, reported in the same order, with no summary."""

import json
import os
import subprocess
import sys
import threading

import pytest

from sstar.batch.generations import GenerationsError, score_generations
from sstar.datasets.livecodebench import Selection, iter_dataset, load_dataset
from sstar.problem import ProblemFormatError
from sstar.sandbox.pool import SandboxStartError

from sstar.problem import load_problem

from ..conftest import PROBLEMS, REFERENCE, sample_names

REFERENCE_CODE = {load_problem(PROBLEMS / f"{name}.json").question_id: (REFERENCE / f"{name}.py").read_text()
                  for name in sample_names()}


def codes_for(problems):
    """A right and a wrong program for each problem (its reference solution; one that does nothing)."""
    return {p.question_id: [REFERENCE_CODE[p.question_id], "pass"] for p in problems}


def write_jsonl(path, codes):
    path.write_text("".join(json.dumps({"question_id": q, "code_list": c}) + "\n" for q, c in codes.items()))
    return path


@pytest.fixture(scope="module")
def problems(dataset):
    return load_dataset(dataset)


class Recording:
    """The sandbox, noting each program it is given (grading begins when the first one is)."""

    def __init__(self, sandbox):
        self.sandbox, self.size, self.given = sandbox, sandbox.size, threading.Event()

    def run_program(self, requests, stop_after_failure=False):
        self.given.set()
        return self.sandbox.run_program(requests, stop_after_failure)


def test_grading_streamed_gives_the_summary_of_a_loaded_dataset(problems, dataset, tmp_path, sandbox):
    gens = write_jsonl(tmp_path / "g.jsonl", codes_for(problems))
    loaded = score_generations(gens, {p.question_id: p for p in problems}, sandbox, ks=(1, 2))
    streamed = score_generations(gens, iter_dataset(dataset), sandbox, ks=(1, 2), start=sandbox.start)
    assert streamed == loaded and loaded["problems"] == len(problems)
    assert 0 < loaded["methods"]["pass@1"]["pass@1"] < 1  # both verdicts were reached
    bare = tmp_path / "bare.json"  # code lists in question-id order: mapped once the dataset is read
    by_id = codes_for(problems)
    bare.write_text(json.dumps([by_id[q] for q in sorted(by_id)]))
    rows = score_generations(bare, iter_dataset(dataset), sandbox, ks=(1, 2))["rows"]
    assert rows == sorted(loaded["rows"], key=lambda row: row["question_id"])


def test_the_first_problem_is_graded_before_the_rest_is_read(problems, tmp_path, sandbox):
    """Neither the dataset nor the grading waits for the sandbox's start (which here ends only once the rest
    of the dataset is being read): the workers are taken as they come up."""
    gens = write_jsonl(tmp_path / "g.jsonl", codes_for(problems))
    recording, reading_on = Recording(sandbox), threading.Event()
    seen_before_second = []

    def slow_dataset():
        yield problems[0]
        seen_before_second.append(recording.given.wait(timeout=30))
        reading_on.set()
        yield from problems[1:]

    def start():
        assert reading_on.wait(timeout=30)
        sandbox.start()

    summary = score_generations(gens, slow_dataset(), recording, ks=(1,), start=start)
    assert seen_before_second == [True] and summary["problems"] == len(problems)


def test_a_later_record_of_an_id_replaces_the_first(problems, tmp_path, sandbox):
    first, second = problems[0], problems[1]
    impostor = first.model_copy(update={"question_id": second.question_id})  # graded, then replaced
    gens = write_jsonl(tmp_path / "g.jsonl", {second.question_id: codes_for([second])[second.question_id]})
    summary = score_generations(gens, iter([impostor, second]), sandbox, ks=(1,))
    assert summary["rows"][0]["correct"] == 1 and summary["problems"] == 1


def bad_record_after(problems, count):
    yield from problems[:count]
    raise ProblemFormatError("data.jsonl, line 4: field 'question_id': Field required")


def test_errors_come_in_the_order_of_reading_the_dataset_first(problems, tmp_path, sandbox):
    codes = codes_for(problems)
    some = write_jsonl(tmp_path / "some.jsonl", dict(list(codes.items())[:2]))
    unreadable = tmp_path / "bad.jsonl"
    unreadable.write_text('{"id": 1}\n')

    def cannot_start():
        raise SandboxStartError("could not start a sandbox worker: no bwrap")

    cases = [  # (generations, dataset, start) -> the error to see
        ((some, bad_record_after(problems, 3), None), (ProblemFormatError, "line 4")),
        ((unreadable, bad_record_after(problems, 3), None), (ProblemFormatError, "line 4")),
        ((some, bad_record_after(problems, 3), cannot_start), (ProblemFormatError, "line 4")),
        ((unreadable, iter(problems), cannot_start), (SandboxStartError, "no bwrap")),
        ((some, iter(problems), cannot_start), (SandboxStartError, "no bwrap")),
        ((unreadable, iter(problems), None), (GenerationsError, "line 1: expected")),
        ((some, iter(problems), None), (GenerationsError, f"{len(problems) - 2} of {len(problems)} problems")),
    ]
    for (gens, records, start), (error, message) in cases:
        with pytest.raises(error, match=message):
            score_generations(gens, records, sandbox, start=start)
    partial = score_generations(some, iter(problems), sandbox, ks=(1,), partial=True)
    assert partial["problems"] == 2 and len(partial["missing"]) == len(problems) - 2


def test_iter_dataset_is_load_dataset_one_at_a_time(dataset):
    for selection in (Selection(), Selection(difficulty=("easy",), limit=2), Selection(platform=("leetcode",))):
        assert list(iter_dataset(dataset, selection)) == load_dataset(dataset, selection)
    with pytest.raises(ProblemFormatError, match="no such file"):
        iter_dataset(dataset.parent / "missing.jsonl")  # before the first problem
    with pytest.raises(ProblemFormatError, match="no problem has difficulty 'eazy'"):
        list(iter_dataset(dataset, Selection(difficulty=("eazy",))))


def test_a_missing_generation_is_one_line_and_no_summary(problems, dataset, tmp_path):
    gens = write_jsonl(tmp_path / "g.jsonl", dict(list(codes_for(problems).items())[:3]))
    out = tmp_path / "summary.json"
    proc = subprocess.run([sys.executable, "-m", "sstar", "score", "--generations", str(gens), "--dataset",
                           str(dataset), "--out", str(out), "--no-plot"], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "300"})
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert f"{len(problems) - 3} of {len(problems)} problems of the dataset have no generation" in proc.stderr
    assert not out.exists()
