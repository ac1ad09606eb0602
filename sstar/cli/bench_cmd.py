"""``sstar bench`` and ``sstar reselect``: LiveCodeBench batch runs, and selection redone on their samples."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from ..pipeline.config import SelectionMethod
from .common import (ConfigFileOption, JudgeBaseUrlOption, JudgeModelOption, SetOption, StopOption, TemperatureOption,
                     TopPOption, build_config, fail, stderr_console)
from .datasets_opts import DATASET_HELP, selection_from
from .output import is_terminal


def bench(
    dataset: str = typer.Option(..., "--dataset", help=DATASET_HELP),
    out: Path = typer.Option(..., "--out", help="The run folder (results.jsonl, config.json, cache)."),
    release: Optional[str] = typer.Option(None, "--release", help="release_v1..release_v6, release_latest, v1..v6."),
    start_date: Optional[str] = typer.Option(None, "--start-date", help="Contests on or after this date (2023-09-24, "
                                             "2023/09/24, 20230924, 2023-09, 'Sep 24 2023')."),
    end_date: Optional[str] = typer.Option(None, "--end-date", help="Contests on or before this date (same forms)."),
    difficulty: Optional[List[str]] = typer.Option(None, "--difficulty", help="easy, medium, hard or the dataset's own "
                                                   "labels, any case (repeatable)."),
    platform: Optional[List[str]] = typer.Option(None, "--platform", help="leetcode, atcoder, codeforces, other; any "
                                                 "case (repeatable)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most this many problems (a larger one later "
                                        "extends the run)."),
    model: Optional[str] = typer.Option(None, "--model", help="Model name (default: the model --base-url serves, "
                                        "else as for sstar solve)."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="An OpenAI-compatible server."),
    max_retries: Optional[int] = typer.Option(None, "--max-retries", min=0, help="Retries of one model request "
                                              "(the openai client's; default 5)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=1, help="Seconds one model request may take."),
    n: Optional[int] = typer.Option(None, "--n", min=1),
    rounds: Optional[int] = typer.Option(None, "--rounds", min=0),
    selection: Optional[SelectionMethod] = typer.Option(None, "--selection"),
    max_tokens: Optional[int] = typer.Option(None, "--max-tokens", min=16),
    seed: Optional[int] = typer.Option(None, "--seed"),
    concurrency: int = typer.Option(2, "--concurrency", min=1, help="Problems solved at once."),
    cache: bool = typer.Option(True, "--cache/--no-cache", help="Keep completions in the run folder."),
    redo: bool = typer.Option(False, "--redo", help="Start over (the old results are kept aside)."),
    sandbox: str = typer.Option("local", "--sandbox", help="Sandbox: local, docker or package.module:Class."),
    ray: Optional[str] = typer.Option(None, "--ray", help="Run on Ray: auto, local, or a cluster address."),
    stop_after_failures: int = typer.Option(10, "--stop-after-failures", min=0, help="Start no more problems after "
                                            "this many fail in a row (the server looks down); 0: never."),
    judge_model: JudgeModelOption = None,
    judge_base_url: JudgeBaseUrlOption = None,
    temperature: TemperatureOption = None,
    top_p: TopPOption = None,
    stop: StopOption = None,
    sets: SetOption = None,
    config_file: ConfigFileOption = None,
) -> None:
    """Run S* over a dataset; resumable: run the same command again to finish an interrupted run."""
    from ..batch.bench import Bench

    sel = selection_from(release, start_date, end_date, difficulty, platform, limit)
    config = build_config(config_file, sets, stop, n=n, rounds=rounds, selection=selection, max_tokens=max_tokens,
                          seed=seed, temperature=temperature, top_p=top_p)
    options = transport_options(base_url, max_retries, timeout)
    judge = model_name(judge_model, judge_base_url) if (judge_model or judge_base_url) else None
    judge_options = transport_options(judge_base_url, max_retries, timeout)
    job = Bench(dataset=dataset, out=out, model=model_name(model, base_url), sandbox=sandbox, config=config,
                selection=sel, concurrency=concurrency, cache=cache, redo=redo, model_options=options, ray=ray,
                stop_after_failures=stop_after_failures, judge_model=judge, judge_options=judge_options)
    run_job(job, out)


def reselect(
    run: Path = typer.Argument(..., help="A run folder made by sstar bench."),
    selection: SelectionMethod = typer.Option(..., "--selection", help="The selection method to apply."),
    out: Path = typer.Option(..., "--out", help="The new run folder."),
    model: Optional[str] = typer.Option(None, "--model", help="Judge model (default: the run's own)."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="Its server (default: the run's own)."),
    max_retries: Optional[int] = typer.Option(None, "--max-retries", min=0),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=1),
    seed: Optional[int] = typer.Option(None, "--seed", help="Seed of the selection (default: the run's)."),
    concurrency: int = typer.Option(2, "--concurrency", min=1, help="Problems at once."),
    cache: bool = typer.Option(True, "--cache/--no-cache", help="Keep the judge's completions in the new folder."),
    redo: bool = typer.Option(False, "--redo", help="Start over."),
    sandbox: str = typer.Option("local", "--sandbox"),
) -> None:
    """Redo only selection on the candidates an earlier bench run produced (no new generation); score both
    folders with ``sstar score RUN NEW_DIR`` to see the methods side by side."""
    from ..batch.bench import Bench
    from ..datasets.livecodebench import Selection
    from ..pipeline.config import SStarConfig

    config_path = run / "config.json"
    if not config_path.is_file() or not (run / "results.jsonl").is_file():
        fail(f"{run}: not a run folder made by sstar bench (no config.json and results.jsonl)")
    if out.resolve() == run.resolve():
        fail("--out must be a new folder: the earlier run stays as it is")
    try:
        before = json.loads(config_path.read_text())
        sstar = {**before["sstar"], "selection": selection.value, **({"seed": seed} if seed is not None else {})}
        config = SStarConfig(**sstar)
        sel = Selection(**{k: tuple(v) if isinstance(v, list) else v for k, v in before.get("selection", {}).items()})
    except (ValueError, KeyError, TypeError) as exc:
        fail(f"{config_path}: cannot read the run's settings ({exc})")
    recorded = before.get("model") or {}
    options = transport_options(base_url or (None if model else recorded.get("base_url")), max_retries, timeout)
    job = Bench(dataset=before["dataset"], out=out, model=model_name(model, base_url) or recorded_model(recorded),
                sandbox=sandbox, config=config, selection=sel, concurrency=concurrency, cache=cache, redo=redo,
                model_options=options, reselect_from=run)
    run_job(job, out)


def transport_options(base_url, max_retries, timeout) -> dict:
    chosen = {"base_url": base_url, "max_retries": max_retries, "timeout_s": timeout}
    return {k: v for k, v in chosen.items() if v is not None}


def model_name(model: Optional[str], base_url: Optional[str]) -> Optional[str]:
    """With only a server given, its model: ``--base-url`` alone names the experiment's model, as in the README."""
    if model or not base_url:
        return model
    from ..models import ModelError
    from ..pipeline.api import served_model

    try:
        return f"openai:{served_model(base_url)}"
    except ModelError as exc:
        fail(f"{exc} (name the model with --model)")


def recorded_model(config: dict) -> Optional[str]:
    backend, name = config.get("backend"), config.get("name")
    if not backend or not name:
        return None
    if backend == "openai":
        return f"openai:{name}"
    if backend == "transformers" and name != "smollm2":
        return f"transformers:{name}"
    return name


def run_job(job, out: Path) -> None:
    from ..batch.bench import BenchError
    from ..batch.results import RunBusy
    from ..models import ModelError
    from ..problem import ProblemFormatError

    if out.exists() and not out.is_dir():
        fail(f"--out {out}: is a file; --out names the run folder (results.jsonl, config.json, cache)")
    console = stderr_console()
    live_view = is_terminal(sys.stderr)
    try:
        if live_view:
            from rich.live import Live

            with Live(_render(None), console=console, refresh_per_second=2) as live:
                progress = job.run(lambda p: live.update(_render(p)))
        else:  # a log file: one plain line per finished problem, so an overnight log shows its progress
            progress = job.run(lambda p: (sys.stderr.write(p.line() + "\n"), sys.stderr.flush()))
    except (BenchError, RunBusy, ModelError, ProblemFormatError, ValueError, RuntimeError, OSError) as exc:
        fail(str(exc))
    where = out / "results.jsonl"
    if progress.failed:
        stopped = (f"stopped after {progress.in_a_row} failed in a row, {progress.not_attempted} not attempted; "
                   if progress.stopped and progress.not_attempted else "")
        fail(f"{progress.failed} of {progress.total} problems failed ({progress.first_error[:300]}); {stopped}"
             f"{progress.done} finished in {where}; run the same command again to retry the failed ones", code=1)
    console.print(f"{progress.done}/{progress.total} problems finished in {where}", highlight=False)


def _render(p):
    from rich.table import Table

    table = Table(show_header=False, box=None)
    if p is None:
        table.add_row("starting")
        return table
    table.add_row("[bold]problems[/]", f"{p.done}/{p.total} done ({p.skipped} from before), {p.failed} failed")
    finished = max(1, p.done)
    table.add_row("[bold]public tests[/]", f"{p.public_ok}/{p.done} chosen programs pass "
                  f"({100 * p.public_ok / finished:.0f}%)")
    table.add_row("[bold]tokens[/]", f"{p.tokens:,}")
    eta = p.eta_s
    table.add_row("[bold]elapsed / ETA[/]", f"{p.elapsed_s / 60:.1f} min / " + ("-" if eta is None else
                                                                               f"{eta / 60:.1f} min"))
    return table
