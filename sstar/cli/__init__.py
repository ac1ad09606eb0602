"""The ``sstar`` command line: a thin layer over the library."""

from __future__ import annotations

import logging

import typer

from . import bench_cmd, mcp_cmd, model_cmd, sandbox_cmd, score_cmd, solve_cmd, test_cmd

app = typer.Typer(
    name="sstar",
    help="S*: test-time scaling for code generation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug details to stderr.")) -> None:
    import sys

    from rich.logging import RichHandler

    from .common import stderr_console

    if sys.stderr.isatty():
        handler: logging.Handler = RichHandler(console=stderr_console(), show_time=False, show_path=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:  # a log file or a pipe: plain, timestamped lines that grep and tail read
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, handlers=[handler], force=True)


app.command("solve")(solve_cmd.solve)
app.command("select")(solve_cmd.select)
app.command("test")(test_cmd.test)
app.command("bench")(bench_cmd.bench)
app.command("reselect")(bench_cmd.reselect)
app.command("score")(score_cmd.score)
app.command("convert")(score_cmd.convert)
app.command("mcp")(mcp_cmd.mcp)
app.add_typer(sandbox_cmd.app, name="sandbox")
app.add_typer(model_cmd.app, name="model")


def main() -> None:
    app()
