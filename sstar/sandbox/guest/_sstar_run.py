"""A program run once on one test, in the test's own process (``execute``), and the JSON of its results.

Shared by a process of its own (``_sstar_child.start``) and a batch's process (``_sstar_batch``), which runs it
once per test. Standard library only.
"""

from __future__ import annotations

import atexit
import builtins
import json
import os
import sys
import threading
import types


def execute(msg: dict, compiled: list, join_threads=None, lines: list | None = None,
            flush: bool = True) -> int:  # pragma: no cover - child only
    """Run the program once on the test in ``msg``; its exit status (what the process would exit with).

    ``compiled[0]``: the code object, compiled here on first use (under the test's limits) and kept
    for the next tests of a batch. ``join_threads``: how to wait for the program's threads
    (default: as a fresh interpreter does at exit). ``lines``: where the result lines go, for the caller
    to send (a batch sends them with the test's end line); None: written at once on descriptor 3.
    ``flush``: flush the standard streams as the interpreter's exit does (False: the caller does, with
    ``flush_streams``).
    """
    memory_report = b'{"exception":"MemoryError"}\n'

    def send(line: bytes) -> None:
        if lines is not None:
            try:
                lines.append(line)
                return
            except MemoryError:  # (written now, then: still before the end line)
                pass
        try:
            os.write(3, line)
        except OSError:
            pass

    def report(obj: dict) -> None:
        try:
            line = json.dumps(obj).encode() + b"\n"
        except (ValueError, TypeError, MemoryError):
            return
        send(line)

    sys.argv = ["solution.py"]
    sys.setrecursionlimit(50000)
    atexit._clear()
    functional = msg.get("mode") == "functional"
    # A real module, registered in sys.modules, so that pickle (multiprocessing) finds its functions.
    module = types.ModuleType("__sstar_solution__" if functional else "__main__")
    namespace = module.__dict__
    namespace["__file__"] = "solution.py"  # (__name__ is the module's already)
    builtins.stdin, builtins.stdout, builtins.stderr = sys.stdin, sys.stdout, sys.stderr  # from sys import *
    sys.modules[module.__name__] = module
    exit_code = 0
    try:
        # Compiled here, under the test's limits: a 4 MB literal costs the test, never the worker.
        if compiled[0] is None:
            compiled[0] = compile(msg["code"], "<solution>", "exec")
        exec(compiled[0], namespace)
        if functional:
            args = [loads(line) for line in msg.get("args", [])]
            name = msg["func_name"]
            solution = namespace.get("Solution")
            if isinstance(solution, type):
                fn = getattr(solution(), name)
            elif name in namespace:
                fn = namespace[name]
            else:
                raise NameError(f"no class Solution and no function named {name!r}")
            value = fn(*args)
            try:
                text = _encode(value)
            except (TypeError, ValueError) as exc:
                report({"exception": "UnserializableResult", "message": str(exc)[:300]})
                exit_code = 1
            else:
                send(b'{"result": %s}\n' % quote(text).encode())  # what json.dumps({"result": text}) makes
    except SystemExit as exc:
        code = exc.code
        if code is None:
            exit_code = 0
        elif isinstance(code, int):
            exit_code = code & 0xFF
        else:
            print(code, file=sys.stderr)
            exit_code = 1
    except MemoryError:
        send(memory_report)
        exit_code = 1
    except BaseException as exc:  # noqa: BLE001 - any error the program raises
        import traceback

        try:
            # Drop the worker's own frame: the traceback starts in the program.
            traceback.print_exception(type(exc), exc, exc.__traceback__.tb_next)
        except BaseException:  # noqa: BLE001
            pass
        report({"exception": type(exc).__name__})
        exit_code = 1
    try:
        (join_threads or threading._shutdown)()  # a fresh interpreter waits for its non-daemon threads
    except BaseException:  # noqa: BLE001
        pass
    try:
        atexit._run_exitfuncs()
    except BaseException:  # noqa: BLE001
        pass
    return flush_streams(exit_code) if flush else exit_code


def flush_streams(exit_code: int) -> int:  # pragma: no cover - child only
    """Flush the standard streams as the interpreter's exit does; the exit status after it."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001 - a broken stdout is the program's business
            if stream is sys.stdout and exit_code == 0:
                exit_code = 120  # what CPython returns when the final flush fails
    return exit_code


def _to_jsonable(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_encode_any = json.JSONEncoder(default=_to_jsonable).encode
quote = json.encoder.encode_basestring_ascii
_scan = json.decoder.JSONDecoder().scan_once


def _encode(value) -> str:
    """``json.dumps(value, default=_to_jsonable)``, with the encoder made once (by the worker), not per test; a
    plain int, bool, None or string without the encoder's set-up (which costs more than a test's own work)."""
    kind = type(value)
    if kind is int:
        return int.__repr__(value)  # (what the encoder writes; over 4300 digits, the same ValueError)
    if kind is str:
        return quote(value)
    if kind is bool or value is None:
        return "true" if value is True else "false" if value is False else "null"
    return _encode_any(value)


def loads(data: str | bytes):
    """``json.loads(data)``: a complete JSON text is read by the decoder's own scanner at once, anything else
    (surrounding whitespace, another encoding, an error) by ``json.loads`` itself: the same result or error."""
    text = data
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return json.loads(data)
    try:
        value, end = _scan(text, 0)
    except (StopIteration, ValueError, RecursionError):
        return json.loads(data)
    return value if end == len(text) else json.loads(data)
