"""The ``sstar`` command line's typer application (``sstar.cli.main`` runs it).

Each command's module is imported only when it is needed: a command line that names a command gets
that one registered (its help, options and errors are the same), anything else (``sstar --help``, an
unknown command) every command. Importing them all costs ~0.14 s, ~0.1 s of it ``SStarConfig`` and
the options built from it, which ``sstar score`` never uses.
"""

from __future__ import annotations

import logging

import typer

from typing import Sequence

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

    if sys.stderr.isatty():
        from rich.logging import RichHandler  # (rich's import, ~30 ms, only where it is used)

        from .console import stderr_console

        handler: logging.Handler = RichHandler(console=stderr_console(), show_time=False, show_path=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:  # a log file or a pipe: plain, timestamped lines that grep and tail read
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, handlers=[handler], force=True)


COMMANDS = {  # name: (module, function); groups: (module, None), the module's own ``app``
    "solve": ("solve_cmd", "solve"), "select": ("solve_cmd", "select"), "test": ("test_cmd", "test"),
    "bench": ("bench_cmd", "bench"), "reselect": ("bench_cmd", "reselect"), "score": ("score_cmd", "score"),
    "convert": ("score_cmd", "convert"), "mcp": ("mcp_cmd", "mcp"), "sandbox": ("sandbox_cmd", None),
    "model": ("model_cmd", None),
}
_ROOT_FLAGS = {"-v", "--verbose"}
_registered: set[str] = set()


def register(argv: Sequence[str]) -> None:
    """Register the command ``argv`` names, or every command where it names none known."""
    import importlib

    words = list(argv)
    while words and words[0] in _ROOT_FLAGS:
        words.pop(0)
    names = [words[0]] if words and words[0] in COMMANDS else list(COMMANDS)
    for name in names:
        if name in _registered:
            continue
        _registered.add(name)
        module_name, function = COMMANDS[name]
        module = importlib.import_module(f".{module_name}", __package__)
        if function is None:
            app.add_typer(module.app, name=name)
        else:
            app.command(name)(getattr(module, function))


def run() -> None:
    """Parse the command line and run the command. Usage errors (a missing argument, a value out of range)
    are one line and exit 2 like every other bad input, instead of click's framed multi-line report."""
    import sys

    try:  # typer >= 0.25 ships its own copy of click
        from typer._click import exceptions
    except ImportError:  # pragma: no cover - older typer on the real click
        from click import exceptions

    from .console import print_error

    register(sys.argv[1:])
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
