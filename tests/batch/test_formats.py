"""score --generations reads the files LiveCodeBench and evalplus write, the way they write them."""

import gzip
import json
import os
import subprocess
import sys

import pytest

from sstar.batch.generations import GenerationsError, read_generations, score_generations
from sstar.datasets.livecodebench import load_dataset
from sstar.problem import load_problem

from ..conftest import PROBLEMS, REFERENCE, sample_names


def lcb_output(problem, codes):
    """One item as LiveCodeBench's ``CodeGenerationProblem.insert_output`` makes it."""
    return {"question_title": problem.question_title, "question_content": problem.question_content,
            "platform": problem.platform.value, "question_id": problem.question_id,
            "contest_id": problem.contest_id, "contest_date": problem.contest_date,
            "starter_code": problem.starter_code, "difficulty": problem.difficulty.value,
            "output_list": [f"```python\n{c}\n```" for c in codes], "code_list": codes}


def solutions():
    for name in sample_names():
        yield load_problem(PROBLEMS / f"{name}.json"), (REFERENCE / f"{name}.py").read_text()


@pytest.fixture(scope="module")
def problems(dataset):
    return {p.question_id: p for p in load_dataset(dataset)}


def test_livecodebench_custom_input_output_and_eval_all(problems, tmp_path, sandbox):
    chosen = list(solutions())[::3]  # four problems, both kinds
    problems = {p.question_id: problems[p.question_id] for p, _ in chosen}
    items = [lcb_output(p, [code, "print(0)"]) for p, code in chosen]
    custom = tmp_path / "custom.json"
    custom.write_text(json.dumps([{"question_id": i["question_id"], "code_list": i["code_list"]} for i in items]))
    output = tmp_path / "custom_codegeneration_output.json"
    with open(output, "w") as f:  # as lcb_runner's custom evaluator writes it
        json.dump(items, f, indent=4)
    eval_all = tmp_path / "custom_codegeneration_output_eval_all.json"
    with open(eval_all, "w") as f:
        json.dump([{**i, "graded_list": [True, False], "pass@1": 0.5, "metadata": ["{}", "{}"]} for i in items], f,
                  indent=4)
    for path, kind in ((custom, "question_id, code_list"), (output, "question_id, code_list"), (eval_all, "eval_all")):
        summary = score_generations(path, problems, sandbox, ks=(1, 2))
        assert kind in summary["format"] and summary["problems"] == 4 and summary["missing"] == []
        assert summary["methods"]["pass@1"]["pass@1"] == 0.5 and summary["methods"]["pass@2"]["pass@1"] == 1.0
    bare = tmp_path / "lists.json"  # code lists alone, in question-id order
    by_id = {i["question_id"]: i["code_list"] for i in items}
    bare.write_text(json.dumps([by_id[q] for q in sorted(problems)]))
    assert score_generations(bare, problems, sandbox, ks=(1,))["methods"]["pass@1"]["pass@1"] == 0.5


def test_missing_problems_are_an_error_unless_partial(problems, tmp_path, sandbox):
    some = [lcb_output(p, [code]) for p, code in list(solutions())[:3]]
    path = tmp_path / "some.json"
    path.write_text(json.dumps(some, indent=4))
    with pytest.raises(GenerationsError, match="9 of 12 problems of the dataset have no generation"):
        score_generations(path, problems, sandbox)
    summary = score_generations(path, problems, sandbox, ks=(1,), partial=True)
    assert summary["problems"] == 3 and len(summary["missing"]) == 9


def write_jsonl(filename, data):
    """As evalplus.data.utils.write_jsonl writes samples (plain or gzip)."""
    if filename.endswith(".gz"):
        with open(filename, "wb") as fp, gzip.GzipFile(fileobj=fp, mode="wb") as gzfp:
            for x in data:
                gzfp.write((json.dumps(x) + "\n").encode("utf-8"))
    else:
        with open(filename, "wb") as fp:
            for x in data:
                fp.write((json.dumps(x) + "\n").encode("utf-8"))


@pytest.fixture
def humaneval_like(tmp_path):
    """Two functional problems with the ids sstar convert humaneval gives (HumanEval/0 -> HumanEval_0)."""
    def task(i, name, body):
        return {"question_id": f"HumanEval_{i}", "question_title": name, "question_content": f"def {name}(a, b):",
                "platform": "other", "starter_code": f"def {name}(a, b):\n",
                "public_test_cases": [{"input": "1\n2", "output": json.dumps(body(1, 2)), "testtype": "functional"}],
                "private_test_cases": [{"input": f"{a}\n{b}", "output": json.dumps(body(a, b)),
                                        "testtype": "functional"} for a, b in ((5, 7), (-3, 10))],
                "metadata": {"func_name": name}}

    path = tmp_path / "humaneval.jsonl"
    path.write_text(json.dumps(task(0, "add", lambda a, b: a + b)) + "\n" +
                    json.dumps(task(1, "mul", lambda a, b: a * b)) + "\n")
    return path


@pytest.mark.parametrize("name", ["samples.jsonl", "samples.jsonl.gz"])
def test_evalplus_samples_with_solution_or_completion(humaneval_like, tmp_path, sandbox, name):
    problems = {p.question_id: p for p in load_dataset(humaneval_like)}
    samples = [{"task_id": "HumanEval/0", "solution": "def add(a, b):\n    return a + b\n"},
               {"task_id": "HumanEval/0", "completion": "    return a - b\n"},
               {"task_id": "HumanEval/1", "completion": "    return a * b\n"},
               {"task_id": "HumanEval/1", "solution": "def mul(a, b):\n    return a * b\n"}]
    path = str(tmp_path / name)
    write_jsonl(path, samples)
    codes, kind = read_generations(tmp_path / name, problems)
    assert "evalplus" in kind and len(codes["HumanEval_0"]) == 2
    assert codes["HumanEval_1"][0] == "def mul(a, b):\n    return a * b\n"  # prompt + completion
    summary = score_generations(tmp_path / name, problems, sandbox, ks=(1, 2))
    rows = {r["question_id"]: r for r in summary["rows"]}
    assert rows["HumanEval_0"]["correct"] == 1 and rows["HumanEval_1"]["correct"] == 2


def test_unreadable_generations_are_one_clear_line(dataset, tmp_path):
    path = tmp_path / "gens.jsonl"
    path.write_text('{"id": 1, "code": "x"}\n')
    proc = subprocess.run([sys.executable, "-m", "sstar", "score", "--generations", str(path), "--dataset",
                           str(dataset)], capture_output=True, text=True, env={**os.environ, "COLUMNS": "60"})
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "line 1: expected" in proc.stderr and "evalplus" in proc.stderr


def test_score_generations_cli_prints_plain_tab_separated_lines(dataset, tmp_path):
    path = tmp_path / "gens.json"
    path.write_text(json.dumps([lcb_output(p, [code]) for p, code in solutions()], indent=4))
    proc = subprocess.run([sys.executable, "-m", "sstar", "score", "--generations", str(path), "--dataset",
                           str(dataset), "--no-plot"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[1].split("\t")[:3] == ["method", "overall", "95% CI"]
    assert lines[2].split("\t")[:3] == ["pass@1", "100.0", "100.0-100.0"]
    assert "\x1b[" not in proc.stdout


def test_the_metrics_file_is_named_for_what_it_is(problems, tmp_path):
    path = tmp_path / "Scenario.codegeneration_10_0.2_eval.json"
    with open(path, "w") as f:  # what lcb_runner writes beside the outputs: metrics, not programs
        json.dump([{"pass@1": 0.5, "detail": {}}, {"0": [[True]]}], f, indent=4)
    with pytest.raises(GenerationsError, match="give the \\*_eval_all.json beside it"):
        read_generations(path, problems)
