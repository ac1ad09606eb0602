"""``sstar score`` and ``sstar convert``."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .console import fail, stderr_console
from .datasets_opts import DATASET_HELP, selection_from
from .output import say, table


def score(
    runs: Optional[List[Path]] = typer.Argument(None, help="A run folder made by sstar bench; more folders (made by "
                                                "sstar reselect from it) add their selection method beside it."),
    generations: Optional[Path] = typer.Option(None, "--generations", help="Programs to grade: LiveCodeBench JSON "
                                               "(custom-evaluator input, *_codegeneration_output*.json, "
                                               "*_eval_all.json), evalplus samples.jsonl, or sstar JSONL."),
    dataset: Optional[str] = typer.Option(None, "--dataset", help=DATASET_HELP + " Default: the run's own."),
    release: Optional[str] = typer.Option(None, "--release", help="With --generations: the release generated for."),
    start_date: Optional[str] = typer.Option(None, "--start-date", help="With --generations: first contest date."),
    end_date: Optional[str] = typer.Option(None, "--end-date", help="With --generations: last contest date."),
    difficulty: Optional[List[str]] = typer.Option(None, "--difficulty", help="With --generations (repeatable)."),
    platform: Optional[List[str]] = typer.Option(None, "--platform", help="With --generations (repeatable)."),
    partial: bool = typer.Option(False, "--partial", help="Score generations that cover only part of the dataset."),
    allow_failed: bool = typer.Option(False, "--allow-failed", help="Score a run with failed problems, counting "
                                      "them as wrong."),
    all_samples: bool = typer.Option(True, "--all-samples/--chosen-only", help="Also grade every sample for pass@k."),
    plot: bool = typer.Option(True, "--plot/--no-plot", help="Draw the figure beside summary.json."),
    fmt: str = typer.Option("png", "--format", help="Figure format: png, pdf or svg."),
    out: Optional[Path] = typer.Option(None, "--out", help="Where summary.json goes (default: the run folder)."),
    isolate_tests: bool = typer.Option(False, "--isolate-tests", help="Every test in a process of its own (fork per "
                                       "test) instead of a program's tests in sequence in one confined process."),
) -> None:
    """Grade on the hidden tests; print pass@1 (95% CI) by method, difficulty and platform; write summary.json."""
    from ..batch.plot import FORMATS, plot_summary

    runs = list(runs or [])
    if bool(runs) == (generations is not None):
        fail("give either run folders or --generations FILE --dataset PATH")
    if generations is not None and not dataset:
        fail("--generations needs --dataset")
    if fmt not in FORMATS:
        fail(f"unknown --format {fmt!r}: choose from {', '.join(FORMATS)}")
    for run in runs:
        if not (run / "results.jsonl").is_file() or not (run / "config.json").is_file():
            fail(f"{run}: no results.jsonl and config.json here (is it a run folder made by sstar bench?)")
    if generations is not None and not generations.is_file():
        fail(f"{generations}: no such file")
    from ..sandbox.local import LocalSandbox
    from ..sandbox.pool import SandboxStartError

    from .early import settled, take

    sandbox = take(isolate_tests)  # started before the command line was parsed
    if sandbox is None:
        sandbox = LocalSandbox(isolate_tests=isolate_tests)
        sandbox.warm_up()  # the workers start while the rest is imported and the data read
    try:
        from ..batch.generations import score_generations
        from ..batch.results import write_json_atomic
        from ..batch.score import score_run
        from ..datasets.livecodebench import iter_dataset
        from ..problem import ProblemFormatError
    except BaseException:
        sandbox.close()
        raise
    finally:
        settled()  # (the collector, paused for start-up, is back on before any grading)
    try:
        if runs:
            sandbox.start()
            summary = score_run(runs[0], sandbox, dataset, all_samples, allow_failed, runs[1:])
        else:
            sel = selection_from(release, start_date, end_date, difficulty, platform, None)
            # Grading starts on the first problems while the rest of the dataset is read. The sandbox is
            # started before the first program: one that cannot start is one clear error, not every test
            # an infra error.
            summary = score_generations(generations, iter_dataset(dataset, sel), sandbox, partial=partial,
                                        dataset=dataset, start=sandbox.start)
    except (ProblemFormatError, ValueError, FileNotFoundError, KeyError, SandboxStartError) as exc:
        fail(str(exc))
    finally:
        sandbox.close()
    for warning in summary.get("warnings", []):
        stderr_console().print(f"warning: {warning}", highlight=False, markup=False)
    if summary.get("missing") and runs:
        stderr_console().print(f"warning: {summary['missing']} problem(s) of the run's selection have no record yet "
                               "(the run is incomplete: run the bench command again)", highlight=False)
    target = out or ((runs[0] if runs else generations.parent) / "summary.json")
    write_json_atomic(target, summary)
    _table(summary)
    if plot and summary["problems"]:
        try:
            say(f"plot: {plot_summary(summary, target, fmt)}")
        except RuntimeError as exc:
            stderr_console().print(f"no plot: {exc}", highlight=False)
    say(f"summary: {target}")


def _table(summary: dict) -> None:
    methods = summary["methods"]
    if not methods:
        say("nothing to score")
        return
    first = next(iter(methods.values()))
    columns = [("overall", None)] + [(d, "by_difficulty") for d in first["by_difficulty"]] + \
              [(p, "by_platform") for p in first["by_platform"]]
    rows = []
    for method, data in methods.items():
        lo, hi = data.get("ci95", [data["pass@1"]] * 2)
        cells = [f"{100 * (data['pass@1'] if group is None else data[group].get(name, 0)):.1f}" for name, group in columns]
        rows.append([method, cells[0], f"{100 * lo:.1f}-{100 * hi:.1f}", *cells[1:]])
    title = f"pass@1 (%) on hidden tests, {summary['problems']} problems"
    if summary.get("failed"):
        title += f" ({len(summary['failed'])} failed, counted as wrong)"
    if summary.get("format"):
        title += f"; read as {summary['format']}"
    table(title, ["method", "overall", "95% CI", *(name for name, _ in columns[1:])], rows)


def convert(
    source: str = typer.Argument(..., help="leetcode, humaneval, or lcb (any LiveCodeBench-format file)."),
    path: Optional[Path] = typer.Argument(None, help="The input file (not for humaneval)."),
    out: Path = typer.Option(..., "--out", help="The JSONL file to write."),
    keep_solutions: bool = typer.Option(True, "--keep-solutions/--drop-solutions",
                                        help="Keep reference (and incorrect) solutions as extra fields."),
) -> None:
    """Turn a real problem set into LiveCodeBench records (validated, one JSON object per line)."""
    from ..datasets.convert import convert_source
    from ..problem import ProblemFormatError

    try:
        count, skipped = convert_source(source, path, out, keep_solutions)
    except (ProblemFormatError, ValueError, RuntimeError, FileNotFoundError) as exc:
        fail(str(exc))
    say(f"wrote {count} problems to {out}" + (f" ({skipped} skipped: see the log)" if skipped else ""))
