"""End to end with the embedded SmolLM2 on the CPU, from the command line (slow: CI runs it)."""

import json
import os
import subprocess
import sys

import pytest

from ..conftest import PROBLEMS

pytestmark = pytest.mark.slow
pytest.importorskip("torch")


@pytest.mark.timeout(1200)
def test_sstar_solve_with_the_embedded_model(tmp_path):
    out = tmp_path / "trace.json"
    proc = subprocess.run([sys.executable, "-m", "sstar", "solve", str(PROBLEMS / "cf_fox_cheese.json"), "--n", "2",
                           "--rounds", "1", "--max-tokens", "128", "--out", str(out)],
                          capture_output=True, text=True, timeout=900,
                          env={k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SSTAR_MODEL"))})
    assert proc.returncode in (0, 1), proc.stderr[-3000:]  # a 135M model may well write no code at all
    trace = json.loads(out.read_text())
    assert trace["config"]["n"] == 2 and len(trace["candidates"]) == 2
    assert trace["usage"]["generate"]["calls"] == 1 and trace["usage"]["generate"]["completion_tokens"] > 0
    if proc.returncode == 0:
        assert proc.stdout.strip() and trace["program"] == proc.stdout
