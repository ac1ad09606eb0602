"""The worker's side of a program's batch of tests (see ``_sstar_batch``): one confined child at a
time, each test handed over, watched (wall clock, the cgroup's CPU and OOM kills, output size) and
cut out of the shared output pipes; a test that ends its child is followed by a fresh one."""

from __future__ import annotations

import base64
import errno
import json
import os
import select
import signal
import time

import wire
from _sstar_os import cpu_seconds, kill_everything

STDERR_KEEP = 8192


def failed(result: dict) -> bool:
    """A run that did not end cleanly, so no judge accepts it (what stops a batch asked to stop after the first
    failure)."""
    return bool(result.get("infra") or result.get("exit_code") != 0 or result.get("signal") is not None
                or result.get("timed_out") or result.get("cpu_exceeded") or result.get("output_exceeded")
                or result.get("memory_exceeded"))


def run_batch(worker, msg: dict) -> dict:
    tests, results = msg["tests"], []
    stop = bool(msg.get("stop_after_failure"))
    while len(results) < len(tests):
        got, infra = _one_child(worker, msg, len(results))
        results += got
        if infra:
            return {"type": wire.BATCH_RESULT, "results": results, "infra": infra, "retire": True}
        if stop and results and failed(results[-1]):
            break
    return {"type": wire.BATCH_RESULT, "results": results}


def _one_child(worker, msg: dict, first: int) -> tuple[list[dict], str]:
    """Run tests from ``first`` on in one fresh child until it ends; their results, or an infra failure."""
    limits, tests = msg["limits"], msg["tests"]
    standby, worker.standby = worker.standby, None
    if standby is not None and not standby.alive():
        standby.close()
        worker.kernel.done(standby.cgroup)
        return [], "a test process died while it was being confined"
    if standby is None:
        standby = worker._fork_standby()
    try:
        worker.scratch.reset(owner=standby.uid)
        if worker.shm is not None:
            worker.shm.reset()
    except OSError as exc:
        standby.close()
        return [], f"scratch reset failed: {exc}"
    worker.write_stdin(tests[first].get("stdin", ""))
    cgroup = standby.cgroup
    if cgroup is not None:
        try:
            cgroup.set_limits(int(limits["memory_mb"]) * 1024 * 1024 + worker.base_rss, int(limits["nproc"]))
        except OSError as exc:
            standby.close()
            worker.kernel.done(cgroup)
            if exc.errno == errno.EBUSY:  # the limit is below what the process holds before the program
                return [_result(memory_exceeded=True, max_rss_kb=cgroup.peak_bytes() // 1024, signal=9,
                                exit_code=None)], ""
            return [], f"cannot set the test's cgroup limits: {exc}"
    header = json.dumps({"mode": msg.get("mode"), "func_name": msg.get("func_name"), "limits": limits,
                         "batch": True, "index": first, "args": tests[first].get("args", [])}).encode()
    start = time.monotonic()
    if not standby.go(header, msg["code"].encode("utf-8", "surrogatepass"), keep_open=True):
        worker.kernel.done(cgroup)
        return [], "the test process died before its test was handed over"
    worker.kernel.tidy()
    worker.standby = worker._fork_standby()
    try:
        return _Watch(worker, standby, msg, first, start).run()
    finally:
        standby.close()
        worker.kernel.done(cgroup)


def _result(**facts) -> dict:
    base = {"type": wire.RESULT, "exit_code": 0, "signal": None, "timed_out": False, "cpu_exceeded": False,
            "output_exceeded": False, "memory_exceeded": False, "cpu_s": 0.0, "wall_s": 0.0, "max_rss_kb": 0,
            "stdout_b64": "", "stderr": "", "exception": None, "result": None}
    base.update(facts)
    return base


class _Watch:
    """One child's tests, from hand-over to its end."""

    def __init__(self, worker, standby, msg: dict, first: int, start: float) -> None:
        self.worker, self.standby, self.msg = worker, standby, msg
        self.tests, limits = msg["tests"], msg["limits"]
        self.out_cap, self.cpu_limit, self.wall = int(limits["output_bytes"]), float(limits["cpu_s"]), float(limits["wall_s"])
        self.stop = bool(msg.get("stop_after_failure"))
        self.index, self.results = first, []
        self.out, self.err, self.res = bytearray(), bytearray(), bytearray()
        self.report: dict = {}
        self.infra = ""
        self.ready = False
        self._begin(start)

    def _begin(self, now: float) -> None:
        cgroup = self.standby.cgroup
        self.started, self.deadline = now, now + self.wall
        self.cpu_at = cgroup.cpu_seconds() if cgroup is not None else cpu_seconds(self.standby.pid)
        self.oom_at = cgroup.oom_kills() if cgroup is not None else 0

    def _cpu(self) -> float:
        cgroup = self.standby.cgroup
        return (cgroup.cpu_seconds() if cgroup is not None else cpu_seconds(self.standby.pid)) - self.cpu_at

    def _pump(self, fd: int) -> bool:
        """Read what the pipe holds now; False at its end."""
        buf = {self.standby.out_r: self.out, self.standby.err_r: self.err, self.standby.res_r: self.res}[fd]
        while True:
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                return True
            if not data:
                return False
            buf += data
            if fd == self.standby.err_r and len(buf) > (1 << 20):
                del buf[: len(buf) - STDERR_KEEP]  # keep the tail: tracebacks end there
            if len(buf) > self.out_cap + 65536:
                return True  # over the cap: the caller stops the test

    def _lines(self) -> bool:
        """Handle the complete lines on the result pipe; True when this child is done."""
        while True:
            cut = self.res.find(b"\n")
            if cut < 0:
                return False
            line = bytes(self.res[:cut])
            del self.res[: cut + 1]
            try:
                item = json.loads(line) if line.strip() else None
            except (ValueError, UnicodeDecodeError):
                item = None  # a program may scribble on its own result pipe; it only hurts itself
            if not isinstance(item, dict):
                continue
            if "ready" in item:
                self.ready = True
            elif "infra" in item and not self.ready:
                self.infra = str(item["infra"])
            elif item.get("end") == self.index and "exit" in item:
                if self._finish(item):
                    return True
            elif "start" not in item:
                self.report.update({k: v for k, v in item.items() if k in ("result", "exception")})

    def _finish(self, end: dict) -> bool:
        """The child reported the end of its test: record it; hand over the next one. True: child done."""
        s = self.standby
        for fd in (s.out_r, s.err_r):
            self._pump(fd)  # the child is waiting: all of this test's output is in the pipes
        cgroup = s.cgroup
        memory = cgroup is not None and cgroup.oom_kills() > self.oom_at
        cpu = max(float(end.get("cpu") or 0.0), self._cpu())
        status = end.get("exit")
        result = self._record(exit_code=status if isinstance(status, int) else 1, cpu_s=cpu, memory_exceeded=memory,
                              max_rss_kb=int(end.get("rss_kb") or 0), cpu_exceeded=cpu > self.cpu_limit)
        if end.get("retire") or memory or result["output_exceeded"] or self.index + 1 >= len(self.tests) \
                or (self.stop and failed(result)):  # (output over the cap may still be in the pipe)
            return True
        if cgroup is not None and int(cgroup._pread("pids") or b"0") > 1:
            return True  # a process of the test outlived it, outside the child's own view
        self.index += 1
        self.worker.write_stdin(self.tests[self.index].get("stdin", ""))
        header = json.dumps({"index": self.index, "args": self.tests[self.index].get("args", [])}).encode()
        if not s.order(header):
            return True
        self._begin(time.monotonic())
        return False

    def _record(self, **facts) -> dict:
        result = _result(wall_s=round(time.monotonic() - self.started, 6),
                         stdout_b64=base64.b64encode(bytes(self.out[: self.out_cap])).decode(),
                         stderr=bytes(self.err[-STDERR_KEEP:]).decode("utf-8", "replace"),
                         exception=self.report.get("exception"), result=self.report.get("result"), **facts)
        result["cpu_s"] = round(result["cpu_s"], 6)
        if len(self.out) > self.out_cap or len(self.res) > self.out_cap:
            result["output_exceeded"] = True
        self.results.append(result)
        self.out, self.err, self.report = bytearray(), bytearray(), {}
        return result

    def run(self) -> tuple[list[dict], str]:
        s = self.standby
        for fd in (s.out_r, s.err_r, s.res_r):
            os.set_blocking(fd, False)
        pidfd = os.pidfd_open(s.pid)
        poller = select.poll()
        for fd in (s.out_r, s.err_r, s.res_r, pidfd):
            poller.register(fd, select.POLLIN)
        flags = {"timed_out": False, "cpu_exceeded": False, "output_exceeded": False, "memory_exceeded": False}
        exited = done = False
        next_check = time.monotonic() + 0.02
        try:
            while not (done or exited):
                now = time.monotonic()
                if now >= self.deadline:
                    flags["timed_out"] = True
                    break
                for fd, _ in poller.poll(min(self.deadline - now, 0.05) * 1000):
                    if fd == pidfd:
                        exited = True
                    elif not self._pump(fd):
                        poller.unregister(fd)
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
                        flags["cpu_exceeded"] = True
                        break
            return self._end(done, flags)
        finally:
            os.close(pidfd)

    def _end(self, done: bool, flags: dict) -> tuple[list[dict], str]:
        """Kill the child and everything it left; if a test was still running, its result from how it ended."""
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
        if done:
            return self.results, ""
        drain_until = time.monotonic() + 1.0
        while time.monotonic() < drain_until and not flags["output_exceeded"]:
            if not any([self._pump(fd) for fd in (s.out_r, s.err_r, s.res_r)]):
                break
            time.sleep(0.001)
        if self._lines():  # it did end its test before it was stopped
            return self.results, ""
        if not self.ready and self.infra:
            return self.results, self.infra  # set-up failed: the program never ran
        killed = any(flags.values())
        cpu = self._cpu() if s.cgroup is not None else max(0.0, usage.ru_utime + usage.ru_stime - self.cpu_at)
        peak = (s.cgroup.peak_bytes() // 1024 if s.cgroup is not None else 0) or usage.ru_maxrss
        memory = flags["memory_exceeded"] or (s.cgroup is not None and s.cgroup.oom_kills() > self.oom_at)
        self._record(exit_code=None if killed or not os.WIFEXITED(status) else os.WEXITSTATUS(status),
                     signal=signal.SIGKILL.value if killed else (os.WTERMSIG(status) if os.WIFSIGNALED(status) else None),
                     timed_out=flags["timed_out"], cpu_exceeded=flags["cpu_exceeded"] or cpu > self.cpu_limit,
                     output_exceeded=flags["output_exceeded"], memory_exceeded=memory, cpu_s=cpu, max_rss_kb=peak)
        return self.results, ""
