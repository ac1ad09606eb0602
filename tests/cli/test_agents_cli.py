"""The command line with no model server: a scripted model from a file, backends by import path, the decision line."""

import json
import os
import subprocess
import sys

import pytest

from sstar.pipeline import records

from ..conftest import PROBLEMS, REFERENCE, ROOT
from ..pipeline.test_sstar import FAILS_PUBLIC, GOOD, PROBLEM, SUBTLE

SCRIPT = ROOT / "examples" / "scripted" / "lc_max_odd_binary.json"
needs_decided_by = pytest.mark.skipif(not hasattr(records, "DecidedBy"),
                                      reason="needs SolveResult.decided_by (contract 1, issue 10's branch)")


def sstar(*args, timeout=300):
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT),
                                                                                     os.environ.get("PYTHONPATH"))))}
    return subprocess.run([sys.executable, "-m", "sstar", *args], capture_output=True, text=True, timeout=timeout,
                          env=env, cwd=ROOT)


@pytest.fixture
def problem_file(tmp_path):
    path = tmp_path / "largest.json"
    path.write_text(PROBLEM.model_dump_json())
    return path


def test_solve_with_a_scripted_model_file_end_to_end(tmp_path):
    out = tmp_path / "trace.json"
    proc = sstar("solve", str(PROBLEMS / "lc_max_odd_binary.json"), "--model", f"scripted:{SCRIPT}", "--n", "4",
                 "--rounds", "1", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout == (REFERENCE / "lc_max_odd_binary.py").read_text()
    trace = json.loads(out.read_text())
    assert trace["config"]["model"]["name"] == f"scripted:{SCRIPT}" and len(trace["candidates"]) == 4
    assert trace["usage"]["debug"]["calls"] == 1 and sorted(map(len, trace["clusters"])) == [1, 3]


def test_scripted_model_jsonl_in_order(problem_file, tmp_path):
    script = tmp_path / "answers.jsonl"
    script.write_text("\n".join(json.dumps({"stage": "generate", "text": f"```python\n{code}```"})
                                for code in (FAILS_PUBLIC, GOOD)) + "\n"
                      + json.dumps({"stage": "default", "text": "no idea"}) + "\n")
    proc = sstar("solve", str(problem_file), "--model", f"scripted:{script}", "--n", "2", "--rounds", "1")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout == GOOD


@pytest.mark.parametrize("spec, message", [
    ("scripted", "the scripted model needs its answers: --model scripted:FILE"),
    ("scripted:missing.json", "scripted model: missing.json: no such file"),
    ("scripted:LIST", "the scripted model has 1 answer(s) left but was asked for 2"),
    ("no_such_pkg.models:Client", "cannot import 'no_such_pkg.models'"),
])
def test_a_scripted_or_imported_model_that_cannot_serve_is_one_line_exit_2(problem_file, tmp_path, spec, message):
    if spec == "scripted:LIST":
        (tmp_path / "one.json").write_text(json.dumps(["only one answer"]))
        spec = f"scripted:{tmp_path / 'one.json'}"
    proc = sstar("solve", str(problem_file), "--model", spec, "--n", "2")
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    errors = [line for line in proc.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and errors[0].startswith("error: ") and message in errors[0]  # a line of its own


def test_model_and_sandbox_by_import_path_from_the_cli(problem_file, tmp_path):
    proc = sstar("solve", str(problem_file), "--model", "tests.pipeline.test_api:OracleModel",
                 "--sandbox", "tests.pipeline.test_api:CountingSandbox", "--n", "2", "--out", str(tmp_path / "t.json"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout == GOOD
    assert json.loads((tmp_path / "t.json").read_text())["config"]["model"]["backend"] == "oracle"
    proc = sstar("test", str(tmp_path / "nothing.py"), str(problem_file), "--sandbox", "podman")
    assert proc.returncode == 2


def test_select_takes_a_sandbox_by_import_path(problem_file, tmp_path):
    paths = []
    for name, code in (("subtle", SUBTLE), ("good", GOOD), ("bad", FAILS_PUBLIC)):
        paths.append(tmp_path / f"{name}.py")
        paths[-1].write_text(code)
    proc = sstar("select", str(problem_file), *map(str, paths), "--sandbox", "tests.pipeline.test_api:CountingSandbox",
                 "--json")
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(proc.stdout)
    assert data["index"] in (0, 1)


@needs_decided_by
def test_the_decision_is_on_stderr_and_in_select_json(problem_file, tmp_path):
    paths = []
    for name, code in (("a", GOOD), ("b", GOOD), ("c", FAILS_PUBLIC)):
        paths.append(tmp_path / f"{name}.py")
        paths[-1].write_text(code)
    proc = sstar("select", str(problem_file), *map(str, paths), "--json")
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(proc.stdout)
    assert data["decided_by"] in {d.value for d in records.DecidedBy} and data["decided_by"] != "none"
    assert data["index"] in (0, 1) and 2 not in data["undistinguished"]
    assert f"chose candidate {data['index']}" in proc.stderr


@needs_decided_by
def test_solve_says_how_it_decided_on_stderr(tmp_path):
    proc = sstar("solve", str(PROBLEMS / "lc_max_odd_binary.json"), "--model", f"scripted:{SCRIPT}", "--n", "4",
                 "--rounds", "1")
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(line for line in proc.stderr.splitlines() if line.startswith("chose candidate "))
    assert any(phrase in line for phrase in ("judge", "execution", "UNDECIDED", "public tests"))
