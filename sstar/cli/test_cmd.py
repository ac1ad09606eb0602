"""``sstar test``: run one program on a problem's tests."""

from __future__ import annotations

import json
import math
from enum import Enum
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from ..judge import JudgeReport, Verdict, effective_limits, run_tests
from ..problem import ProblemFormatError, load_problem
from .common import fail, read_program

MAX_ROWS = 40


class Which(str, Enum):
    public = "public"
    private = "private"
    all = "all"


def test(
    solution: str = typer.Argument(..., help="The program to run (a .py file)."),
    problem_path: str = typer.Argument(..., metavar="PROBLEM", help="A problem in LiveCodeBench format (.json or .jsonl)."),
    tests: Which = typer.Option(Which.all, "--tests", help="Which tests to run."),
    time_limit: Optional[float] = typer.Option(None, "--time-limit", min=0.01, max=86400,
                                               help="CPU seconds per test (at most a day)."),
    memory_limit: Optional[int] = typer.Option(None, "--memory-limit", min=16, max=1 << 20,
                                               help="Memory per test, in MB (at most 1 TiB)."),
    problem_id: Optional[str] = typer.Option(None, "--problem-id", help="Pick one problem from a .jsonl file."),
    float_tolerance: Optional[float] = typer.Option(None, "--float-tolerance",
                                                    help="Accept numbers within this tolerance (0 or more)."),
    workers: int = typer.Option(0, "--workers", min=0, help="Tests run at once (0: one per CPU core)."),
    sandbox_name: str = typer.Option("local", "--sandbox", help="local, docker or package.module:Class."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of a table."),
    isolate_tests: bool = typer.Option(False, "--isolate-tests", help="Every test in a process of its own (fork per "
                                       "test) instead of the program's tests in sequence in one confined process."),
) -> None:
    """Run SOLUTION on PROBLEM's tests. Exit 0 if accepted, 1 if not, 2 on bad input."""
    from ..sandbox import make_sandbox

    if float_tolerance is not None and not (math.isfinite(float_tolerance) and float_tolerance >= 0):
        fail(f"--float-tolerance must be a finite number, 0 or more, got {float_tolerance:g}")
    code = read_program(solution)
    try:
        problem = load_problem(problem_path, problem_id)
    except ProblemFormatError as exc:
        fail(str(exc))
    cases = problem.tests(tests.value)
    if not cases:
        fail(f"{problem_path}: problem {problem.question_id} has no {tests.value} tests")
    limits = effective_limits(problem, time_s=time_limit, memory_mb=memory_limit)
    try:
        sandbox = make_sandbox(sandbox_name, workers=workers, isolate_tests=isolate_tests)
    except ValueError as exc:
        fail(str(exc))
    try:
        report = run_tests(code, problem, sandbox, cases, limits=limits, float_tolerance=float_tolerance)
    finally:
        sandbox.close()
    if as_json:
        typer.echo(json.dumps(report.to_dict()))
    else:
        _show(report, problem.question_id, tests.value)
    raise typer.Exit(0 if report.accepted else 1)


STYLE = {Verdict.ACCEPTED: "green", Verdict.INFRA_ERROR: "magenta"}


def _show(report: JudgeReport, question_id: str, which: str) -> None:
    console = Console()
    table = Table(title=f"{question_id}: {which} tests", show_lines=False)
    for column in ("#", "verdict", "time (s)", "cpu (s)", "memory (MB)", "detail"):
        table.add_column(column, justify="right" if column[0] in "#tcm" else "left")
    failing = [t for t in report.tests if t.verdict is not Verdict.ACCEPTED]
    shown = (failing + [t for t in report.tests if t.verdict is Verdict.ACCEPTED])[:MAX_ROWS]
    for t in sorted(shown, key=lambda t: t.index):
        style = STYLE.get(t.verdict, "red")
        table.add_row(str(t.index), f"[{style}]{t.verdict.value}[/]", f"{t.time_s:.3f}", f"{t.cpu_s:.3f}",
                      f"{t.memory_mb:.1f}", t.message)
    console.print(table)
    if len(report.tests) > len(shown):
        console.print(f"({len(report.tests) - len(shown)} more accepted tests not shown)")
    style = STYLE.get(report.verdict, "red")
    console.print(f"[bold {style}]{report.verdict.value}[/]: {report.passed}/{report.total} tests passed")
