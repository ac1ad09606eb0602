"""A sandbox started before the command line is parsed, for the commands that always need one.

``sstar score`` grades on the local sandbox whatever its options say (only ``--isolate-tests`` changes
it). Its workers take ~60 ms to start, and importing the typer application takes ~140 ms, so they are
started first and the command takes them over (``take``). Anything that stops the command before it
does (``--help``, a usage error, a bad file) has them closed by ``discard``.
"""

from __future__ import annotations

from typing import Optional, Sequence

_ROOT_FLAGS = {"-v", "--verbose"}
_started: dict = {}


def start_for(argv: Sequence[str]) -> None:
    """Start the local sandbox's workers in the background where ``argv`` is a ``score`` command."""
    words = list(argv)
    while words and words[0] in _ROOT_FLAGS:
        words.pop(0)
    if not words or words[0] != "score" or {"--help", "-h"} & set(words):
        return
    from ..sandbox.local import LocalSandbox

    isolate = "--isolate-tests" in words
    sandbox = LocalSandbox(isolate_tests=isolate)
    sandbox.warm_up()
    _started["score"] = (isolate, sandbox)


def take(command: str, isolate_tests: bool) -> Optional[object]:
    """The sandbox started for ``command`` with these settings (the caller closes it), or None."""
    isolate, sandbox = _started.pop(command, (None, None))
    if sandbox is not None and isolate != isolate_tests:
        sandbox.close()
        return None
    return sandbox


def discard() -> None:
    """Close what no command took."""
    while _started:
        _started.popitem()[1][1].close()
