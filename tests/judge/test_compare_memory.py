"""The stdout judge's memory on a 32 MB line: the peak resident set of a fresh interpreter.

LiveCodeBench's way (a Decimal list per line) costs about 2 GB on a line of 16M tokens;
the judge must stay under 100 MB beyond the two outputs it is given.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

MEASURE = textwrap.dedent("""
    import json, sys
    from sstar.judge.stdout_compare import compare_stdout

    def status_mb(field):  # VmRSS: resident now; VmHWM: the peak since the last reset
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith(field + ":")) / 1024

    N = 16 * 1024 * 1024  # 16M tokens: a 32 MB line
    case = sys.argv[1]
    if case == "tokens":       # the same numbers, one written differently: every token is compared
        actual, expected = b"1 " * (N - 1) + b"1.0\\n", ("1 " * N)[:-1]
    elif case == "short":      # a 32 MB line against a short answer
        actual, expected = b"1 " * N, "1 2 3\\n"
    elif case == "giant":      # one 32 MB number against another that differs in its last digit
        actual, expected = b"7" * (2 * N), "7" * (2 * N - 1) + "8"
    elif case == "zeros":      # one 32 MB number equal to a short one
        actual, expected = b"0" * (2 * N - 1) + b"5", "5.000"
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # reset the peak: building the inputs above had its own
    before = status_mb("VmRSS")
    ok, why = compare_stdout(actual, expected)
    peak = status_mb("VmHWM")
    print(json.dumps({"ok": ok, "why": why[:40], "extra_mb": peak - before}))
""")


@pytest.mark.slow
@pytest.mark.parametrize("case, accepted", [("tokens", True), ("short", False), ("giant", False), ("zeros", True)])
def test_a_32_mb_line_costs_under_100_mb(case, accepted):
    done = subprocess.run([sys.executable, "-c", MEASURE, case], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=240)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["ok"] is accepted, result
    assert result["extra_mb"] < 100, result
