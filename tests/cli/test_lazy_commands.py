"""The command line imports only the command it runs (sstar/cli/app.py): ``sstar score`` never pays for
``SStarConfig`` and the other commands' modules, and a command line naming no command still sees them all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
sys.argv = ["sstar"] + json.loads(sys.argv[1])
from sstar.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(m for m in sys.modules if m.startswith("sstar."))}), file=sys.stderr)
"""


def run(*argv: str) -> tuple[int, list[str], str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(list(argv))], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}, timeout=120)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    return report["code"], report["modules"], proc.stdout


def test_score_imports_neither_the_configuration_nor_other_commands():
    for argv in (("score", "--help"), ("-v", "score", "--help")):
        code, modules, out = run(*argv)
        assert code == 0 and "--generations" in out
        assert "sstar.cli.score_cmd" in modules
        assert not {"sstar.pipeline.config", "sstar.cli.common", "sstar.cli.bench_cmd", "sstar.cli.solve_cmd",
                    "sstar.cli.mcp_cmd"} & set(modules), modules


def test_a_named_command_still_gets_its_usage_errors_and_others_see_every_command():
    code, modules, out = run("bench", "--help")
    assert code == 0 and "--dataset" in out and "sstar.pipeline.config" in modules
    code, _, out = run("--help")
    assert code == 0 and all(name in out for name in ("solve", "select", "test", "bench", "reselect", "score",
                                                      "convert", "mcp", "sandbox", "model"))
    proc = subprocess.run([sys.executable, "-m", "sstar", "score", "--no-such-flag"], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert proc.returncode == 2 and "--no-such-flag" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    proc = subprocess.run([sys.executable, "-m", "sstar", "scor"], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert proc.returncode == 2 and "scor" in proc.stderr
