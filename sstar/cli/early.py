"""A sandbox started before the command line is parsed, for the commands that always need one.

``sstar score`` grades on the local sandbox whatever its options say (only ``--isolate-tests`` changes
it). Its workers take ~60 ms to start, and importing the typer application takes ~140 ms, so they are
started first and the command takes them over (``take``). Anything that stops the command before it
does (``--help``, a usage error, a bad file) has them closed by ``discard``.

Until the command takes them, the interpreter switches threads every ``STARTING_SWITCH_S`` instead of
every 5 ms: the threads that start the workers need the GIL for a moment after each file they read and
each process they spawn, and the main thread, importing typer and pydantic, would make each of those
moments wait 5 ms -- the workers' spawn came ~60 ms late, their whole start-up with it.

And until ``settled`` (the command's modules imported), the cyclic garbage collector is off: start-up makes
hundreds of thousands of objects that live as long as the process (modules, classes, pydantic's schemas),
and the collections over them cost ~30 ms of CPU in a one-second command (one full pass alone ~18 ms).
``settled`` freezes them (no later collection walks them) and turns the collector back on.
"""

from __future__ import annotations

import gc
import sys
from typing import Any, Optional, Sequence, Tuple

_ROOT_FLAGS = {"-v", "--verbose"}
STARTING_SWITCH_S = 0.0002
_pending: Optional[Tuple[bool, Any]] = None  # (isolate_tests, the LocalSandbox) until score takes it
_switch_interval: Optional[float] = None  # the interpreter's own, while STARTING_SWITCH_S replaces it
_collector_paused = False


def start_for(argv: Sequence[str]) -> None:
    """Start the local sandbox's workers in the background where ``argv`` is a ``score`` command."""
    global _pending
    words = list(argv)
    while words and words[0] in _ROOT_FLAGS:
        words.pop(0)
    if not words or words[0] != "score" or {"--help", "-h"} & set(words):
        return
    from ..sandbox.local import LocalSandbox

    isolate = "--isolate-tests" in words
    sandbox = LocalSandbox(isolate_tests=isolate)
    _pause_collector()
    _quick_switches()
    sandbox.warm_up()
    _pending = (isolate, sandbox)


def _pause_collector() -> None:
    global _collector_paused
    if gc.isenabled():
        gc.disable()
        _collector_paused = True


def settled() -> None:
    """The command's modules are imported: what start-up made is kept out of later collections, and the
    collector is back on (if ``start_for`` paused it)."""
    global _collector_paused
    if _collector_paused:
        gc.freeze()
        gc.enable()
        _collector_paused = False


def _quick_switches() -> None:
    global _switch_interval
    if _switch_interval is None:
        _switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(STARTING_SWITCH_S)


def _usual_switches() -> None:
    global _switch_interval
    if _switch_interval is not None:
        sys.setswitchinterval(_switch_interval)
        _switch_interval = None


def take(isolate_tests: bool) -> Optional[Any]:
    """The sandbox started for ``score`` with these settings (the caller closes it), or None."""
    global _pending
    started, _pending = _pending, None
    _usual_switches()
    if started is None:
        return None
    isolate, sandbox = started
    if isolate != isolate_tests:
        sandbox.close()
        return None
    return sandbox


def discard() -> None:
    """Close what the command did not take."""
    global _pending
    _usual_switches()
    settled()
    if _pending is not None:
        _pending[1].close()
        _pending = None
