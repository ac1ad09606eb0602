"""A flooded stderr in a batch keeps its tail, and never loses an end marker the worker has not cut at yet."""

from __future__ import annotations

import importlib

import pytest

from sstar.sandbox.isolation import worker_source


@pytest.fixture()
def batch_run(monkeypatch):
    monkeypatch.syspath_prepend(str(worker_source().parent))  # the guest imports its siblings by name
    return importlib.import_module("_sstar_batch_run")


def test_a_marker_followed_by_the_next_tests_flood_is_kept(batch_run):
    marker = b"\0sstar-end-" + b"0" * 32 + b"\0"
    buf = bytearray(b"e" * (2 << 20) + b"tail of test 1" + marker + b"f" * ((3 << 20) // 2))
    batch_run._trim_stderr(buf)
    at = buf.find(marker)
    assert at == batch_run.STDERR_KEEP and buf[:at].endswith(b"tail of test 1")
    assert buf.endswith(b"f" * 100) and len(buf) < (2 << 20)


def test_without_a_marker_only_the_tail_is_kept(batch_run):
    buf = bytearray(b"e" * (2 << 20) + b"Traceback")
    batch_run._trim_stderr(buf)
    assert len(buf) == batch_run.STDERR_KEEP and buf.endswith(b"Traceback")


def test_marker_like_bytes_cannot_hold_more_than_a_few_megabytes(batch_run):
    buf = bytearray(b"\0sstar-end-" + b"f" * (batch_run.MARKER_HOLD + 10))
    batch_run._trim_stderr(buf)
    assert len(buf) == batch_run.STDERR_KEEP
