"""A batch's plumbing on the worker's side (see ``_sstar_batch_run``): its inputs written to files before its
first test, and the shape of a test's result."""

from __future__ import annotations

import json
import os
from json.encoder import encode_basestring_ascii

import wire
from _sstar_batch import input_path


def failed(result: dict) -> bool:
    """A run that did not end cleanly, so no judge accepts it (what stops a batch asked to stop after the first
    failure)."""
    return bool(result.get("infra") or result.get("exit_code") != 0 or result.get("signal") is not None
                or result.get("timed_out") or result.get("cpu_exceeded") or result.get("output_exceeded")
                or result.get("memory_exceeded"))


def blank_result(**facts) -> dict:
    """A test's result: these facts over a clean exit's."""
    base = {"type": wire.RESULT, "exit_code": 0, "signal": None, "timed_out": False, "cpu_exceeded": False,
            "output_exceeded": False, "memory_exceeded": False, "cpu_s": 0.0, "wall_s": 0.0, "max_rss_kb": 0,
            "stdout_b64": "", "stderr": "", "exception": None, "result": None}
    base.update(facts)
    return base


DEFAULTS = {"signal": None, "timed_out": False, "cpu_exceeded": False, "output_exceeded": False,
            "memory_exceeded": False, "cpu_s": 0.0, "wall_s": 0.0, "max_rss_kb": 0, "stdout_b64": "", "stderr": "",
            "exception": None, "result": None}


def compact(facts: dict) -> dict:
    """A test's result in a batch's reply: ``exit_code`` always (its default, None, means killed), every other
    field of ``wire.RESULT_FIELDS`` only where it differs from ``DEFAULTS`` (what ``to_result`` assumes)."""
    result = {"exit_code": facts.get("exit_code", 0)}
    for key, value in facts.items():
        if key != "exit_code" and DEFAULTS.get(key, key) != value:
            result[key] = value
    return result


def _json_list(texts: list) -> bytes:
    """``json.dumps(texts).encode()``, for a list of strings (a test's arguments) without json.dumps's set-up."""
    if isinstance(texts, (list, tuple)):
        try:
            return ("[" + ", ".join(map(encode_basestring_ascii, texts)) + "]").encode()
        except TypeError:  # not all strings
            pass
    return json.dumps(texts).encode()


KEEP_BYTES = 65536
"""An input file up to this size is kept after its batch and rewritten by the next (see ``write_inputs``)."""


def write_inputs(worker, msg: dict) -> list[str]:
    """Every test's input in a read-only file of its own, before the first runs: no test waits for the worker.
    Tests without standard input (functional ones) share one empty file; ``msg["empty_stdin"]``: which.
    A functional batch's arguments go in one file, test after test (``msg["args_at"]``: where each starts,
    and the end), which the child reads with one ``pread`` a test.

    Returns the files to remove after the batch. As root, a small file stays for the next batch to rewrite in
    place (a file made and removed per test costs twice as much): only root writes in that directory, every
    process of the batch is gone before the next writes, and a test reads only its own batch's files."""
    paths, files = [], []
    functional = msg.get("mode") == "functional"
    empty = msg["empty_stdin"] = "".join("0" if test.get("stdin") else "1" for test in msg["tests"])
    if "1" in empty:
        files.append((input_path(worker.stdin_path, 0, "empty"), b""))
    args, at = [], [0]
    for index, test in enumerate(msg["tests"]):
        if empty[index] == "0":
            files.append((input_path(worker.stdin_path, index), test["stdin"].encode("utf-8", "surrogatepass")))
        if functional:
            args.append(_json_list(test.get("args", [])))
            at.append(at[-1] + len(args[-1]))
    if functional:
        files.append((input_path(worker.stdin_path, 0, "args"), b"".join(args)))
        msg["args_at"] = at
    rewrite = os.geteuid() == 0
    for path, data in files:
        fd = _open_input(path, rewrite)
        if not rewrite or len(data) > KEEP_BYTES:
            paths.append(path)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    return paths


def _open_input(path: str, rewrite: bool) -> int:
    """An input file, empty, to write: the one a past batch left (``rewrite``), or a new one."""
    if rewrite:
        try:  # (O_NONBLOCK, O_NOFOLLOW: whatever is there, opening it never blocks nor leads elsewhere)
            return os.open(path, os.O_WRONLY | os.O_TRUNC | os.O_NOFOLLOW | os.O_NONBLOCK)
        except FileNotFoundError:
            pass
        except OSError:
            os.unlink(path)
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    except FileExistsError:  # left by a batch that failed half way
        os.unlink(path)
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
