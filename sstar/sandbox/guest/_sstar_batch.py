"""A program's tests in one confined process: the child's side (``serve_tests``).

As LiveCodeBench's grader does, a program is compiled once and its tests run one after another in
the same process, each on its own input, with its own output capture, CPU, memory and exit status.
Each test runs the compiled module afresh in a new namespace (what a fresh process would see), with
the state a forked process starts from restored (random reseeded after a test that used it, decimal
context, recursion and int-digit limits). After each test the process checks that nothing it cannot
reset is left behind -- a live thread or child process, a replaced or reconfigured ``sys.stdin``/
``stdout``/builtin, a signal handler, disposition or blocked signal, a pending timer, a descriptor opened,
closed or replaced, a file in the scratch directory, SysV IPC objects, changed limits, environment,
process group or priority, memory the program kept -- and if anything is, the test still gets its
verdict but the process ends: the remaining tests continue in a fresh, freshly confined one. What the
program's finalizers print while its module is dropped goes nowhere, as in a process that just ends.

Child to worker, one JSON line each on fd 3: ``{"ready": cpu}`` once, ``{"start": i}`` before the
child's first test, then per test the program's own ``result``/``exception`` lines (sent with the end line) and ``{"end": i,
"exit": status, "cpu": s, "rss_kb": peak, "retire": why, "nonce": marker}``. An end line without
``retire`` also says that test ``i + 1`` (if any) starts now: the worker starts its clock there. Every
input is in a file before the first test, so the child never waits for the worker; each test's output
is cut at the marker written after it on stdout and stderr.
"""

from __future__ import annotations

import io
import os
import sys
import threading
from resource import RLIM_INFINITY, RLIMIT_CPU, RUSAGE_CHILDREN, RUSAGE_SELF, getrusage, setrlimit

from _sstar_child import CLEAR_REFS, apply_limits
from _sstar_fresh import STDOUT, FreshState, children
from _sstar_os import _reap_zombies as _reap
from _sstar_run import execute, flush_streams, loads, quote


def _join_threads() -> None:
    """Wait for the program's non-daemon threads, as a fresh interpreter does at exit (without
    ``threading._shutdown``, which would forbid threads in the next tests)."""
    if threading.active_count() == 1:
        return
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()


class _Sink:
    """Where the standard streams point while a test's module is dropped: a process of its own ends without
    running the finalizers that run then (``__del__`` methods), so whatever they print goes nowhere."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


_SINK = _Sink()


def _drop_module() -> None:
    """The test's module goes, and what it holds goes now: its functions keep its namespace alive in a
    cycle, so a file object it opened on descriptor 0 (``open(0)``) would otherwise be collected, and
    close that descriptor, in the middle of a later test."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = _SINK
    try:
        for name in ("__sstar_solution__", "__main__"):
            module = sys.modules.pop(name, None)
            if module is not None:
                module.__dict__.clear()
    finally:
        sys.stdout, sys.stderr = out, err


ARGS_IN_MEMORY = 256 << 10  # bytes of a batch's arguments read whole at its start


def input_path(stdin_path: str, index: int, kind: str = "in") -> str:
    """Where the worker puts a batch's test inputs (``in``: standard input, ``args``: functional arguments)."""
    return f"{stdin_path}-{kind}-{index}"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _still_empty(empty_file: tuple[int, int] | None) -> bool:
    """Whether descriptor 0 is the batch's empty input still, inheritable (as ``dup2`` leaves it): then the next
    test without input has it as it would anew (an empty, read-only file reads the same from any position, with
    any flags), without an open, a dup2 and a close."""
    if empty_file is None:
        return False
    try:
        st = os.fstat(0)
        return (st.st_dev, st.st_ino) == empty_file and os.get_inheritable(0)
    except OSError:
        return False


def _end_output(exit_status: int, marker: bytes, state: FreshState) -> tuple[int, bool]:
    """The test's last output, flushed as the interpreter's exit flushes it, and the marker after it on stdout and
    stderr; the exit status after the flush, and whether the marker surely followed the output. Where the program's
    own ``sys.stdout`` is intact, the marker goes into it and leaves with its last output: one write, and one
    wake-up of the worker, less a test."""
    if not (state.fds.still(1) and state.fds.still(2)):  # (no marker where the worker would not find both)
        return flush_streams(exit_status), False
    merged = False
    out = sys.stdout
    if out is state.stdout and out.encoding == state.stdout_encoding:  # (the marker is ASCII)
        try:
            io.TextIOWrapper.write(out, marker.decode("ascii"))
            merged = True
        except Exception:  # noqa: BLE001 - detached, closed: written on the descriptor below
            pass
    status = flush_streams(exit_status)
    try:
        if not merged:
            _write_all(1, marker)
        written = os.write(2, marker)  # (whole, into a pipe: it is under PIPE_BUF)
        if written < len(marker):
            _write_all(2, marker[written:])
    except OSError:  # (a descriptor the test closed or broke)
        return status, False
    # A failed flush may have left the marker behind in the buffer: then it is not trusted to follow the output.
    return status, not (merged and status != exit_status)


def serve_tests(msg: dict, stdin_path: str, work_dir: str, shm_dir: str | None,
                base_vm: int) -> None:  # pragma: no cover
    """Run tests ``index`` .. ``count - 1`` back to back, until done or this process is not clean.

    Every input is in a file already: no test waits for the worker. Each test's output ends with a marker
    written after it, on stdout and stderr, made of random bytes drawn once the program returned (so it
    cannot print it): the worker cuts the streams there. A test that leaves something behind ends the
    process right after its end line: what its leftovers write after the marker is no test's.
    """
    os.chdir(work_dir)  # after the hand-over: the parent may have replaced the mount
    apply_limits(msg["limits"], base_vm, None)
    cpu_limit = int(float(msg["limits"]["cpu_s"])) + 1
    functional = msg.get("mode") == "functional"
    stop_after_failure = bool(msg.get("stop_after_failure"))
    STDOUT[0] = sys.stdout
    for name in ("__sstar_solution__", "__main__"):
        sys.modules.pop(name, None)
    # A functional batch's arguments: one file, each test's at its offset (``args_at``), read with one pread; a
    # small one (most) read whole now, and closed: no read a test, one descriptor less to check after each.
    args_fd = os.open(input_path(stdin_path, 0, "args"), os.O_RDONLY) if functional else -1
    args_at = msg.get("args_at") or []
    args_all = None
    if args_fd >= 0 and args_at and args_at[-1] <= ARGS_IN_MEMORY:
        args_all = os.pread(args_fd, args_at[-1], 0)
        os.close(args_fd)
        args_fd = -1
    state = FreshState(work_dir, shm_dir, len(msg["code"]), tmpfs=msg.get("tmpfs_dirs"), clear_refs=CLEAR_REFS[0])
    clear_refs = state.proc["clear_refs"]
    self_usage, kids_usage = getrusage(RUSAGE_SELF), getrusage(RUSAGE_CHILDREN)
    # The CPU of the children this process reaped moves only when one is reaped: each test's count starts from
    # the last one's end (nothing in between reaps).
    kids_cpu = kids_usage.ru_utime + kids_usage.ru_stime
    os.write(3, b'{"ready":%r}\n' % (self_usage.ru_utime + self_usage.ru_stime + kids_cpu))
    compiled: list = [None]
    import time

    first = int(msg["index"])
    empty = str(msg["empty_stdin"])
    fresh = os.urandom(16)  # the first test's seed; later ones are drawn with the previous test's marker
    facts = state.facts()
    rss_kb = facts.get(b"VmRSS:", 1 << 40)  # the memory now, to check each reset of the peak against
    reaped = facts.get(b"reaped")
    empty_file = None  # (device, inode) of the batch's empty input, once on descriptor 0
    for index in range(first, int(msg["count"])):
        if empty[index] != "1" or not _still_empty(empty_file):
            fd = os.open(input_path(stdin_path, 0, "empty") if empty[index] == "1" else input_path(stdin_path, index),
                         os.O_RDONLY)
            os.dup2(fd, 0)
            os.close(fd)
            if empty[index] == "1":
                st = os.fstat(0)
                empty_file = (st.st_dev, st.st_ino)
        if functional:
            at = args_at[index]
            msg["args"] = loads(args_all[at:args_at[index + 1]] if args_all is not None else
                                os.pread(args_fd, args_at[index + 1] - at, at))
        state.restore(fresh)
        reset = False
        if clear_refs >= 0:
            try:  # "5" resets the peak resident size (VmHWM): each test's own peak
                os.write(clear_refs, b"5")
                reset = True
            except OSError:
                pass
        self_usage = getrusage(RUSAGE_SELF)
        # getrusage's peak must have come down with the reset (to about the memory now); if a thread's exit
        # left an older peak in the process's record, it cannot, and /proc/self/status is read instead.
        if reset and not state.peak_from_status and self_usage.ru_maxrss > rss_kb + 4096:
            state.use_status_peak()
        cpu0 = self_usage.ru_utime + self_usage.ru_stime + kids_cpu
        # The kernel's own backstop for this test's CPU (the worker watches the whole cgroup every 20 ms).
        setrlimit(RLIMIT_CPU, (int(cpu0) + cpu_limit + 1, RLIM_INFINITY))
        if index == first:  # later tests' starts ride on the previous test's end line: one write, one wake-up less
            os.write(3, b'{"start":%d}\n' % index)
        started = time.monotonic()
        lines: list = []  # the program's result line: sent with the end line, one write for both
        exit_status = execute(msg, compiled, _join_threads, lines, flush=False)
        wall = time.monotonic() - started
        drawn = os.urandom(32)  # after the program returned: this test's marker, the next test's seed
        nonce, fresh = drawn[:16].hex().encode(), drawn[16:]
        # The last output and the marker after it, as the interpreter's exit would flush it: before the module
        # goes (a replaced sys.stdout's flush may need the program's globals). Where descriptor 1 or 2 was
        # replaced, no marker: the worker takes everything up to this process's end, which follows at once.
        exit_status, followed = _end_output(exit_status, b"\0sstar-end-" + nonce + b"\0", state)
        if not followed:
            nonce = b""
        _drop_module()  # (its teardown may run the program's finalizers: before everything checked below)
        kids = children()
        if kids:  # (a zombie or a running one: only then a wait4 call)
            _reap()
            kids = children()
        facts = state.facts()
        # The test's CPU and peak, before the checks (not the test's).
        self_usage = getrusage(RUSAGE_SELF)
        if reaped is None or facts.get(b"reaped") != reaped:  # (a child was reaped: by this process or the test)
            kids_usage = getrusage(RUSAGE_CHILDREN)
            kids_cpu = kids_usage.ru_utime + kids_usage.ru_stime
            reaped = facts.get(b"reaped")
        cpu = self_usage.ru_utime + self_usage.ru_stime + kids_cpu - cpu0
        why = state.left_behind(facts, kids) if followed else "the standard streams could not be marked"
        rss_kb = facts.get(b"VmRSS:", 1 << 40)
        # The end line, formatted by hand (json.dumps costs more than the rest of it); ``why`` is free text.
        lines.append(b'{"end":%d,"exit":%d,"cpu":%.6f,"wall":%.6f,"rss_kb":%d,"retire":%s,"nonce":"%s"}\n' % (
            index, exit_status, cpu, wall, facts.get(b"VmHWM:") or self_usage.ru_maxrss,
            quote(why).encode() if why else b'""', nonce))
        try:
            _write_all(3, b"".join(lines))
        except OSError:  # the test closed or replaced it: the worker judges the test by how the process ends
            os._exit(exit_status)
        if why or (stop_after_failure and exit_status != 0):
            os._exit(0)
    os._exit(0)
