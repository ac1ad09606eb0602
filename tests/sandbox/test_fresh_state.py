"""The batched process's cheap leftover-state checks (``guest/_sstar_fresh.py``) see what they stand for."""

import importlib
import os
import sys
import tempfile
from pathlib import Path

import pytest

GUEST = Path(__file__).resolve().parents[2] / "sstar" / "sandbox" / "guest"


@pytest.fixture(scope="module")
def fresh():
    sys.path.insert(0, str(GUEST))
    try:
        yield importlib.import_module("_sstar_fresh")
    finally:
        sys.path.remove(str(GUEST))


@pytest.fixture(scope="module")
def views(fresh):
    return importlib.import_module("_sstar_views")


def test_dict_version_changes_with_every_change_of_the_dict_and_only_then(views):
    d = {"a": 1, "b": object()}
    tag = views.dict_version(d)
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 14):
        assert tag is None  # the caller then compares every value
        return
    assert tag is not None and d == {"a": 1, "b": d["b"]}  # the probe left nothing behind
    seen = [tag.value]

    def changed() -> bool:
        seen.append(tag.value)
        return seen[-1] != seen[-2]

    d["b"] = d["b"]
    assert not changed()  # the same object again: what each test does with the builtins' streams
    d["b"] = object()
    assert changed()
    d["c"] = None
    assert changed()
    del d["c"]
    assert changed()
    d.update(a=1)
    assert not changed()  # 1 is the same (cached) object
    d.pop("a")
    assert changed()


def test_dict_version_refuses_a_layout_it_does_not_recognise(views, monkeypatch):
    monkeypatch.setattr(views.sys, "version_info", (3, 14, 0))
    assert views.dict_version({}) is None


def test_a_directory_size_counts_entries_only_where_the_probe_shows_it(fresh):
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        with tempfile.TemporaryDirectory(dir=shm) as d:  # tmpfs: 20 bytes an entry
            assert fresh._size_counts_entries(d)
            Path(d, "x").write_text("")
            assert not fresh._size_counts_entries(d)  # not empty: never trusted
    with tempfile.TemporaryDirectory() as d:
        # Whatever the file system, a size that does not move with a new entry is never trusted.
        empty = os.stat(d).st_size
        Path(d, "probe").write_text("")
        moves = os.stat(d).st_size != empty
        os.unlink(Path(d, "probe"))
        assert fresh._size_counts_entries(d) == (moves and os.stat(d).st_size == empty)


def test_random_view_moves_with_every_draw_and_every_seeding(views):
    import random

    view = views.random_view()
    if view is None:  # another layout: every test is reseeded instead
        return
    state = random.getstate()
    try:
        seen = [view()]
        for touch in (random.random, lambda: random.seed(1), lambda: random.seed(2), lambda: random.getrandbits(8),
                      lambda: random.setstate(state)):
            touch()
            seen.append(view())
            assert seen[-1] != seen[-2], touch
        random.seed(3)
        again = view()
        random.seed(3)
        assert view() == again  # the same state: nothing to tell apart
    finally:
        random.setstate(state)


CHECK = r'''
import builtins, os, sys, tempfile
sys.path.insert(0, sys.argv[1])
import _sstar_fresh as fresh
import _sstar_views
if sys.argv[2] == "prepared":
    _sstar_views.prepare()
work = tempfile.mkdtemp()
os.chdir(work)
fresh.STDOUT[0] = sys.stdout
state = fresh.FreshState(work, None, 0)
assert (state.builtins_version is None) == (sys.argv[2] != "prepared" or "builtins" not in fresh.VIEWS)
seen = []
original = builtins.sorted
for change in ("", "add", "replace", "file", "delete"):  # (a deleted builtin comes back last in dict order)
    state.restore(os.urandom(16))
    builtins.stdin = sys.stdin  # what each test's program does: the same object again
    if change == "add":
        builtins.leaked = 1
    elif change == "replace":
        builtins.sorted = lambda *a: []
    elif change == "delete":
        del builtins.sorted
    elif change == "file":
        open(os.path.join(work, "left"), "w").close()
    seen.append(state.left_behind(state.facts(0)))
    # Undone before the next one (a batch's process would have ended here).
    builtins.__dict__.pop("leaked", None)
    builtins.sorted = original
    if change == "file":
        os.unlink(os.path.join(work, "left"))
print(seen)
'''


@pytest.mark.parametrize("how", ["prepared", "unprepared"])
def test_the_state_check_sees_builtins_and_files_with_or_without_the_fast_paths(how, tmp_path):
    import subprocess

    script = tmp_path / "check.py"
    script.write_text(CHECK)
    out = subprocess.run([sys.executable, str(script), str(GUEST), how], capture_output=True, text=True,
                         pass_fds=(), stdin=subprocess.DEVNULL,
                         preexec_fn=lambda: os.dup2(1, 3))  # descriptor 3: the result pipe in the sandbox
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(["", "a builtin was changed", "a builtin was changed",
                                      "files were left in the scratch directory", "a builtin was changed"])


# Run in a forked child, as a batch's process is: an exec'd process starts with its parent's peak in its
# record (pytest's, here), which no reset lowers -- the case the batch loop's check is for.
PEAK = r'''
import os, sys, tempfile
sys.path.insert(0, sys.argv[1])
import _sstar_fresh as fresh
block = bytearray(200 << 20)  # this process's peak, which the forked child must not report
block[::4096] = b"x" * len(block[::4096])
del block
child = os.fork()
if child:
    sys.exit(os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]))
work = tempfile.mkdtemp()
os.chdir(work)
fresh.STDOUT[0] = sys.stdout
state = fresh.FreshState(work, None, 0, clear_refs=os.open("/proc/self/clear_refs", os.O_WRONLY))
block = bytearray(150 << 20)
block[::4096] = b"x" * len(block[::4096])
del block
os.write(state.proc["clear_refs"], b"5")
import resource
after_reset = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
quick = state.facts(after_reset)[b"VmHWM:"]
state.peak_from_status = True  # what the batch loop sets when getrusage's peak no longer comes down
from_status = state.facts(10 ** 9)[b"VmHWM:"]
print(after_reset < 100_000, quick == after_reset, from_status < 100_000, flush=True)
os._exit(0)
'''


def test_the_peak_comes_from_getrusage_after_a_reset_and_from_status_once_that_is_stale(tmp_path):
    import subprocess

    script = tmp_path / "peak.py"
    script.write_text(PEAK)
    out = subprocess.run([sys.executable, str(script), str(GUEST)], capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, preexec_fn=lambda: os.dup2(1, 3))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True", "True"]


# The descriptor table's check (guest/_sstar_fds.py), in a process of its own: a pipe (epoll), two regular files
# (their owners), a directory (its count), each changed in turn -- and where the kernel's count is not trusted.
FDS = r'''
import os, sys
sys.path.insert(0, sys.argv[1])
import _sstar_fds
r, w = os.pipe()
a = os.open(sys.argv[2], os.O_RDONLY)
b = os.open("/proc/self/stat", os.O_RDONLY)
saved, keep_a, keep_b = os.dup(w), os.dup(a), os.dup(b)  # (to undo each change with: the same open files)
table = _sstar_fds.FdTable()
if sys.argv[3] == "listed":
    table.count = None  # as where the size of /proc/self/fd counts nothing
seen = [table.changed()]

def check(change, undo):
    change()
    seen.append(table.changed())
    undo()
    seen.append(table.changed())

def anew(fd):
    other = os.open("/proc/self/stat", os.O_RDONLY)
    os.dup2(other, fd)
    os.close(other)

check(lambda: os.dup2(r, w), lambda: os.dup2(saved, w))  # the pipe's write end replaced by its read end
check(lambda: (os.dup2(b, a), os.dup2(keep_a, b)), lambda: (os.dup2(keep_a, a), os.dup2(keep_b, b)))  # swapped
check(lambda: anew(a), lambda: os.dup2(keep_a, a))  # a file of the same kind, opened anew
check(lambda: os.close(saved), lambda: os.dup2(w, saved))  # one closed
extra = []
check(lambda: extra.append(os.open("/dev/null", os.O_RDONLY)), lambda: os.close(extra.pop()))  # one more
print(seen, table.count is not None or sys.argv[3] == "listed")
'''


@pytest.mark.parametrize("how", ["counted", "listed"])
def test_the_descriptor_table_check_sees_every_change_and_only_changes(how, tmp_path):
    import subprocess

    script = tmp_path / "fds.py"
    script.write_text(FDS)
    out = subprocess.run([sys.executable, str(script), str(GUEST), str(script), how], capture_output=True, text=True,
                         stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("]")[0] + "]" == str([False] + [True, False] * 5)
    assert out.stdout.split()[-1] == "True"  # (this kernel counts descriptors: the counted path was the one tried)
