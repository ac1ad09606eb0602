"""Output that scripts can read: rich tables and styling on a terminal, plain unwrapped lines otherwise.

rich (~30 ms to import) is imported where it is used: a command whose output goes to a file or a pipe and
carries no markup never needs it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from rich.console import Console


def is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def stdout_console() -> "Console":
    """Styled on a terminal; off one, no colour, no markup codes and no wrapping at 80 columns."""
    from rich.console import Console

    if is_terminal(sys.stdout):
        return Console()
    return Console(soft_wrap=True, no_color=True, highlight=False, emoji=False, width=10_000)


def say(text: str) -> None:
    """One line of result on stdout (rich markup allowed; stripped off a terminal)."""
    if "[" not in text and not is_terminal(sys.stdout):  # nothing for rich to strip: written as it is
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
        return
    stdout_console().print(text, highlight=False)


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A rich table on a terminal; else the title, then tab-separated lines (header first)."""
    if is_terminal(sys.stdout):
        from rich.console import Console
        from rich.table import Table

        t = Table(title=title)
        for i, name in enumerate(header):
            t.add_column(name, justify="left" if i == 0 else "right")
        for row in rows:
            t.add_row(*row)
        Console().print(t)
        return
    lines = [title, "\t".join(header), *("\t".join(row) for row in rows)]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
