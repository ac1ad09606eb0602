"""The allow-listed view is remembered on disk: reused while nothing it was computed from changed."""

from __future__ import annotations

import json
import os

import pytest

from sstar.sandbox import view, view_cache
from sstar.sandbox.isolation import base_interpreter


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SSTAR_CACHE_DIR", str(tmp_path / "cache"))
    for fn in (view.describe_interpreter, view.visible_paths, view.package_paths):
        fn.cache_clear()
    yield tmp_path / "cache" / "sandbox-view"
    for fn in (view.describe_interpreter, view.visible_paths, view.package_paths):
        fn.cache_clear()


def test_a_new_process_reuses_the_view_without_running_ldd_or_the_interpreter(cache, monkeypatch):
    python = base_interpreter()
    first = view.visible_paths(python), view.package_paths(python, "json")
    assert {p.name.split("-")[0] for p in cache.iterdir()} == {"interpreter", "view", "package"}
    for fn in (view.describe_interpreter, view.visible_paths, view.package_paths):
        fn.cache_clear()  # as in a new process

    def no_spawn(*args, **kwargs):
        raise AssertionError(f"spawned {args[0]!r} although the cached view is still valid")

    monkeypatch.setattr(view.subprocess, "run", no_spawn)
    assert (view.visible_paths(python), view.package_paths(python, "json")) == first
    assert any("libc.so" in p for p in first[0][0])


def test_an_entry_of_the_wrong_shape_is_computed_again(cache):
    python = base_interpreter()
    first = view.visible_paths(python)
    (entry,) = [p for p in cache.iterdir() if p.name.startswith("view-")]
    data = json.loads(entry.read_text())
    data["value"] = [["/"], 3]  # valid JSON, not a view
    entry.write_text(json.dumps(data))
    view.visible_paths.cache_clear()
    assert view.visible_paths(python) == first
    assert oct(cache.stat().st_mode & 0o777) == "0o700"


def test_a_changed_or_appearing_file_recomputes(cache, tmp_path):
    binary, later = tmp_path / "binary", tmp_path / "later"
    binary.write_bytes(b"v1")
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}, [str(binary), str(later)]

    assert view_cache.cached("t", ["k"], compute) == {"n": 1}
    assert view_cache.cached("t", ["k"], compute) == {"n": 1}
    binary.write_bytes(b"v2 longer")  # an upgraded library
    assert view_cache.cached("t", ["k"], compute) == {"n": 2}
    later.write_bytes(b"")  # a path that was missing now exists
    assert view_cache.cached("t", ["k"], compute) == {"n": 3}
    assert view_cache.cached("t", ["k"], compute) == {"n": 3}
    assert view_cache.cached("t", ["other key"], compute) == {"n": 4}


def test_a_corrupt_entry_is_ignored_and_rewritten(cache):
    calls = []

    def compute():
        calls.append(1)
        return [1, 2], []

    view_cache.cached("t", ["k"], compute)
    (entry,) = cache.iterdir()
    for garbage in ("{not json", "[]", json.dumps({"format": 1, "key": ["k"], "value": [9], "stamps": 3})):
        entry.write_text(garbage)
        assert view_cache.cached("t", ["k"], compute) == [1, 2]
    assert len(calls) == 4
    assert json.loads(entry.read_text())["value"] == [1, 2]
    assert [p.name for p in cache.iterdir()] == [entry.name]  # no temporary file left behind


def test_an_unwritable_cache_directory_only_costs_the_recomputation(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("SSTAR_CACHE_DIR", str(blocker / "sub"))  # below a regular file: cannot be made
    calls = []

    def compute():
        calls.append(1)
        return "v", []

    assert view_cache.cached("t", ["k"], compute) == "v"
    assert view_cache.cached("t", ["k"], compute) == "v"
    assert len(calls) == 2
    assert os.listdir(tmp_path) == ["file"]
