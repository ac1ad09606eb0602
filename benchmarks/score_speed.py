"""``sstar score --generations`` against LiveCodeBench's ``evaluate_generations``, on the same data, in one run.

The data: PROGRAMS problems of TESTS tests each (half stdin, half LeetCode-style functional; LiveCodeBench
record format, all tests hidden but the first three), and one correct program per problem -- so every program
runs on every test, and what is measured is the grader's machinery, not the programs' own work.
  (a) the whole ``sstar score --generations FILE --dataset FILE`` command, start-up included, timed
      from outside, with the local sandbox (one worker per core), sstar's modules byte-compiled first
      (as installed);
  (b) LiveCodeBench's ``evaluate_generations`` (PyPI ``nvidia-livecodebench``) with 2 processes,
      called in this process (its import not timed).
(a) and (b) run in interleaved rounds (``--repeat``, default 3) and their medians are compared.
Beside wall time: CPU per test (the command and every process it reaped; the grader and its pool).

    .venv/bin/python benchmarks/score_speed.py [--programs 60] [--tests 100] [--repeat 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import lcb_grader  # noqa: E402

STDIN_CODE = "a, b = map(int, input().split())\nprint(a + b)\n"
FUNC_CODE = "class Solution:\n    def add(self, a: int, b: int) -> int:\n        return a + b\n"


def cpu_children() -> float:
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def dataset(programs: int, tests: int) -> list[dict]:
    out = []
    for p in range(programs):
        functional = p % 2 == 1
        cases = [{"input": f"{p}\n{t}" if functional else f"{p} {t}\n", "output": f"{p + t}" if functional
                  else f"{p + t}\n", "testtype": "functional" if functional else "stdin"} for t in range(tests)]
        out.append({"question_id": f"q{p}", "question_title": f"q{p}", "question_content": "Add two numbers.",
                    "platform": "leetcode" if functional else "atcoder", "contest_id": "bench", "contest_date": "",
                    "difficulty": "easy", "starter_code": "class Solution:\n    def add(self, a, b):\n" if functional
                    else "", "public_test_cases": cases[:3], "private_test_cases": cases[3:],
                    "metadata": {"func_name": "add"} if functional else {}, "code": FUNC_CODE if functional
                    else STDIN_CODE})
    return out


def compile_package() -> None:
    """Bytecode for sstar's modules, as an installed wheel has it (pip compiles on install). A source checkout
    run where PYTHONDONTWRITEBYTECODE is set would otherwise compile ~45 ms of modules at every start: a
    figure of this shell, not of sstar."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "sstar")], check=True,
                   stdout=subprocess.DEVNULL)


def run_sstar(data_path: Path, gen_path: Path, out: Path) -> tuple[float, float, dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cpu0, start = cpu_children(), time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "sstar", "score", "--generations", str(gen_path), "--dataset",
                           str(data_path), "--no-plot", "--out", str(out)], capture_output=True, text=True, env=env)
    elapsed, cpu = time.perf_counter() - start, cpu_children() - cpu0
    if proc.returncode != 0:
        raise SystemExit(f"sstar score failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed, cpu, json.loads(out.read_text())


def run_grader(records: list[dict], processes: int) -> tuple[float, float, int] | None:
    samples = []
    for rec in records:
        tests = rec["public_test_cases"] + rec["private_test_cases"]
        samples.append(lcb_grader.sample([t["input"] for t in tests], [t["output"] for t in tests],
                                         rec["metadata"].get("func_name")))
    graded = lcb_grader.evaluate(samples, [rec["code"] for rec in records], processes, "(b)")
    return None if graded is None else (graded.seconds, graded.cpu_s, graded.programs_passed())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programs", type=int, default=60)
    parser.add_argument("--tests", type=int, default=100)
    parser.add_argument("--grader-processes", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds of (a) and (b); medians compared")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    records = dataset(args.programs, args.tests)
    total = args.programs * args.tests
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"{args.programs} programs x {args.tests} tests ({total} tests), {os.cpu_count()} cores, load average {load}")
    figures: dict = {"programs": args.programs, "tests": args.tests, "load_average_before": load}
    compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        data_path, gen_path = Path(tmp) / "dataset.jsonl", Path(tmp) / "generations.jsonl"
        data_path.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "code"}) + "\n" for r in records))
        gen_path.write_text("".join(json.dumps({"question_id": r["question_id"], "code_list": [r["code"]]}) + "\n"
                                    for r in records))
        # Interleaved rounds, (a) then (b): both sides meet the same machine state (caches, clock, other load);
        # the medians are compared. One round alone swings by about 10% a side.
        rounds: list[tuple] = []
        for _ in range(args.repeat):
            elapsed, cpu, summary = run_sstar(data_path, gen_path, Path(tmp) / "summary.json")
            passed = sum(row["correct"] for row in summary["rows"])
            print(f"  (a) sstar score --generations   {elapsed:7.2f} s  CPU {cpu / total * 1000:6.3f} ms a test  "
                  f"{passed}/{args.programs} programs pass")
            grader = run_grader(records, args.grader_processes)
            if grader is None:
                break
            print(f"  (b) evaluate_generations, {args.grader_processes} proc. {grader[0]:7.2f} s  CPU "
                  f"{grader[1] / total * 1000:6.3f} ms a test  {grader[2]}/{args.programs} programs pass")
            rounds.append((elapsed, cpu, passed) + grader)
    if rounds:
        mid = lambda k: statistics.median(r[k] for r in rounds)  # noqa: E731
        figures["rounds"] = len(rounds)
        figures["sstar_score"] = {"seconds": round(mid(0), 3), "cpu_ms_per_test": round(mid(1) / total * 1000, 3),
                                  "passed": rounds[-1][2], "seconds_each": [round(r[0], 3) for r in rounds]}
        figures["livecodebench"] = {"seconds": round(mid(3), 3), "cpu_ms_per_test": round(mid(4) / total * 1000, 3),
                                    "passed": rounds[-1][5], "processes": args.grader_processes,
                                    "seconds_each": [round(r[3], 3) for r in rounds]}
        figures["speedup"] = round(mid(3) / mid(0), 2)
        print(f"  medians of {len(rounds)} rounds: sstar score {mid(0):.2f} s, grader {mid(3):.2f} s: "
              f"{mid(3) / mid(0):.1f}x faster (wall), {mid(4) / mid(1):.1f}x less CPU")
    figures["load_average_after"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
