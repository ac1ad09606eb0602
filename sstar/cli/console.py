"""The bad-input exit and the stderr console, apart from ``common`` (whose option helpers import the whole
``SStarConfig``, ~0.1 s): commands that need no configuration, such as ``sstar score``, import only this.
rich itself (~30 ms to import) is imported when a console is made, not before."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

EXIT_BAD_INPUT = 2


def stderr_console() -> "Console":
    """Styled on a terminal; off one (a log file, a pipe), plain lines never wrapped at 80 columns."""
    import sys

    from rich.console import Console

    if sys.stderr.isatty():
        return Console(stderr=True)
    return Console(stderr=True, soft_wrap=True, no_color=True, width=10_000)


def print_error(message: str) -> None:
    """One line on stderr, never wrapped whatever the terminal's width, brackets shown as they are."""
    from rich.markup import escape

    one_line = " ".join(str(message).split())
    stderr_console().print(f"[bold red]error:[/] {escape(one_line)}", highlight=False, markup=True, soft_wrap=True)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print one clear line to stderr and exit (2: bad input)."""
    print_error(message)
    raise typer.Exit(code)
