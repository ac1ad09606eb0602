"""The command line, as a user runs it: real processes, real exit codes."""

import json
import os
import subprocess
import sys

import pytest

from ..conftest import PROBLEMS, REFERENCE, ROOT


def sstar(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "sstar", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, env={**os.environ, "COLUMNS": "200"})


@pytest.mark.parametrize("name", ["cf_fox_cheese", "lc_find_k_or"])
def test_accepted_json(name):
    proc = sstar("test", str(REFERENCE / f"{name}.py"), str(PROBLEMS / f"{name}.json"), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["verdict"] == "accepted" and data["passed"] == data["total"] == len(data["tests"]) > 3
    assert {"verdict", "time_s"} <= set(data["tests"][0])


def test_wrong_program_exits_1_with_first_failing_verdict(tmp_path):
    program = tmp_path / "wrong.py"
    program.write_text("n = input()\nprint(-1)\n")
    proc = sstar("test", str(program), str(PROBLEMS / "cf_fox_cheese.json"), "--tests", "public", "--json")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["total"] == 3 and data["verdict"] == next(t["verdict"] for t in data["tests"] if t["verdict"] != "accepted")


def test_time_limit_option(tmp_path):
    program = tmp_path / "slow.py"
    program.write_text("while True: pass\n")
    proc = sstar("test", str(program), str(PROBLEMS / "cf_fox_cheese.json"), "--tests", "public",
                 "--time-limit", "0.3", "--json")
    data = json.loads(proc.stdout)
    assert proc.returncode == 1 and data["verdict"] == "time_limit"
    assert all(t["cpu_s"] < 1.5 for t in data["tests"])


def test_table_output(tmp_path):
    proc = sstar("test", str(REFERENCE / "lc_max_odd_binary.py"), str(PROBLEMS / "lc_max_odd_binary.json"),
                 "--tests", "public")
    assert proc.returncode == 0 and "accepted: 2/2 tests passed" in proc.stdout


@pytest.mark.parametrize("setup, message", [
    (lambda d: (d / "missing.py", PROBLEMS / "cf_fox_cheese.json"), "no such file"),
    (lambda d: (REFERENCE / "cf_fox_cheese.py", d / "missing.json"), "no such file"),
    (lambda d: (REFERENCE / "cf_fox_cheese.py", _write(d / "bad.jsonl", '{"question_id": 1}\n{oops\n')),
     "line 2: invalid JSON"),
    (lambda d: (_write(d / "bin.py", b"\xff\xfe"), PROBLEMS / "cf_fox_cheese.json"), "not UTF-8"),
])
def test_bad_input_exits_2_with_one_clear_line(tmp_path, setup, message):
    program, problem = setup(tmp_path)
    proc = sstar("test", str(program), str(problem))
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_unknown_option_value_exits_2():
    proc = sstar("test", str(REFERENCE / "cf_fox_cheese.py"), str(PROBLEMS / "cf_fox_cheese.json"), "--tests", "some")
    assert proc.returncode == 2


def test_sandbox_check_passes_here():
    proc = sstar("sandbox", "check")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    assert "isolation bwrap" in proc.stdout and " 0 failed" in proc.stdout


def test_python_dash_m_and_console_script_agree():
    script = os.path.join(os.path.dirname(sys.executable), "sstar")
    assert subprocess.run([script, "--help"], capture_output=True).returncode == 0


def _write(path, content):
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path
