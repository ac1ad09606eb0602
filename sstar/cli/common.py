"""Helpers shared by the commands: consoles and the bad-input exit."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

EXIT_BAD_INPUT = 2


def stderr_console() -> Console:
    return Console(stderr=True)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print one clear line to stderr and exit (2: bad input)."""
    from rich.markup import escape

    stderr_console().print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code)


def read_program(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except IsADirectoryError:
        fail(f"{path}: is a directory, not a program")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text")
    except OSError as exc:
        fail(f"{path}: {exc.strerror}")
