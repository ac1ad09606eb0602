"""The worker's side of a program's batch of tests (see ``_sstar_batch``): one confined child at a
time, each test handed over, watched (wall clock, the cgroup's CPU and OOM kills, output size) and
cut out of the shared output pipes; a test that ends its child is followed by a fresh one."""

from __future__ import annotations

import base64
import marshal
import os
import select
import signal
import time

import wire
from _sstar_batch_ends import LINE, STDERR_KEEP, end_of_json, end_of_match, ended, read_json_line, result_text
from _sstar_batch_files import compact, failed, write_inputs
from _sstar_os import cpu_seconds, kill_everything

MARKER_HOLD = 4 << 20
NAP_S = 0.002
"""Mid-batch, how long the worker lets the child's output gather after a wake-up: the child never waits for
the worker, so reading many tests at once instead of every line spares wake-ups (about three a trivial test
before; at 1 ms, one every 15 trivial tests, at 2 ms every 30: 4% less of the worker's CPU a test, its
handling of a wake-up's lines running warm). Never when a read was large (a program writing much is drained at
full speed) or at the batch's last test (its end is noticed at once)."""
BIG_READ = 16384


class HarnessGone(Exception):
    """The harness hung up its end of the channel mid-batch (killed, say): nobody will read the results."""


def run_batch(worker, msg: dict) -> dict:
    tests, results = msg["tests"], []
    stop = bool(msg.get("stop_after_failure"))
    paths = write_inputs(worker, msg)
    try:
        while len(results) < len(tests):
            got, infra = _one_child(worker, msg, len(results))
            results += got
            if infra:
                return {"type": wire.BATCH_RESULT, "results": results, "infra": infra, "retire": True}
            if stop and results and failed(results[-1]):
                break
    finally:
        for path in paths:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
    return {"type": wire.BATCH_RESULT, "results": results}


def _one_child(worker, msg: dict, first: int) -> tuple[list[dict], str]:
    """Run tests from ``first`` on in one fresh child until it ends; their results, or an infra failure."""
    limits, tests = msg["limits"], msg["tests"]
    standby, failure = worker.claim_standby(limits)
    if standby is None:
        return ([failure["result"]], "") if "result" in failure else ([], failure["infra"])
    header = marshal.dumps({"mode": msg.get("mode"), "func_name": msg.get("func_name"), "limits": limits,
                            "batch": True, "index": first, "count": len(tests), "empty_stdin": msg["empty_stdin"],
                            "args_at": msg.get("args_at"),
                            # Mounted by the worker as tmpfs (just now: the scratch is reset on claiming): a directory's
                            # size then counts its entries, and one stat a test tells whether a test left files.
                            "tmpfs_dirs": bool(worker.scratch.tmpfs and (worker.shm is None or worker.shm.tmpfs)),
                            "stop_after_failure": bool(msg.get("stop_after_failure"))})  # (read_order)
    start = worker.hand_over(standby, header, msg["code"].encode("utf-8", "surrogatepass"))
    if start is None:
        return [], "the test process died before its test was handed over"
    try:
        return _Watch(worker, standby, msg, first, start).run()
    finally:
        standby.close()
        worker.kernel.done(standby.cgroup)


def _trim_stderr(buf: bytearray) -> None:
    """Keep a flooded stderr's tail (tracebacks end there), but never an end marker not yet cut at: a test's
    marker may be followed by the next test's flood before the worker reads the end line. (A program that
    writes marker-like bytes itself keeps at most MARKER_HOLD of them, then loses its own marker.)"""
    at = buf.find(b"\0sstar-end-")
    if at < 0 or len(buf) - at > MARKER_HOLD:
        del buf[: len(buf) - STDERR_KEEP]
    elif at > STDERR_KEEP:
        del buf[: at - STDERR_KEEP]


class _Watch:
    """One child's tests, from hand-over to its end."""

    def __init__(self, worker, standby, msg: dict, first: int, start: float) -> None:
        self.worker, self.standby, self.msg = worker, standby, msg
        self.tests, limits = msg["tests"], msg["limits"]
        self.out_cap, self.cpu_limit, self.wall = int(limits["output_bytes"]), float(limits["cpu_s"]), float(limits["wall_s"])
        self.stop = bool(msg.get("stop_after_failure"))
        self.index, self.first, self.results = first, first, []
        self.start_taken = False
        self.out, self.err, self.res = bytearray(), bytearray(), bytearray()
        self.res_used = 0  # the head of ``res`` handled already, while its lines are read
        self.got = 0
        self.report: dict = {}
        self.infra = ""
        self.ready = False
        self.pending: dict | None = None
        self.children_fd = -1
        # Counters read once for all the end lines handled together (a wake-up brings several): the OOM kills,
        # stray processes, and the running test's start (see ``_lines``).
        self.seen: dict = {}
        self.begun = False
        self._begin(start)

    def _begin(self, now: float, oom_at: int | None = None) -> None:
        cgroup = self.standby.cgroup
        self.started, self.deadline = now, now + self.wall
        self.cpu_at = cgroup.cpu_seconds() if cgroup is not None else cpu_seconds(self.standby.pid)
        if oom_at is None:
            oom_at = cgroup.oom_kills() if cgroup is not None else 0
        self.oom_at = oom_at

    def _cpu(self) -> float:
        cgroup = self.standby.cgroup
        return (cgroup.cpu_seconds() if cgroup is not None else cpu_seconds(self.standby.pid)) - self.cpu_at

    def _pump(self, fd: int) -> bool:
        """Read what the pipe holds now; False at its end."""
        buf = {self.standby.out_r: self.out, self.standby.err_r: self.err, self.standby.res_r: self.res}[fd]
        got = self.got
        while True:
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                return True
            if not data:
                return False
            self.got += len(data)
            buf += data
            if fd == self.standby.err_r and len(buf) > (1 << 20):
                _trim_stderr(buf)
            if len(buf) > self.out_cap + 65536:
                return True  # over the cap: the caller stops the test
            if self.got - got > (1 << 20):
                return True  # the caller handles the lines (and the markers) now and then reads on

    def _lines(self) -> bool:
        """Handle the complete lines on the result pipe; True when this child is done."""
        self.seen = {}
        try:
            return self._handle_lines()
        finally:
            if self.begun:  # the test running now began at the last end line: its CPU counts from here
                self.begun = False
                self._begin(time.monotonic(), self.oom_seen)

    def _handle_lines(self) -> bool:
        done, used = self._scan_lines()
        del self.res[:used]  # (after the scan, which holds the buffer)
        self.res_used = 0
        return done

    def _scan_lines(self) -> tuple[bool, int]:
        """Handle the complete lines at the head of ``self.res``: whether this child is done, and the bytes
        handled (the lines after a child's last test stay for ``_end``)."""
        used = 0
        # Only up to the last newline: over an unfinished line (a long result still arriving) the pattern's
        # catch-all would be tried at every byte, each try running to the buffer's end (quadratic: minutes).
        for line in LINE.finditer(self.res, 0, self.res.rfind(b"\n") + 1):
            used = self.res_used = line.end()
            if line[1] is not None:  # (most lines: a test's end or result, read without JSON)
                end = end_of_match(line)
            elif line[7] is not None:
                self.report["result"] = result_text(line[7])
                continue
            else:
                item = read_json_line(line[0][:-1])
                if item is None:
                    continue
                if "ready" in item:
                    self.ready = True
                    continue
                if "infra" in item and not self.ready:
                    self.infra = str(item["infra"])
                    continue
                if item.get("end") != self.index or "exit" not in item:
                    # The child's start line comes once, before its first test's program runs: a program writing
                    # more of them on its result pipe must not restart its own clock.
                    if item.get("start") == self.index == self.first and not self.start_taken:
                        self.start_taken = True
                        self.begun = False
                        self._begin(time.monotonic())
                    elif "start" not in item:
                        self.report.update({k: v for k, v in item.items() if k in ("result", "exception")})
                    continue
                end = end_of_json(item)
            if end[0] == self.index and self._finish(end):
                return True, used
        return False, used

    def _finish(self, end: tuple) -> bool:
        """The child reported the end of a test (and went on to the next): cut its output at the marker the child
        wrote after it, record it. True: this child is done (a test it is running now starts again in a fresh one)."""
        nonce = end[6]
        marker = b"\0sstar-end-" + nonce + b"\0"
        out_at = self.out.find(marker) if nonce else -1
        if out_at < 0 and nonce:
            self._pump(self.standby.out_r)  # written before the end line: in the pipe now
            out_at = self.out.find(marker)
        err_at = self.err.find(marker) if nonce else -1
        if err_at < 0 and nonce:
            self._pump(self.standby.err_r)
            err_at = self.err.find(marker)
        if out_at < 0 or err_at < 0:
            # No marker (the test replaced a descriptor): its output runs to the child's end, which follows at once.
            # Until then the test is still running and watched: a program writing such a line itself (it cannot
            # know a marker) does not end its own test, and its limits still hold.
            self.pending = end
            return False
        out, err = bytes(self.out[:out_at]), bytes(self.err[:err_at])
        del self.out[: out_at + len(marker)]
        del self.err[: err_at + len(marker)]
        result = self._end_result(end, out, err)
        if end[5] or result.get("memory_exceeded") or result.get("output_exceeded") \
                or self.index + 1 >= len(self.tests) or (self.stop and failed(result)) or self._strays():
            return True
        self.index += 1  # the end line also says that the next test starts: its clock starts at the end of _lines
        self.begun = True
        return False

    def _end_result(self, end: tuple, out: bytes, err: bytes) -> dict:
        cgroup = self.standby.cgroup
        if "oom" not in self.seen:
            self.seen["oom"] = cgroup.oom_kills() if cgroup is not None else 0
        self.oom_seen = self.seen["oom"]
        memory = cgroup is not None and self.oom_seen > self.oom_at
        result = ended(end, out, err, memory, self.cpu_limit, self.out_cap, self.report, len(self.res) - self.res_used)
        self.report = {}
        self.results.append(result)
        return result

    def _strays(self) -> bool:
        """A process a test left that escaped the child's view (re-parented to the worker, or in the cgroup)."""
        if "strays" not in self.seen:
            self.seen["strays"] = self._look_for_strays()
        return self.seen["strays"]

    def _look_for_strays(self) -> bool:
        keep = {self.standby.pid, self.worker.standby.pid if self.worker.standby else -1}
        try:
            if self.children_fd < 0:
                me = os.getpid()
                self.children_fd = os.open(f"/proc/{me}/task/{me}/children", os.O_RDONLY)
            return any(int(pid) not in keep for pid in os.pread(self.children_fd, 4096, 0).split())
        except (OSError, ValueError):
            return True

    def _record(self, out: bytes, err: bytes, **facts) -> dict:
        """Record a test's result. Only what differs from a clean, silent exit is written (``compact``): a
        batch's reply carries a hundred of them, and the harness fills in the rest."""
        facts.setdefault("wall_s", time.monotonic() - self.started)
        facts["cpu_s"], facts["wall_s"] = round(facts.get("cpu_s", 0.0), 6), round(facts["wall_s"], 6)
        if out:
            facts["stdout_b64"] = base64.b64encode(out[: self.out_cap]).decode()
        if err:
            facts["stderr"] = err[-STDERR_KEEP:].decode("utf-8", "replace")
        if self.report:
            facts.update(self.report)
            self.report = {}
        if len(out) > self.out_cap or len(self.res) > self.out_cap:
            facts["output_exceeded"] = True
        result = compact(facts)
        self.results.append(result)
        return result

    def run(self) -> tuple[list[dict], str]:
        s = self.standby
        for fd in (s.out_r, s.err_r, s.res_r):
            os.set_blocking(fd, False)
        pidfd = os.pidfd_open(s.pid)
        poller = select.poll()
        for fd in (s.out_r, s.err_r, s.res_r, pidfd):
            poller.register(fd, select.POLLIN)
        # The harness's end of the channel: only its hang-up is asked for (no order comes during a batch). A harness
        # killed mid-batch would otherwise leave this worker running the batch's every remaining test.
        channel = self.worker.channel.rfd
        poller.register(channel, 0)
        live = {s.out_r, s.err_r, s.res_r}
        flags = {"timed_out": False, "cpu_exceeded": False, "output_exceeded": False, "memory_exceeded": False}
        exited = done = False
        next_check = time.monotonic() + 0.02
        try:
            while not (done or exited):
                now = time.monotonic()
                if now >= self.deadline:
                    flags["timed_out"] = True
                    break
                before = self.got  # bytes read (the buffers' lengths fall when stderr's head is dropped)
                for fd, _ in poller.poll(min(self.deadline - now, 0.05) * 1000):
                    if fd == pidfd:
                        exited = True
                    elif fd == channel:
                        self._stop()
                        raise HarnessGone
                    elif fd in live and not self._pump(fd):
                        poller.unregister(fd)
                        live.discard(fd)
                if not exited and self.index + 1 < len(self.tests) and \
                        self.got - before < BIG_READ:
                    time.sleep(NAP_S)
                    for fd in tuple(live):
                        if not self._pump(fd):
                            poller.unregister(fd)
                            live.discard(fd)
                if exited:  # what it wrote before it died is in the pipes
                    for fd in (s.out_r, s.err_r, s.res_r):
                        self._pump(fd)
                done = self._lines()
                if done:
                    break
                if len(self.out) > self.out_cap or len(self.res) > self.out_cap:
                    flags["output_exceeded"] = True
                    break
                if not exited and now >= next_check:
                    next_check = now + 0.02
                    cgroup = s.cgroup
                    if cgroup is not None and cgroup.oom_kills() > self.oom_at:
                        flags["memory_exceeded"] = True
                        break
                    if self._cpu() > self.cpu_limit:
                        self._pump(s.res_r)  # a test that ended since the last look is not the one to blame
                        done = self._lines()
                        if done or self._cpu() <= self.cpu_limit:
                            continue
                        flags["cpu_exceeded"] = True
                        break
            return self._end(done, flags)
        finally:
            os.close(pidfd)
            if self.children_fd >= 0:
                os.close(self.children_fd)

    def _stop(self) -> tuple[int, "os.struct_rusage"]:
        """Kill the child and everything it left: its exit status and usage."""
        s = self.standby
        try:
            os.killpg(s.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            os.kill(s.pid, signal.SIGKILL)
        _, status, usage = os.wait4(s.pid, 0)
        keep = self.worker.standby.pid if self.worker.standby else None
        kill_everything(keep=keep)
        if s.cgroup is not None:
            s.cgroup.kill_all()
        return status, usage

    def _end(self, done: bool, flags: dict) -> tuple[list[dict], str]:
        """Kill the child and everything it left; if a test was still running, its result from how it ended."""
        s = self.standby
        status, usage = self._stop()
        if done and self.pending is None:
            return self.results, ""  # a test it had begun since runs again in a fresh child
        self.seen = {}  # the counters as they are now, after its end
        drain_until = time.monotonic() + 1.0
        while time.monotonic() < drain_until and not flags["output_exceeded"]:
            if not any([self._pump(fd) for fd in (s.out_r, s.err_r, s.res_r)]):
                break
            time.sleep(0.001)
        killed = any(flags.values())
        # A test with a marker-less end (``pending``) and no broken limit ended as that line says; otherwise the lines
        # read since may hold its end.
        if (self.pending is None or killed) and self._lines():  # it did end its test before it was stopped
            return self.results, ""
        if self.pending is not None and not killed:
            self._end_result(self.pending, bytes(self.out), bytes(self.err))
            return self.results, ""
        if not self.ready and self.infra:
            return self.results, self.infra  # set-up failed: the program never ran
        cpu = self._cpu() if s.cgroup is not None else max(0.0, usage.ru_utime + usage.ru_stime - self.cpu_at)
        memory = flags["memory_exceeded"] or (s.cgroup is not None and s.cgroup.oom_kills() > self.oom_at)
        # The cgroup's peak is its whole life's: a later test's own is the process's peak since its reset.
        own = bool(self.results) and not memory
        peak = (s.cgroup.peak_bytes() // 1024 if s.cgroup is not None and not own else 0) or usage.ru_maxrss
        self._record(bytes(self.out), bytes(self.err), exit_code=None if killed or not os.WIFEXITED(status) else os.WEXITSTATUS(status),
                     signal=signal.SIGKILL.value if killed else (os.WTERMSIG(status) if os.WIFSIGNALED(status) else None),
                     timed_out=flags["timed_out"], cpu_exceeded=flags["cpu_exceeded"] or cpu > self.cpu_limit,
                     output_exceeded=flags["output_exceeded"], memory_exceeded=memory, cpu_s=cpu, max_rss_kb=peak)
        return self.results, ""
