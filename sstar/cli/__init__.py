"""The ``sstar`` command line: a thin layer over the library.

``main`` is the entry point. It is kept apart from the typer application (``app.py``), whose import
takes ~0.14 s (typer, rich, pydantic and every command's module): ``sstar score`` starts its sandbox
workers before that import, so their start-up (~60 ms on another core) is over by the time the
command needs them (see ``early.py``).
"""

from __future__ import annotations


def main() -> None:
    import gc
    import sys

    from . import early

    early.start_for(sys.argv[1:])
    try:
        from .app import run

        run()
    finally:
        early.discard()
        # The command is over (sandbox closed, files written): the interpreter's final collection would
        # walk every object the imports made (typer, rich, pydantic), ~50 ms of a one-second `sstar score`.
        # Frozen objects are left to the process's exit; Python promises no __del__ at exit anyway.
        gc.freeze()
