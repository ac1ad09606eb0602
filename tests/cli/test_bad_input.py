"""Bad input, every command: one clear line on stderr, exit 2, never a traceback (real subprocesses).

COLUMNS=40 makes any wrapped message show up as several lines.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBLEM = ROOT / "problems" / "cf_fox_cheese.json"
PROGRAM = ROOT / "tests" / "reference_solutions" / "cf_fox_cheese.py"
DEEP = "[" * 100_000 + "]" * 100_000


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def with_metadata(d: Path, **metadata) -> Path:
    record = json.loads(PROBLEM.read_text())
    record["metadata"] = metadata
    return write(d / "limits.json", json.dumps(record))


def run_test_on(problem_of, *extra):
    return lambda d: ["test", str(PROGRAM), str(problem_of(d)), *extra]


CASES = {
    # problem files
    "jsonl with invalid UTF-8": (run_test_on(lambda d: write(d / "p.jsonl", b'{"question_id": "a"}\n\xff\xfe{}\n')),
                                 "line 2: not UTF-8"),
    "100k-deep JSON document": (run_test_on(lambda d: write(d / "p.json", DEEP)), "nested too deeply"),
    "100k-deep JSONL line": (run_test_on(lambda d: write(d / "p.jsonl", DEEP + "\n")), "line 1: invalid JSON"),
    "100k-deep metadata string": (run_test_on(lambda d: write(d / "m.json", json.dumps(
        {**json.loads(PROBLEM.read_text()), "metadata": '{"a": ' + DEEP + "}"}))), "nested too deeply"),
    "integer of 5000 digits": (run_test_on(lambda d: write(d / "p.json", '{"question_id": ' + "9" * 5000 + "}")),
                               "invalid JSON"),
    "a list holding a number": (run_test_on(lambda d: write(d / "p.json", f"[{PROBLEM.read_text()}, 5]")),
                                "[record 1]: expected a JSON object"),
    "time limit not a number": (run_test_on(lambda d: with_metadata(d, time_limit_s="fast")),
                                "metadata.time_limit_s must be a number"),
    "time limit NaN": (run_test_on(lambda d: with_metadata(d, time_limit_s="nan")), "metadata.time_limit_s"),
    "time limit zero": (run_test_on(lambda d: with_metadata(d, time_limit_s=0)),
                        "metadata.time_limit_s must be above 0"),
    "time limit negative": (run_test_on(lambda d: with_metadata(d, time_limit_s=-1.5)), "metadata.time_limit_s"),
    "time limit a list": (run_test_on(lambda d: with_metadata(d, time_limit_s=[1])), "metadata.time_limit_s"),
    "memory limit not a number": (run_test_on(lambda d: with_metadata(d, memory_limit_mb="lots")),
                                  "metadata.memory_limit_mb must be a number"),
    "memory limit zero": (run_test_on(lambda d: with_metadata(d, memory_limit_mb=0)), "metadata.memory_limit_mb"),
    "memory limit negative": (run_test_on(lambda d: with_metadata(d, memory_limit_mb=-64)), "metadata.memory_limit_mb"),
    "memory limit absurd": (run_test_on(lambda d: with_metadata(d, memory_limit_mb=1e300)), "metadata.memory_limit_mb"),
    "problem is a directory": (run_test_on(lambda d: d), "is a directory"),
    # options
    "negative float tolerance": (run_test_on(lambda d: PROBLEM, "--float-tolerance", "-0.1"), "--float-tolerance"),
    "NaN float tolerance": (run_test_on(lambda d: PROBLEM, "--float-tolerance", "nan"), "--float-tolerance"),
    "zero time limit": (run_test_on(lambda d: PROBLEM, "--time-limit", "0"), "--time-limit"),
    "infinite time limit": (run_test_on(lambda d: PROBLEM, "--time-limit", "inf"), "--time-limit"),
    "missing argument": (lambda d: ["test", str(PROGRAM)], "Missing argument"),
    "unknown command": (lambda d: ["tset"], "No such command"),
    "program is a directory": (lambda d: ["test", str(d), str(PROBLEM)], "is a directory"),
    # the other commands
    "solve a directory": (lambda d: ["solve", str(d), "--model", "scripted"], "is a directory"),
    "solve a deep file": (lambda d: ["solve", str(write(d / "p.json", DEEP))], "nested too deeply"),
    "select with --out a directory": (lambda d: ["select", str(PROBLEM), str(PROGRAM), "--out", str(d)],
                                      "is a directory"),
    "select a directory as candidate": (lambda d: ["select", str(PROBLEM), str(d)], "is a directory"),
    "bench --out naming a file": (lambda d: ["bench", "--dataset", str(PROBLEM), "--out", str(write(d / "f", "x"))],
                                  "is a file"),
    "bench a jsonl with invalid UTF-8": (lambda d: ["bench", "--dataset", str(write(d / "p.jsonl", b"\xff\n")),
                                                    "--out", str(d / "run"), "--model", "scripted"], "not UTF-8"),
    "convert a deep file": (lambda d: ["convert", "lcb", str(write(d / "p.jsonl", DEEP + "\n")), "--out",
                                       str(d / "o.jsonl")], "nested too deeply"),
    "convert a file with invalid UTF-8": (lambda d: ["convert", "lcb", str(write(d / "p.jsonl", b"\xff\n")), "--out",
                                                     str(d / "o.jsonl")], "not UTF-8"),
    "convert with --out a directory": (lambda d: ["convert", "lcb", str(PROBLEM), "--out", str(d)], "is a directory"),
    "score a folder without results": (lambda d: ["score", str(d)], "no results.jsonl"),
    "score deep generations": (lambda d: ["score", "--generations", str(write(d / "g.jsonl", DEEP + "\n")),
                                          "--dataset", str(PROBLEM)], "g.jsonl"),
    "score generations with invalid UTF-8": (lambda d: ["score", "--generations", str(write(d / "g.jsonl", b"\xff\n")),
                                                        "--dataset", str(PROBLEM)], "not UTF-8"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_one_line_and_exit_2(tmp_path, case):
    arguments, message = CASES[case]
    proc = subprocess.run([sys.executable, "-m", "sstar", *arguments(tmp_path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, stdin=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "40"})
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    # The message is the last line and a whole one (bench may show its progress frame above it).
    errors = [line for line in lines if "error:" in line]
    assert errors == lines[-1:] and errors[0].startswith("error: "), proc.stderr[-2000:]
    assert message in errors[0]
    if arguments(tmp_path)[0] != "bench":
        assert len(lines) == 1, proc.stderr[-2000:]
