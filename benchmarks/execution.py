"""Execution throughput: sstar's local sandbox vs a fresh interpreter vs LiveCodeBench's grader.

The same trivial tests go through, in one run:
  (a) sstar's local sandbox (warm workers, bubblewrap isolation; a program's tests in one confined
      process), and the same with ``isolate_tests`` (fork per test);
  (b) a fresh ``python3`` subprocess per test (no isolation);
  (c) LiveCodeBench's own grader: ``evaluate_generations`` -> ``check_correctness`` ->
      ``run_test`` from ``testing_util``, as vendored by the PyPI package
      ``nvidia-livecodebench`` (no isolation beyond its reliability guard).
in two shapes: S*'s selection shape (every program run on one input) and the
grading shape (a program run on its 100 tests, which LiveCodeBench's grader
runs in one process). Beside throughput, the CPU each test costs (harness, workers, test processes;
the grader's pool), which the machine's load does not change. Each gets as many parallel workers as the machine has
cores. It also reports, for the local backend and (when an engine is reachable) the Docker backend,
the sandbox's per-test overhead: the median round trip of one test through a
single worker, minus the median time the same program takes run in-process.

    make bench      # or: .venv/bin/python benchmarks/execution.py [--json FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import lcb_grader  # noqa: E402

from sstar.judge import run_tests  # noqa: E402
from sstar.problem import Problem, TestCase, TestType  # noqa: E402
from sstar.sandbox.isolation import base_interpreter  # noqa: E402
from sstar.sandbox.local import LocalSandbox  # noqa: E402

STDIN_CODE = "a, b = map(int, input().split())\nprint(a + b)\n"
FUNC_CODE = "class Solution:\n    def add(self, a: int, b: int) -> int:\n        return a + b\n"


def workload(programs: int, tests: int) -> list[Problem]:
    problems = []
    for p in range(programs):
        stdin = tuple(TestCase(input=f"{p} {t}\n", output=f"{p + t}\n", testtype=TestType.STDIN) for t in range(tests))
        func = tuple(TestCase(input=f"{p}\n{t}", output=f"{p + t}", testtype=TestType.FUNCTIONAL) for t in range(tests))
        problems.append(Problem(question_id=f"s{p}", public_test_cases=stdin))
        problems.append(Problem(question_id=f"f{p}", public_test_cases=func, starter_code="class Solution:\n",
                                metadata={"func_name": "add"}))
    return problems


def code_for(problem: Problem) -> str:
    return FUNC_CODE if problem.test_type is TestType.FUNCTIONAL else STDIN_CODE


def bench_sandbox(problems: list[Problem], workers: int, isolate_tests: bool = False) -> tuple[float, int, float]:
    """(seconds, tests passed, CPU seconds of starting the sandbox: this process and its workers so far)."""
    cpu0 = cpu_now()
    with LocalSandbox(workers=workers, isolate_tests=isolate_tests) as sandbox:
        sandbox.warm_up(wait=True)  # every worker started before the clock starts
        run_tests(STDIN_CODE, problems[0], sandbox)
        startup_cpu = cpu_now() - cpu0 + sum(worker_tree_cpu_s(w) for w in list(sandbox._idle.queue))
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            reports = list(pool.map(lambda p: run_tests(code_for(p), p, sandbox), problems))
        elapsed = time.perf_counter() - start
    return elapsed, sum(r.passed for r in reports), startup_cpu


FUNC_DRIVER = FUNC_CODE + "import sys, json\nargs = [json.loads(l) for l in sys.stdin.read().splitlines() if l.strip()]\n" \
                          "print(json.dumps(Solution().add(*args)))\n"


def bench_fresh_python(problems: list[Problem], workers: int) -> tuple[float, int]:
    python = base_interpreter()
    jobs = [(STDIN_CODE if p.test_type is TestType.STDIN else FUNC_DRIVER, t) for p in problems for t in p.tests()]

    def one(job) -> bool:
        code, test = job
        out = subprocess.run([python, "-I", "-c", code], input=test.input, capture_output=True, text=True, timeout=10)
        return out.stdout.strip() == test.output.strip()

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        passed = sum(pool.map(one, jobs))
    return time.perf_counter() - start, passed


def bench_livecodebench(problems: list[Problem], workers: int) -> tuple[float, int] | None:
    samples = [lcb_grader.sample([t.input for t in p.tests()], [t.output for t in p.tests()],
                                 "add" if p.test_type is TestType.FUNCTIONAL else None) for p in problems]
    graded = lcb_grader.evaluate(samples, [code_for(p) for p in problems], workers, "(c)")
    return None if graded is None else (graded.seconds, graded.tests_passed())


def in_process_ms(samples: int) -> float:
    """Median time of the trivial stdin test run in this process (the floor of any sandbox)."""
    test = workload(1, 1)[0].public_test_cases[0]
    compiled = compile(STDIN_CODE, "<solution>", "exec")
    inproc = []
    for _ in range(samples):
        t = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            old = sys.stdin
            sys.stdin = io.StringIO(test.input)
            try:
                exec(compiled, {"__name__": "__main__"})
            finally:
                sys.stdin = old
        inproc.append(time.perf_counter() - t)
    return statistics.median(inproc) * 1000


# The per-test overhead, measured side by side (one sample of each in turn, so that the machine's load
# weighs on both alike): the full confinement, and rlimits only (no cgroup per test, no seccomp filter).
CONFIGURATIONS = {"confined": {}, "no cgroup, no seccomp": {"cgroups": False, "seccomp": False}}


def worker_tree_cpu_s(worker) -> float:
    """CPU time of a sandbox worker and every test process it has reaped (load-independent)."""
    launcher = worker.proc.pid  # bwrap; the worker is its only child
    children = Path(f"/proc/{launcher}/task/{launcher}/children").read_text().split()
    worker = int(children[0]) if children else launcher
    fields = Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime, stime, cutime, cstime


def overhead_ms(samples: int) -> tuple[dict[str, float], dict[str, float]]:
    """Per configuration: median round trip of one trivial test through one worker, and CPU per test."""
    problem = workload(1, 1)[0]
    sandboxes = {name: LocalSandbox(workers=1, **options) for name, options in CONFIGURATIONS.items()}
    trips: dict[str, list[float]] = {name: [] for name in sandboxes}
    try:
        for sandbox in sandboxes.values():
            run_tests(STDIN_CODE, problem, sandbox)  # warm-up
        cpu0 = {name: worker_tree_cpu_s(sandbox._idle.queue[0]) for name, sandbox in sandboxes.items()}
        for _ in range(samples):
            for name, sandbox in sandboxes.items():
                t = time.perf_counter()
                run_tests(STDIN_CODE, problem, sandbox)
                trips[name].append(time.perf_counter() - t)
        cpu = {name: (worker_tree_cpu_s(sandbox._idle.queue[0]) - cpu0[name]) / samples * 1000 for name, sandbox in sandboxes.items()}
    finally:
        for sandbox in sandboxes.values():
            sandbox.close()
    return {name: statistics.median(values) * 1000 for name, values in trips.items()}, cpu


def median_round_trip_ms(sandbox, problem: Problem, samples: int) -> float:
    """One warm-up, then the median time of one trivial test through ``sandbox``."""
    run_tests(STDIN_CODE, problem, sandbox)
    trips = []
    for _ in range(samples):
        t = time.perf_counter()
        run_tests(STDIN_CODE, problem, sandbox)
        trips.append(time.perf_counter() - t)
    return statistics.median(trips) * 1000


SHAPES = {
    # S*'s differential execution: every (candidate, input) pair is one run.
    "selection": (100, 1),
    # Grading a program on its problem's tests, as LiveCodeBench scores a generation.
    "grading": (10, 100),
}


def cpu_now() -> float:
    """CPU of this process and every process it has reaped (sandbox workers once closed, the grader's pool)."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


SKIP: set[str] = set()


def run_shape(name: str, programs: int, tests: int, workers: int) -> dict:
    problems = workload(programs, tests)
    total = sum(len(p.tests()) for p in problems)
    print(f"\n[{name}] {total} tests: {programs} stdin + {programs} functional programs x {tests} test(s), "
          f"{workers} workers, {os.cpu_count()} cores")
    rows = {}
    print(f"  load average before: {load_average()} (CPU per test is the figure the machine's load does not change)")
    for label, fn in (("sstar local sandbox", bench_sandbox),
                      ("sstar, fork per test", lambda ps, w: bench_sandbox(ps, w, isolate_tests=True)),
                      ("fresh python3 per test", bench_fresh_python),
                      ("LiveCodeBench grader", bench_livecodebench)):
        if label in SKIP:
            continue
        cpu0 = cpu_now()
        out = fn(problems, workers)
        if out is None:
            continue
        elapsed, passed, startup = (*out, None)[:3]
        cpu_ms = (cpu_now() - cpu0) / total * 1000
        rows[label] = {"seconds": round(elapsed, 3), "tests_per_s": round(total / elapsed, 1), "passed": passed,
                       "cpu_ms_per_test": round(cpu_ms, 3)}
        note = ""
        if startup is not None:  # the sandbox's start-up, outside the clock, inside the CPU figure
            rows[label]["startup_cpu_s"] = round(startup, 3)
            rows[label]["cpu_ms_per_test_after_startup"] = round(cpu_ms - startup / total * 1000, 3)
            note = f" ({cpu_ms - startup / total * 1000:.3f} without the {startup:.2f} s of start-up and warm-up)"
        print(f"  {label:26s} {total / elapsed:8.1f} tests/s  ({elapsed:6.2f} s, {passed}/{total} passed)  "
              f"CPU {cpu_ms:6.3f} ms a test{note}")
    base = rows["sstar local sandbox"]["tests_per_s"]
    for label, row in rows.items():
        if label != "sstar local sandbox":
            row["sandbox_speedup"] = round(base / row["tests_per_s"], 2)
            row["sandbox_cpu_ratio"] = round(row["cpu_ms_per_test"] / rows["sstar local sandbox"]["cpu_ms_per_test"], 2)
            print(f"  sandbox vs {label}: {row['sandbox_speedup']:.1f}x throughput, "
                  f"{row['sandbox_cpu_ratio']:.1f}x less CPU per test")
    rows["load_average_after"] = load_average()
    return rows


def docker_overhead_ms(samples: int) -> float | None:
    """Median round trip of one trivial test through one warm container, or None without an engine."""
    from sstar.sandbox.docker_backend import DockerSandbox
    from sstar.sandbox.pool import SandboxStartError

    problem = workload(1, 1)[0]
    try:
        with DockerSandbox(workers=1) as sandbox:
            return median_round_trip_ms(sandbox, problem, samples)
    except SandboxStartError as exc:
        print(f"(Docker skipped: {exc})", file=sys.stderr)
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--overhead-samples", type=int, default=300)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--overhead-only", action="store_true", help="skip the throughput shapes")
    parser.add_argument("--shapes-only", action="store_true", help="skip the per-test overhead")
    parser.add_argument("--programs", type=int, default=0,
                        help="programs of each kind (stdin, functional) in the grading shape (default 10)")
    parser.add_argument("--no-fresh", action="store_true", help="skip the fresh-python3-per-test row (minutes)")
    args = parser.parse_args()
    if args.no_fresh:
        SKIP.add("fresh python3 per test")
    if args.programs:
        SHAPES["grading"] = (args.programs, SHAPES["grading"][1])
    figures = {} if args.overhead_only else {
        name: run_shape(name, programs, tests, args.workers) for name, (programs, tests) in SHAPES.items()}
    if args.shapes_only:
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2))
        return
    inproc = in_process_ms(args.overhead_samples)
    trips, cpu = overhead_ms(args.overhead_samples)
    print(f"\nper-test overhead, 1 worker, median round trip minus the in-process run ({inproc:.3f} ms), side by side"
          f" (and the CPU per test of the worker and its test processes, which the machine's load does not change):")
    for name, trip in trips.items():
        print(f"  {name:22s} {trip - inproc:6.2f} ms   CPU {cpu[name]:5.2f} ms a test")
    confined, bare = trips["confined"] - inproc, trips["no cgroup, no seccomp"] - inproc
    print(f"  the per-test cgroup and seccomp filter cost {confined - bare:+.2f} ms a test "
          f"({confined / bare:.2f}x)")
    figures["overhead_ms"] = {"in_process": round(inproc, 4),
                              **{name: round(trip - inproc, 3) for name, trip in trips.items()}}
    figures["cpu_ms_per_test"] = {name: round(value, 3) for name, value in cpu.items()}
    docker_trip = docker_overhead_ms(args.overhead_samples)
    if docker_trip is not None:
        print(f"per-test overhead, Docker backend (1 container, warm stream): median round trip {docker_trip:.2f} ms "
              f"- in-process run {inproc:.3f} ms = {docker_trip - inproc:.2f} ms")
        figures["docker_overhead_ms"] = {"round_trip": round(docker_trip, 3), "overhead": round(docker_trip - inproc, 3)}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    tempfile.tempdir = None
    main()
