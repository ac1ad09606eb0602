"""``sstar solve`` and ``sstar select``: the pipeline from the command line, with live progress."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.live import Live
from rich.table import Table

from ..pipeline.config import SelectionMethod
from .common import (ConfigFileOption, JudgeBaseUrlOption, JudgeModelOption, SetOption, StopOption, TemperatureOption,
                     TopPOption)

EXIT_NO_CODE = 1


class Progress:
    """A live table on stderr: stage, candidates and their public pass counts, clusters, judge outcomes."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.stage = "starting"
        self.candidates: dict[int, str] = {}
        self.clusters = ""
        self.judged: list[str] = []
        self.live = Live(self._render(), console=console, refresh_per_second=4, transient=False)

    def _render(self) -> Table:
        table = Table(show_header=False, box=None)
        table.add_row("[bold]stage[/]", self.stage)
        if self.candidates:
            table.add_row("[bold]candidates[/]", "  ".join(f"#{i}:{s}" for i, s in sorted(self.candidates.items())))
        if self.clusters:
            table.add_row("[bold]clusters[/]", self.clusters)
        for line in self.judged[-6:]:
            table.add_row("[bold]judged[/]", line)
        return table

    def __call__(self, kind: str, data: dict) -> None:
        if kind == "stage":
            self.stage = data["stage"]
        elif kind == "candidate":
            self.candidates[data["index"]] = f"{data['passed']}/{data['total']}" if data.get("code") else "no code"
        elif kind == "clusters":
            self.clusters = f"sizes {data['sizes']} on {data['inputs']} valid inputs"
        elif kind == "comparison":
            winner = "none" if data["winner"] is None else f"cluster {data['winner']}"
            self.judged.append(f"{data['cluster_a']} vs {data['cluster_b']}: {winner} "
                               f"({data.get('rule', '')}: {data['how']})")
        elif kind == "chosen":
            self.stage = f"done: candidate {data['index']} (decided by {data.get('decided_by', '?')})"
        self.live.update(self._render())


def _execute(work, out: Optional[Path]):
    """Run the pipeline under the live progress view; bad input exits 2; the trace goes to ``out``."""
    from ..models import ModelError
    from .common import fail

    progress = Progress(Console(stderr=True))
    try:
        with progress.live:
            result = work(progress)
    except (ModelError, ValueError) as exc:
        _end_of_view(progress.console)
        fail(str(exc))
    _end_of_view(progress.console)
    _write(out, result)
    return result


def _end_of_view(console: Console) -> None:
    """Rich ends a live view with a newline only on a terminal: without one the next line would run on."""
    if not console.is_terminal:
        console.line()


def solve(
    problem_path: str = typer.Argument(..., metavar="PROBLEM", help="A problem in LiveCodeBench format."),
    model: Optional[str] = typer.Option(None, "--model", help="openai:MODEL, transformers:PATH, smollm2, scripted:FILE, "
                                        "package.module:Class (default: SSTAR_MODEL, else the OPENAI_BASE_URL "
                                        "server's model, else smollm2)."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI-compatible server URL."),
    n: Optional[int] = typer.Option(None, "--n", min=1, help="Candidates sampled (default 16)."),
    rounds: Optional[int] = typer.Option(None, "--rounds", min=0, help="Debugging rounds (default 2)."),
    selection: Optional[SelectionMethod] = typer.Option(None, "--selection", help="Selection method."),
    sandbox: str = typer.Option("local", "--sandbox", help="Sandbox: local, docker or package.module:Class."),
    seed: Optional[int] = typer.Option(None, "--seed"),
    max_tokens: Optional[int] = typer.Option(None, "--max-tokens", min=16, help="Token budget per answer (default: "
                                             "2048, or reasoning_max_tokens=32768 for a model that thinks)."),
    problem_id: Optional[str] = typer.Option(None, "--problem-id", help="Pick one problem from a .jsonl file."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write the full trace here as JSON."),
    judge_model: JudgeModelOption = None,
    judge_base_url: JudgeBaseUrlOption = None,
    temperature: TemperatureOption = None,
    top_p: TopPOption = None,
    stop: StopOption = None,
    sets: SetOption = None,
    config_file: ConfigFileOption = None,
) -> None:
    """Solve PROBLEM with S*; print the chosen program. Exit 0 with a program, 1 if none produced code, 2 on bad input."""
    from ..pipeline import solve as run_solve
    from .common import build_config, fail, model_options

    problem = _problem(problem_path, problem_id)
    config = build_config(config_file, sets, stop, n=n, rounds=rounds, selection=selection, seed=seed,
                          max_tokens=max_tokens, temperature=temperature, top_p=top_p)
    model, options = model_options(model, base_url)
    judge, judge_options = model_options(judge_model, judge_base_url, "judge model")
    from ..errors import GenerationFailed

    try:
        result = _execute(lambda progress: run_solve(problem, model=model, sandbox=sandbox, config=config,
                                                     on_event=progress, model_options=options, judge_model=judge,
                                                     judge_options=judge_options), out)
    except GenerationFailed as exc:  # the model is down or refuses every request: say so, exit 1
        fail(f"no candidate: every generation call failed ({exc})", code=EXIT_NO_CODE)
    if result.program is None:
        Console(stderr=True).print("[bold red]no candidate produced code[/]")
        raise typer.Exit(EXIT_NO_CODE)
    _say_how_decided(result)
    typer.echo(result.program, nl=False)


def select(
    problem_path: str = typer.Argument(..., metavar="PROBLEM", help="A problem in LiveCodeBench format."),
    candidates: List[Path] = typer.Argument(..., metavar="CANDIDATE.py...", help="Programs to choose from."),
    model: Optional[str] = typer.Option("none", "--model", help="A model to judge with, or 'none' (no model)."),
    sandbox: str = typer.Option("local", "--sandbox", help="Sandbox: local, docker or package.module:Class."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI-compatible server URL."),
    selection: Optional[SelectionMethod] = typer.Option(None, "--selection", help="Selection method."),
    seed: Optional[int] = typer.Option(None, "--seed"),
    problem_id: Optional[str] = typer.Option(None, "--problem-id"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (index, path, program, trace)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write the full trace here as JSON."),
    judge_model: JudgeModelOption = None,
    judge_base_url: JudgeBaseUrlOption = None,
    sets: SetOption = None,
    config_file: ConfigFileOption = None,
) -> None:
    """Choose among existing programs with input synthesis and selection only."""
    from ..pipeline import select as run_select
    from .common import build_config, model_options, read_program

    problem = _problem(problem_path, problem_id)
    for path in candidates:
        read_program(str(path))  # a missing or unreadable file: exit 2 with its name
    config = build_config(config_file, sets, None, selection=selection, seed=seed)
    model, options = model_options(None if model == "none" and base_url else model, base_url)
    judge, judge_options = model_options(judge_model, judge_base_url, "judge model")
    result = _execute(lambda progress: run_select(problem, [Path(p) for p in candidates], model=model,
                                                  sandbox=sandbox, config=config, on_event=progress,
                                                  model_options=options, judge_model=judge,
                                                  judge_options=judge_options), out)
    if result.chosen_index is None:
        Console(stderr=True).print("[bold red]no candidate holds a program[/]")
        raise typer.Exit(EXIT_NO_CODE)
    _say_how_decided(result)
    if as_json:
        typer.echo(json.dumps({"index": result.chosen_index, "path": str(candidates[result.chosen_index]),
                               **result.to_dict()}))
    else:
        typer.echo(f"{result.chosen_index}\t{candidates[result.chosen_index]}")


def _say_how_decided(result) -> None:
    from ..pipeline.summary import describe_decision

    line = describe_decision(result)
    if line:
        Console(stderr=True, soft_wrap=True).print(line, highlight=False, markup=False)


def _problem(path: str, problem_id: Optional[str]):
    from ..problem import ProblemFormatError, load_problem
    from .common import fail

    try:
        return load_problem(path, problem_id)
    except ProblemFormatError as exc:
        fail(str(exc))


def _write(out: Optional[Path], result) -> None:
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(out.suffix + ".tmp")
        tmp.write_text(json.dumps(result.to_dict(), indent=1))
        tmp.replace(out)
