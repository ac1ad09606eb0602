"""The worker's side of a running test: collect its output, enforce its limits, clean up after it."""

from __future__ import annotations

import base64
import json
import os
import select
import signal
import time

from _sstar_os import cpu_seconds, kill_everything

STDERR_KEEP = 8192


def supervise(standby, start: float, limits: dict, keep: int | None) -> dict:
    """Watch one test to its end: its output, CPU, memory and wall clock; then clean up after it."""
    pid, out_r, err_r, res_r, cgroup = standby.pid, standby.out_r, standby.err_r, standby.res_r, standby.cgroup
    out_cap = int(limits["output_bytes"])
    bufs = {out_r: bytearray(), err_r: bytearray(), res_r: bytearray()}
    caps = {out_r: out_cap + 1, err_r: 1 << 20, res_r: out_cap + 1}
    pidfd = os.pidfd_open(pid)
    poller = select.poll()
    for fd in bufs:
        poller.register(fd, select.POLLIN)
    poller.register(pidfd, select.POLLIN)
    deadline = start + float(limits["wall_s"])
    cpu_limit = float(limits["cpu_s"])
    timed_out = cpu_exceeded = output_exceeded = memory_exceeded = False
    open_fds = set(bufs)
    next_cpu_check = start + 0.02

    def pump(fd: int) -> None:
        data = os.read(fd, 65536)
        if not data:
            poller.unregister(fd)
            open_fds.discard(fd)
            return
        buf = bufs[fd]
        if fd == err_r and len(buf) + len(data) > caps[fd]:
            del buf[: len(buf) + len(data) - STDERR_KEEP]  # keep the tail: tracebacks end there
        buf += data

    exited = False
    while not exited:
        now = time.monotonic()
        if now >= deadline:
            timed_out = True
            break
        for fd, _ in poller.poll(min(deadline - now, 0.05) * 1000):
            if fd == pidfd:
                exited = True
            else:
                pump(fd)
        if len(bufs[out_r]) > out_cap or len(bufs[res_r]) > out_cap:
            output_exceeded = True
            break
        if not exited and now >= next_cpu_check:
            next_cpu_check = now + 0.02
            if cgroup is not None:
                # The whole tree: children the program never waits for count too.
                if cgroup.oom_kills() > cgroup.base_oom:
                    memory_exceeded = True
                    break
                if cgroup.cpu_seconds() > cpu_limit:
                    cpu_exceeded = True
                    break
            elif cpu_seconds(pid) > cpu_limit:
                cpu_exceeded = True
                break
    if not exited:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    wall = time.monotonic() - start
    poller.unregister(pidfd)
    os.close(pidfd)
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    kill_everything(keep=keep)
    if cgroup is not None:
        cgroup.kill_all()  # anything that slipped out of our process tree is still in the cgroup
    # All writers are gone now: drain what is left in the pipes.
    drain_until = time.monotonic() + 1.0
    while open_fds and not output_exceeded and time.monotonic() < drain_until:
        for fd, _ in poller.poll(100):
            pump(fd)
        if len(bufs[out_r]) > out_cap or len(bufs[res_r]) > out_cap:
            output_exceeded = True
    lines = []
    for line in bytes(bufs[res_r][: out_cap + 64 * 1024]).split(b"\n"):
        try:
            item = json.loads(line) if line.strip() else None
        except (ValueError, UnicodeDecodeError):
            item = None  # a program may scribble on its own result pipe; it only hurts itself
        if isinstance(item, dict):
            lines.append(item)
    first = lines[0] if lines else {}
    ready = isinstance(first.get("ready"), float)
    report: dict = {}
    if ready:
        for item in lines[1:]:
            report.update({k: v for k, v in item.items() if k in ("result", "exception")})
    elif "infra" in first:
        report["infra"] = str(first["infra"])  # set-up failed: the program never ran
    base_cpu = first["ready"] if ready else 0.0
    cpu = max(0.0, usage.ru_utime + usage.ru_stime - base_cpu)
    peak_kb = usage.ru_maxrss
    if cgroup is not None:
        cpu = max(cpu, cgroup.cpu_seconds())
        memory_exceeded = memory_exceeded or cgroup.oom_kills() > cgroup.base_oom
        peak_kb = cgroup.peak_bytes() // 1024 or peak_kb
    return {
        "type": "result",
        "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "timed_out": timed_out,
        "cpu_exceeded": cpu_exceeded or cpu > cpu_limit,
        "output_exceeded": output_exceeded,
        "memory_exceeded": memory_exceeded,
        "cpu_s": round(cpu, 6),
        "wall_s": round(wall, 6),
        "max_rss_kb": peak_kb,
        "stdout_b64": base64.b64encode(bytes(bufs[out_r][:out_cap])).decode(),
        "stderr": bytes(bufs[err_r][-STDERR_KEEP:]).decode("utf-8", "replace"),
        "exception": report.get("exception"),
        "result": report.get("result"),
        **({"infra": report["infra"]} if "infra" in report else {}),
    }
