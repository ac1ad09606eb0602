"""The one definition of what the harness and the sandbox worker say to each other.

Standard library only: the worker imports it by file name inside the sandbox (with the base
interpreter, in isolated mode), the harness as ``sstar.sandbox.guest.wire``. A frame is a 4-byte
big-endian length and then that many bytes of UTF-8 JSON, one message each way per exchange.

Harness to worker: ``{"op": OP_RUN, ...RUN_FIELDS}`` (one test in a fresh process),
``{"op": OP_BATCH, ...BATCH_FIELDS}`` (one program's tests in sequence in one confined process) or
``{"op": OP_EXIT}``. Worker to harness: a hello first (``type`` READY, with ``protocol``), then one
reply per order: ``type`` RESULT (RESULT_FIELDS) for a run, ``type`` BATCH_RESULT with ``results``
(a list of RESULT_FIELDS dicts, one per test run, in order) for a batch. A reply with ``infra`` set is
the sandbox's failure, not the program's; ``retire`` asks the harness to replace that worker.
"""

from __future__ import annotations

import json
import struct

PROTOCOL_VERSION = 2
"""Raised on any incompatible change; the harness refuses a worker that reports another one."""

HEADER = struct.Struct(">I")

OP_RUN = "run"
OP_BATCH = "batch"
OP_EXIT = "exit"

READY = "ready"
RESULT = "result"
BATCH_RESULT = "batch_result"

RUN_FIELDS = ("code", "mode", "stdin", "args", "func_name", "limits")
"""An OP_RUN order. ``limits``: LIMIT_FIELDS; ``args``: one JSON text per argument (functional mode)."""
BATCH_FIELDS = ("code", "mode", "func_name", "limits", "tests", "stop_after_failure")
"""An OP_BATCH order; ``tests``: a list of ``{"stdin": str, "args": [str, ...]}``; ``stop_after_failure``:
no test after the first that does not end cleanly (a time-out, a crash, a non-zero exit...)."""
LIMIT_FIELDS = ("cpu_s", "wall_s", "memory_mb", "output_bytes", "file_bytes", "nproc", "nofile")
RESULT_FIELDS = ("exit_code", "signal", "timed_out", "cpu_exceeded", "output_exceeded", "memory_exceeded",
                 "cpu_s", "wall_s", "max_rss_kb", "stdout_b64", "stderr", "exception", "result")
"""Raw facts about one test; optional: ``infra`` (str) and ``retire`` (bool). In a BATCH_RESULT's ``results``
every field but ``exit_code`` is left out where it holds its default (None, False, 0, empty): the reader
assumes those."""


def frame(msg: dict) -> bytes:
    data = json.dumps(msg, separators=(",", ":")).encode()
    return HEADER.pack(len(data)) + data


def unframe(payload: bytes) -> dict:
    return json.loads(payload)
