"""``sstar bench``, ``sstar score`` and ``sstar convert``: LiveCodeBench batch runs."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.live import Live
from rich.table import Table

from ..pipeline.config import SelectionMethod
from .common import fail


def _selection(release, start_date, end_date, difficulty, platform, limit):
    from ..datasets.livecodebench import Selection

    return Selection(release=release, start_date=start_date, end_date=end_date, difficulty=tuple(difficulty or ()),
                     platform=tuple(platform or ()), limit=limit)


def bench(
    dataset: str = typer.Option(..., "--dataset", help="A .jsonl file, the folder of test.jsonl ... test6.jsonl, "
                                "or hf[:REVISION] to read them from the Hugging Face hub."),
    out: Path = typer.Option(..., "--out", help="The run folder (results.jsonl, config.json, cache)."),
    release: Optional[str] = typer.Option(None, "--release", help="release_v1..release_v6, release_latest, v1..v6."),
    start_date: Optional[str] = typer.Option(None, "--start-date", help="Contests on or after this ISO date."),
    end_date: Optional[str] = typer.Option(None, "--end-date", help="Contests on or before this ISO date."),
    difficulty: Optional[List[str]] = typer.Option(None, "--difficulty", help="easy, medium, hard (repeatable)."),
    platform: Optional[List[str]] = typer.Option(None, "--platform", help="leetcode, atcoder, codeforces (repeatable)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most this many problems."),
    model: Optional[str] = typer.Option(None, "--model", help="Model name (default as for sstar solve)."),
    base_url: Optional[str] = typer.Option(None, "--base-url"),
    n: Optional[int] = typer.Option(None, "--n", min=1),
    rounds: Optional[int] = typer.Option(None, "--rounds", min=0),
    selection: Optional[SelectionMethod] = typer.Option(None, "--selection"),
    max_tokens: Optional[int] = typer.Option(None, "--max-tokens", min=16),
    seed: Optional[int] = typer.Option(None, "--seed"),
    concurrency: int = typer.Option(2, "--concurrency", min=1, help="Problems solved at once."),
    cache: bool = typer.Option(True, "--cache/--no-cache", help="Keep completions in the run folder."),
    redo: bool = typer.Option(False, "--redo", help="Start over (the old results are kept aside)."),
    sandbox: str = typer.Option("local", "--sandbox"),
    ray: Optional[str] = typer.Option(None, "--ray", help="Run on Ray: auto, local, or a cluster address."),
) -> None:
    """Run S* over a dataset; resumable: run the same command again to finish an interrupted run."""
    from ..batch.bench import Bench, BenchError
    from ..models import ModelError
    from ..pipeline.api import as_config
    from ..problem import ProblemFormatError

    try:
        sel = _selection(release, start_date, end_date, difficulty, platform, limit)
    except ValueError as exc:
        fail(str(exc))
    config = as_config(None, n=n, rounds=rounds, selection=selection, max_tokens=max_tokens, seed=seed)
    job = Bench(dataset=dataset, out=out, model=model, sandbox=sandbox, config=config, selection=sel,
                concurrency=concurrency, cache=cache, redo=redo, model_options={"base_url": base_url} if base_url else {},
                ray=ray)
    console = Console(stderr=True)
    table = _ProgressView()
    try:
        with Live(table.render(None), console=console, refresh_per_second=2) as live:
            progress = job.run(lambda p: live.update(table.render(p)))
    except (BenchError, ModelError, ProblemFormatError, ValueError, RuntimeError) as exc:
        fail(str(exc))
    console.print(f"{progress.done}/{progress.total} problems in {out / 'results.jsonl'}"
                  + (f"; {progress.failed} failed (run again to retry them)" if progress.failed else ""))
    raise typer.Exit(0 if progress.failed == 0 else 1)


class _ProgressView:
    def render(self, p) -> Table:
        table = Table(show_header=False, box=None)
        if p is None:
            table.add_row("starting")
            return table
        table.add_row("[bold]problems[/]", f"{p.done}/{p.total} done ({p.skipped} from before), {p.failed} failed")
        finished = max(1, p.done)
        table.add_row("[bold]public tests[/]", f"{p.public_ok}/{p.done} chosen programs pass ({100 * p.public_ok / finished:.0f}%)")
        table.add_row("[bold]tokens[/]", f"{p.tokens:,}")
        eta = p.eta_s
        table.add_row("[bold]ETA[/]", "-" if eta is None else f"{eta / 60:.1f} min")
        return table


def score(
    run: Optional[Path] = typer.Argument(None, help="A run folder made by sstar bench."),
    generations: Optional[Path] = typer.Option(None, "--generations", help="{question_id, code_list} JSONL to grade."),
    dataset: Optional[str] = typer.Option(None, "--dataset", help="Dataset (default: the run's own)."),
    all_samples: bool = typer.Option(True, "--all-samples/--chosen-only", help="Also grade every sample for pass@k."),
    plot: bool = typer.Option(True, "--plot/--no-plot", help="Write a PNG beside summary.json."),
    out: Optional[Path] = typer.Option(None, "--out", help="Where summary.json goes (default: the run folder)."),
    isolate_tests: bool = typer.Option(False, "--isolate-tests", help="Every test in a process of its own (fork per "
                                       "test) instead of a program's tests in sequence in one confined process."),
) -> None:
    """Grade on the hidden tests; print pass@1 by method, difficulty and platform; write summary.json."""
    from ..batch.plot import plot_summary
    from ..batch.results import write_json_atomic
    from ..batch.score import score_generations, score_run
    from ..problem import ProblemFormatError
    from ..sandbox.local import LocalSandbox

    if (run is None) == (generations is None):
        fail("give either a run folder or --generations FILE --dataset PATH")
    if generations is not None and not dataset:
        fail("--generations needs --dataset")
    if run is not None and not (run / "results.jsonl").is_file():
        fail(f"{run}: no results.jsonl here (is it a run folder made by sstar bench?)")
    try:
        with LocalSandbox(isolate_tests=isolate_tests) as sandbox:
            summary = (score_run(run, sandbox, dataset, all_samples) if run is not None
                       else score_generations(generations, dataset, sandbox))
    except (ProblemFormatError, ValueError, FileNotFoundError) as exc:
        fail(str(exc))
    target = out or ((run or generations.parent) / "summary.json")
    write_json_atomic(target, summary)
    _table(summary)
    if plot and summary["problems"]:
        try:
            png = plot_summary(summary, target.with_suffix(".png"))
            Console().print(f"plot: {png}")
        except RuntimeError as exc:
            Console(stderr=True).print(f"[yellow]no plot:[/] {exc}")
    Console().print(f"summary: {target}")


def _table(summary: dict) -> None:
    methods = summary["methods"]
    if not methods:
        Console().print("nothing to score")
        return
    first = next(iter(methods.values()))
    columns = [("overall", None)] + [(d, "by_difficulty") for d in first["by_difficulty"]] + \
              [(p, "by_platform") for p in first["by_platform"]]
    table = Table(title=f"pass@1 (%) on hidden tests, {summary['problems']} problems")
    table.add_column("method")
    for name, _ in columns:
        table.add_column(name, justify="right")
    for method, data in methods.items():
        cells = [f"{100 * (data['pass@1'] if group is None else data[group].get(name, 0)):.1f}" for name, group in columns]
        table.add_row(method, *cells)
    Console().print(table)


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
    Console().print(f"wrote {count} problems to {out}" + (f" ({skipped} skipped: see the log)" if skipped else ""))
