"""The ``sstar`` command line's typer application: every command registered (``sstar.cli.main`` runs it)."""

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


def run() -> None:
    """Parse the command line and run the command. Usage errors (a missing argument, a value out of range)
    are one line and exit 2 like every other bad input, instead of click's framed multi-line report."""
    import sys

    try:  # typer >= 0.25 ships its own copy of click
        from typer._click import exceptions
    except ImportError:  # pragma: no cover - older typer on the real click
        from click import exceptions

    from .common import print_error

    try:
        code = app(standalone_mode=False)
    except exceptions.NoArgsIsHelpError as exc:
        print(exc.format_message(), file=sys.stderr)  # the help text itself
        sys.exit(exc.exit_code)
    except exceptions.ClickException as exc:
        ctx = getattr(exc, "ctx", None)
        print_error(exc.format_message() + (f" (see {ctx.command_path} --help)" if ctx is not None else ""))
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
