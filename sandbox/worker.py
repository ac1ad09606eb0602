"""The sandbox worker: a warm Python process that forks once per test.

It runs *inside* the isolation layer (bubblewrap, unshare, or a container) and
uses the standard library only, because it is started with the base
interpreter in isolated mode (``python -I``), not the harness's virtualenv.

Protocol: length-prefixed JSON frames (4-byte big-endian length, then UTF-8
JSON) on the worker's original stdin/stdout.  Those two descriptors are moved
to high numbers at start-up and fds 0/1 are pointed at /dev/null, so nothing
the worker or a program prints can corrupt the stream, and the forked child
closes them before it runs any untrusted code.  Results travel back on this
channel only; nothing is parsed from a program's stdout.  Expected outputs
never reach this process: it returns raw facts (exit status, CPU time,
output bytes, the functional return value) and the harness grades them.
"""

from __future__ import annotations

import base64
import json
import marshal
import os
import select
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves our own folder off the path

from _sstar_child import CTL_FD, EXTRA_PRELOAD, Standby, install_prelude, prepare, read_order, start  # noqa: E402
from _sstar_os import (PR_SET_CHILD_SUBREAPER, Channel, Scratch, cpu_seconds, kill_everything,  # noqa: E402
                       prctl, uid_can_run_python)

STDERR_KEEP = 8192


class Worker:
    def __init__(self, channel: Channel, options: dict) -> None:
        self.channel = channel
        self.root = options["root"]
        self.child_uid = options["child_uid"] if os.getuid() == 0 else None
        self.fatal = ""
        if self.child_uid is not None and not uid_can_run_python(self.child_uid):
            # Never fall back to running untrusted programs as root.
            self.fatal = (f"an unprivileged uid cannot read the interpreter's standard library "
                          f"({os.path.dirname(os.__file__)}) and programs must not run as root: install bubblewrap, "
                          f"or choose an interpreter any user can read (LocalSandboxConfig.python)")
        tmpfs = options["tmpfs"] and os.getuid() == 0
        self.scratch = Scratch(os.path.join(self.root, "work"), options["scratch_mb"], options["scratch_inodes"],
                               self.child_uid, 0o700, tmpfs)
        # POSIX semaphores (multiprocessing locks) live in /dev/shm: a private, capped one per worker.
        # (In a container, /dev/shm is the container's own: it is emptied between tests instead.)
        own_shm = options["shm"] and os.path.isdir("/dev/shm")
        self.shm = Scratch("/dev/shm", 64, 1024, None, 0o1777, tmpfs) if (tmpfs or own_shm) else None
        self.compiled: dict[str, object] = {}
        install_prelude()
        # The program's environment, set once here rather than after every fork.
        os.environ.clear()
        os.environ.update({"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": self.scratch.path,
                           "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
        for name in EXTRA_PRELOAD:
            __import__(name)
        if os.getpid() != 1:
            prctl(PR_SET_CHILD_SUBREAPER, 1)
        self.base_vm = self._vm_size()
        self.stdin_path = os.path.join(self.root, "stdin")
        self.standby: Standby | None = None
        self.parity = 0
        import gc

        gc.freeze()  # keep the collector off the worker's own objects: fewer copy-on-write faults per fork

    @staticmethod
    def _vm_size() -> int:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
        return 0

    def hello(self) -> dict:
        return {
            "type": "ready",
            "pid": os.getpid(),
            "uid": os.getuid(),
            "child_uid": self.child_uid,
            "tmpfs_scratch": self.scratch.tmpfs,
            "python": sys.version.split()[0],
            "pid1": os.getpid() == 1,
            **({"fatal": self.fatal} if self.fatal else {}),
        }

    def serve(self) -> None:
        self.channel.send(self.hello())
        if self.fatal:
            return
        while True:
            try:
                msg = self.channel.recv()
            except EOFError:
                return
            op = msg.get("op")
            if op == "exit":
                if self.standby:
                    self.standby.close()
                return
            if op == "ping":
                self.channel.send({"type": "pong"})
                continue
            try:
                reply = self.run(msg)
            except Exception as exc:  # the sandbox failed, not the program
                reply = {"type": "result", "infra": f"{type(exc).__name__}: {exc}"}
            reply["id"] = msg.get("id")
            self.channel.send(reply)

    def _compile(self, code: str):
        obj = self.compiled.get(code)
        if obj is None:
            obj = compile(code, "<solution>", "exec")
            if len(self.compiled) > 64:
                self.compiled.clear()
            self.compiled[code] = obj
        return obj

    def run(self, msg: dict) -> dict:
        limits = msg["limits"]
        try:
            code_obj = self._compile(msg["code"])
        except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
            return {"type": "result", "exit_code": 1, "signal": None, "cpu_s": 0.0, "wall_s": 0.0,
                    "max_rss_kb": 0, "stdout_b64": "", "stderr": f"{type(exc).__name__}: {exc}\n",
                    "exception": type(exc).__name__, "result": None, "timed_out": False,
                    "cpu_exceeded": False, "output_exceeded": False}
        standby, self.standby = self.standby, None
        if standby is None or not standby.alive():
            standby = self._fork_standby()
        try:
            self.scratch.reset(owner=standby.uid)
            if self.shm is not None:
                self.shm.reset()
        except OSError as exc:
            self.standby = standby
            return {"type": "result", "infra": f"scratch reset failed: {exc}"}
        stdin_path = self.stdin_path
        try:
            os.unlink(stdin_path)
        except FileNotFoundError:
            pass
        fd = os.open(stdin_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        try:
            data = memoryview(msg.get("stdin", "").encode())
            while data:
                data = data[os.write(fd, data):]
        finally:
            os.close(fd)
        header = json.dumps({k: msg.get(k) for k in ("mode", "args", "func_name", "limits")}).encode()
        body = marshal.dumps(code_obj)
        start = time.monotonic()
        if not standby.go(header, body):
            return {"type": "result", "infra": "the test process died before its test was handed over"}
        # Fork the next test's process now, while this one runs: the fork (~1.4 ms
        # here) leaves the critical path of the next test.
        self.standby = self._fork_standby()
        try:
            return self._supervise(standby.pid, start, limits, standby.out_r, standby.err_r, standby.res_r)
        finally:
            standby.close()

    def _fork_standby(self) -> "Standby":
        """A child forked ahead of time, already confined; it waits for its test on a pipe.

        Consecutive tests alternate between two uids, so that a test's processes
        (until they are swept after it) can neither signal nor trace the
        process that will run the next test.
        """
        self.parity ^= 1
        uid = None if self.child_uid is None else self.child_uid + 32 * self.parity
        ctl_r, ctl_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        res_r, res_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            try:
                prepare(uid, ctl_r, out_w, err_w, res_w)
                order = read_order(CTL_FD)
                if order is None:  # the worker is shutting down
                    os._exit(0)
                os.close(CTL_FD)
                msg, code_obj = order
                start(msg, code_obj, self.stdin_path, self.scratch.path, self.base_vm)
            except BaseException as exc:  # noqa: BLE001 - set-up failed before the program ran
                try:
                    os.write(3, json.dumps({"infra": f"child set-up: {type(exc).__name__}: {exc}"}).encode())
                finally:
                    os._exit(70)
            os._exit(70)
        for fd in (ctl_r, out_w, err_w, res_w):
            os.close(fd)
        return Standby(pid, uid, ctl_w, out_r, err_r, res_r)

    # -- the parent side -------------------------------------------------
    def _supervise(self, pid: int, start: float, limits: dict, out_r: int, err_r: int, res_r: int) -> dict:
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
        timed_out = cpu_exceeded = output_exceeded = False
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
                if cpu_seconds(pid) > cpu_limit:
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
        kill_everything(keep=self.standby.pid if self.standby else None)
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
        return {
            "type": "result",
            "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            "timed_out": timed_out,
            "cpu_exceeded": cpu_exceeded or cpu > cpu_limit,
            "output_exceeded": output_exceeded,
            "cpu_s": round(cpu, 6),
            "wall_s": round(wall, 6),
            "max_rss_kb": usage.ru_maxrss,
            "stdout_b64": base64.b64encode(bytes(bufs[out_r][:out_cap])).decode(),
            "stderr": bytes(bufs[err_r][-STDERR_KEEP:]).decode("utf-8", "replace"),
            "exception": report.get("exception"),
            "result": report.get("result"),
            **({"infra": report["infra"]} if "infra" in report else {}),
        }

def main(argv: list[str]) -> None:
    options = {"child_uid": None, "scratch_mb": 256, "scratch_inodes": 20000, "root": "/tmp", "tmpfs": False,
               "shm": False}
    for arg in argv:
        key, _, value = arg.partition("=")
        if key == "--child-uid" and value:
            options["child_uid"] = int(value)
        elif key in ("--scratch-mb", "--scratch-inodes"):
            options[key[2:].replace("-", "_")] = int(value)
        elif key == "--root":
            options["root"] = value
        elif key in ("--tmpfs", "--shm"):
            options[key[2:]] = True
    rfd, wfd = os.dup(0), os.dup(1)
    for fd in (rfd, wfd):
        os.set_inheritable(fd, False)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    Worker(Channel(rfd, wfd), options).serve()


if __name__ == "__main__":
    main(sys.argv[1:])
