"""Judge memory and time on 32 MB outputs: sstar's stdout comparison vs LiveCodeBench's.

Each (shape, judge) runs in a fresh interpreter that builds the two outputs, resets its
peak resident set (/proc/self/clear_refs), compares, and reports the peak growth and the
time. LiveCodeBench's side is its own comparison code from ``grade_stdio``
(``get_stripped_lines``, then ``convert_line_to_decimals`` per differing line), from the
PyPI package ``nvidia-livecodebench``; running the program is left out of both.

    .venv/bin/python benchmarks/judge_memory.py [--mb 32] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SHAPES = {
    "one line of tokens, one written 1.0": 'b"1 " * (N - 1) + b"1.0", ("1 " * N)[:-1]',
    "one line of tokens vs a short answer": 'b"1 " * N, "1 2 3"',
    "one long number, last digit differs": 'b"7" * (2 * N), "7" * (2 * N - 1) + "8"',
    "a line per token, all equal": 'b"1\\n" * N, "1\\n" * N',
}

CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
N = {tokens}
actual, expected = {shape}
judge = {judge!r}
if judge == "sstar":
    from sstar.judge.stdout_compare import compare_stdout
    run = lambda: compare_stdout(actual, expected)[0]
else:
    from livecodebench.evaluation import testing_util as lcb
    def run():  # grade_stdio's comparison, its own helpers, in its order
        got, want = lcb.get_stripped_lines(actual.decode()), lcb.get_stripped_lines(expected)
        if len(got) != len(want):
            return False
        for g, w in zip(got, want):
            if g == w:
                continue
            ok_g, dg = lcb.convert_line_to_decimals(g)
            ok_w, dw = lcb.convert_line_to_decimals(w)
            if not (ok_g and ok_w and dg == dw):
                return False
        return True
def status(field):
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(field + ":")) / 1024
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")
before = status("VmRSS")
start = time.perf_counter()
ok = run()
seconds = time.perf_counter() - start
print(json.dumps({{"accepted": ok, "peak_mb": status("VmHWM") - before, "seconds": seconds}}))
"""


def measure(shape: str, judge: str, tokens: int) -> dict:
    code = CHILD.format(root=str(ROOT), tokens=tokens, shape=SHAPES[shape], judge=judge)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=32, help="Output size in MB (default 32).")
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    args = parser.parse_args()
    tokens = args.mb * 1024 * 1024 // 2
    rows = {}
    print(f"{'shape':40} {'judge':12} {'verdict':9} {'peak MB':>8} {'s':>7}")
    for shape in SHAPES:
        for judge in ("sstar", "livecodebench"):
            figures = measure(shape, judge, tokens)
            rows.setdefault(shape, {})[judge] = figures
            if "error" in figures:
                print(f"{shape:40} {judge:12} error: {figures['error']}")
                continue
            verdict = "accepted" if figures["accepted"] else "rejected"
            print(f"{shape:40} {judge:12} {verdict:9} {figures['peak_mb']:8.1f} {figures['seconds']:7.2f}")
        mine, anchor = rows[shape]["sstar"], rows[shape]["livecodebench"]
        if "error" not in mine and "error" not in anchor:
            assert mine["accepted"] == anchor["accepted"], f"{shape}: the verdicts differ"
            print(f"{'':40} {'ratio':12} {'':9} {mine['peak_mb'] / max(anchor['peak_mb'], 0.1):8.3f} "
                  f"{mine['seconds'] / max(anchor['seconds'], 1e-6):7.2f}   (sstar / LiveCodeBench)")
    if args.json:
        args.json.write_text(json.dumps({"mb": args.mb, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
