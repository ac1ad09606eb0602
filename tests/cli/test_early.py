"""``sstar score`` starts its sandbox before the command line is parsed (sstar/cli/early.py): the command
takes it over, and whatever stops the command first leaves no worker behind."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from pathlib import Path

from sstar.cli import early
from sstar.sandbox.protocol import ExecRequest

ROOT = Path(__file__).resolve().parents[2]


def workers_of(pid: int) -> list[int]:
    # A local sandbox's workers carry --cgroup-name=sstar-<harness pid>-<n> on their command lines.
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            if f"sstar-{pid}-".encode() in open(f"/proc/{entry}/cmdline", "rb").read():
                found.append(int(entry))
        except OSError:
            pass
    return found


def test_a_score_command_gets_a_started_sandbox_that_serves_tests():
    early.start_for(["-v", "score", "--generations", "g.jsonl", "--dataset", "d.jsonl"])
    sandbox = early.take(False)
    assert sandbox is not None and early.take(False) is None  # taken once
    try:
        assert sandbox.run(ExecRequest(code="print(6 * 7)")).stdout == b"42\n"
    finally:
        sandbox.close()


def test_no_sandbox_for_help_or_other_commands():
    for argv in (["score", "--help"], ["solve", "p.json"], ["--help"], []):
        early.start_for(argv)
        assert early.take(False) is None


def test_other_settings_or_no_taker_close_it():
    early.start_for(["score", "--isolate-tests"])
    started = early._pending[1]
    assert early.take(False) is None and started._closed  # the command wants another sandbox
    early.start_for(["score"])
    started = early._pending[1]
    early.discard()
    assert started._closed and early._pending is None


def test_quick_thread_switches_only_until_the_command_takes_over():
    usual = sys.getswitchinterval()
    early.start_for(["score"])
    assert abs(sys.getswitchinterval() - early.STARTING_SWITCH_S) < 1e-6  # the warm-up threads spawn promptly
    early.take(False).close()
    assert sys.getswitchinterval() == usual
    early.start_for(["score"])
    early.discard()
    assert sys.getswitchinterval() == usual
    early.start_for(["score", "--help"])  # no sandbox: nothing changed
    assert sys.getswitchinterval() == usual


def test_the_collector_is_paused_for_start_up_only():
    assert gc.isenabled()
    early.start_for(["score"])
    assert not gc.isenabled()  # start-up's objects are never garbage: no collection walks them
    sandbox = early.take(False)
    try:
        early.settled()
        assert gc.isenabled()
    finally:
        sandbox.close()
    early.start_for(["score"])
    early.discard()  # a command stopped before settling leaves the collector on
    assert gc.isenabled()


def test_a_score_command_that_fails_early_leaves_no_worker(tmp_path):
    gens = tmp_path / "g.jsonl"
    gens.write_text("{}\n")
    proc = subprocess.Popen([sys.executable, "-m", "sstar", "score", "--generations", str(gens)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "--generations needs --dataset" in err
    deadline = time.time() + 5
    while workers_of(proc.pid) and time.time() < deadline:
        time.sleep(0.05)
    assert not workers_of(proc.pid)
