"""The sandbox worker: a warm Python process that forks once per test.

It runs *inside* the isolation layer (bubblewrap, unshare, or a container) and
uses the standard library only, because it is started with the base
interpreter in isolated mode (``python -I``), not the harness's virtualenv.

Protocol: the frames and messages of ``wire.py`` (next to this file) on the
worker's original stdin/stdout.  Those two descriptors are moved
to high numbers at start-up and fds 0/1 are pointed at /dev/null, so nothing
the worker or a program prints can corrupt the stream, and the forked child
closes them before it runs any untrusted code.  Results travel back on this
channel only; nothing is parsed from a program's stdout.  Expected outputs
never reach this process: it returns raw facts (exit status, CPU time,
output bytes, the functional return value) and the harness grades them.
"""

from __future__ import annotations

import errno
import json
import marshal
import os
import sys
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)  # -I leaves our own folder off the path; taken off again below

from _sstar_child import CTL_FD, KernelState, Standby, confine, read_order, start  # noqa: E402
from _sstar_prelude import EXTRA_PRELOAD, install_prelude  # noqa: E402
from _sstar_kernel import Kernel  # noqa: E402
from _sstar_strict import precompile  # noqa: E402
from _sstar_supervise import supervise  # noqa: E402
from _sstar_os import (PR_SET_CHILD_SUBREAPER, Channel, Scratch, _libc, kill_everything,  # noqa: E402
                       prctl, uid_can_run_python)
from _sstar_batch import serve_tests  # noqa: E402
from _sstar_views import prepare as prepare_fresh_state  # noqa: E402
from _sstar_batch_files import blank_result  # noqa: E402
from _sstar_batch_run import HarnessGone, run_batch  # noqa: E402
import wire  # noqa: E402

sys.path.remove(_HERE)  # a program imports from the standard library, never from the worker's folder

M_MMAP_THRESHOLD = -3



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
        self.kernel = Kernel(options)
        if self.kernel.fatal and not self.fatal:
            self.fatal = self.kernel.fatal
        install_prelude()
        # The program's environment, set once here rather than after every fork.
        os.environ.clear()
        os.environ.update({"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": self.scratch.path,
                           "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
        for name in EXTRA_PRELOAD:
            __import__(name)
        prepare_fresh_state()  # how a batch's process reads the builtins' version and random's position
        precompile()  # the functional results' check, compiled here once instead of in every test's process
        if os.getpid() != 1:
            prctl(PR_SET_CHILD_SUBREAPER, 1)
        self.base_vm = self._status("VmSize:")
        # The cgroup's memory limit is the program's allowance on top of all the worker's pages it could touch.
        self.base_rss = self._status("VmRSS:")
        self.stdin_path = os.path.join(self.root, "stdin")
        self.standby: Standby | None = None
        self.parity = 0
        import gc

        gc.freeze()  # keep the collector off the worker's own objects: fewer copy-on-write faults per fork

    @staticmethod
    def _status(key: str) -> int:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
        return 0

    def hello(self) -> dict:
        return {
            "type": wire.READY,
            "protocol": wire.PROTOCOL_VERSION,
            "pid": os.getpid(),
            "uid": os.getuid(),
            "child_uid": self.child_uid,
            "tmpfs_scratch": self.scratch.tmpfs,
            "python": sys.version.split()[0],
            "pid1": os.getpid() == 1,
            **self.kernel.describe(),
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
            if op == wire.OP_EXIT:
                return self.shut_down()
            try:
                reply = run_batch(self, msg) if op == wire.OP_BATCH else self.run(msg)
            except HarnessGone:
                return self.shut_down()
            except Exception as exc:  # the sandbox failed, not the program: never reuse this worker
                reply = {"type": "result", "infra": f"{type(exc).__name__}: {exc}", "retire": True}
            self.channel.send(reply)
            if reply.get("retire"):
                return  # the harness replaces a worker that cannot start its next test clean
            del msg, reply  # not kept alive while waiting for the next test: outputs and code can be large

    def shut_down(self) -> None:
        if self.standby:
            self.standby.close()
        kill_everything()
        self.kernel.close()

    def claim_standby(self, limits: dict) -> tuple["Standby | None", dict]:
        """The next test's process, ready for its hand-over: the pre-forked one (or a new one), a clean
        scratch directory owned by its uid, and its cgroup's limits written. Otherwise (None, why): a
        result (the memory limit is below what the process holds before the program: ``{"result": a
        memory limit}``) or ``{"infra": message}`` (the worker is unsound and retires)."""
        standby, self.standby = self.standby, None
        if standby is not None and not standby.alive():
            standby.close()
            self.kernel.done(standby.cgroup)
            # A test process that died before its test: its confinement failed, so this worker is unsound.
            return None, {"infra": "a test process died while it was being confined"}
        if standby is None:
            standby = self._fork_standby()
        cgroup = standby.cgroup
        try:
            self.scratch.reset(owner=standby.uid)
            if self.shm is not None:
                self.shm.reset()
        except OSError as exc:
            standby.close()
            self.kernel.done(cgroup)
            return None, {"infra": f"scratch reset failed: {exc}"}
        if cgroup is not None:
            try:
                cgroup.set_limits(int(limits["memory_mb"]) * 1024 * 1024 + self.base_rss, int(limits["nproc"]))
            except OSError as exc:
                standby.close()
                self.kernel.done(cgroup)
                if exc.errno == errno.EBUSY:
                    return None, {"result": blank_result(memory_exceeded=True, max_rss_kb=cgroup.peak_bytes() // 1024,
                                                         signal=9, exit_code=None)}
                return None, {"infra": f"cannot set the test's cgroup limits: {exc}"}
        return standby, {}

    def hand_over(self, standby: "Standby", header: bytes, body: bytes) -> float | None:
        """Start the claimed process on its order and fork the next test's while it runs; when it started,
        or None if it had died (its cgroup released)."""
        start = time.monotonic()
        if not standby.go(header, body):
            self.kernel.done(standby.cgroup)
            return None
        # Fork the next test's process now, while this one runs: the fork and its
        # confinement (cgroup, IPC namespace, keyring, uid, seccomp) leave the critical path of the next test.
        # Housekeeping while the test runs: earlier tests' cgroups go, the next one is made. Before the
        # fork: the new process's move into its cgroup holds the kernel's cgroup lock through an RCU grace
        # period, and a mkdir or rmdir of ours waiting on that lock would hold up noticing the test's end.
        self.kernel.tidy()
        self.standby = self._fork_standby()
        return start

    def run(self, msg: dict) -> dict:
        limits = msg["limits"]
        standby, failure = self.claim_standby(limits)
        if standby is None:
            return failure.get("result") or {"type": wire.RESULT, "infra": failure["infra"], "retire": True}
        self.write_stdin(msg.get("stdin", ""))
        header = marshal.dumps({k: msg.get(k) for k in ("mode", "args", "func_name", "limits")})  # (read_order)
        body = msg["code"].encode("utf-8", "surrogatepass")  # compiled by the test's process, under its limits
        start = self.hand_over(standby, header, body)
        if start is None:
            return {"type": wire.RESULT, "infra": "the test process died before its test was handed over", "retire": True}
        try:
            return supervise(standby, start, limits, keep=self.standby.pid if self.standby else None)
        finally:
            standby.close()
            self.kernel.done(standby.cgroup)

    def write_stdin(self, text: str) -> None:
        """The next test's input, in a fresh read-only file its process opens as its standard input."""
        try:
            os.unlink(self.stdin_path)
        except FileNotFoundError:
            pass
        fd = os.open(self.stdin_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        try:
            data = memoryview(text.encode("utf-8", "surrogatepass"))
            while data:
                data = data[os.write(fd, data):]
        finally:
            os.close(fd)

    def _fork_standby(self) -> "Standby":
        """A child forked ahead of time, already confined; it waits for its test on a pipe.

        Consecutive tests alternate between two uids, so that a test's processes
        (until they are swept after it) can neither signal nor trace the
        process that will run the next test.
        """
        self.parity ^= 1
        uid = None if self.child_uid is None else self.child_uid + 32 * self.parity
        cgroup = self.kernel.new_cgroup()
        state = KernelState(cgroup, self.kernel.new_ipc, self.kernel.keyctl_nr, self.kernel.filter)
        ctl_r, ctl_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        res_r, res_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            try:
                confine(uid, (ctl_r, out_w, err_w, res_w), state)
                msg = read_order(CTL_FD)
                if msg is None:  # the worker is shutting down
                    os._exit(0)
                os.close(CTL_FD)
                if msg.get("batch"):
                    serve_tests(msg, self.stdin_path, self.scratch.path, self.shm.path if self.shm else None,
                                self.base_vm)
                start(msg, self.stdin_path, self.scratch.path, self.base_vm)
            except BaseException as exc:  # noqa: BLE001 - set-up failed before the program ran
                try:
                    os.write(3, json.dumps({"infra": f"child set-up: {type(exc).__name__}: {exc}"}).encode())
                finally:
                    os._exit(70)
            os._exit(70)
        for fd in (ctl_r, out_w, err_w, res_w):
            os.close(fd)
        return Standby(pid, uid, ctl_w, out_r, err_r, res_r, cgroup)

def main(argv: list[str]) -> None:
    options = {"child_uid": None, "scratch_mb": 256, "scratch_inodes": 20000, "root": "/tmp", "tmpfs": False,
               "shm": False,
               "no_seccomp": False, "cgroup_name": "", "cgroup_mount": "", "seccomp": ""}
    for arg in argv:
        key, _, value = arg.partition("=")
        if key == "--child-uid" and value:
            options["child_uid"] = int(value)
        elif key in ("--scratch-mb", "--scratch-inodes"):
            options[key[2:].replace("-", "_")] = int(value)
        elif key == "--root":
            options["root"] = value
        elif key in ("--tmpfs", "--shm", "--no-seccomp"):
            options[key[2:].replace("-", "_")] = True
        elif key in ("--cgroup-name", "--cgroup-mount", "--seccomp"):
            options[key[2:].replace("-", "_")] = value
    # Large buffers (a test's input, code, output) always get their own mapping, given back when freed:
    # glibc's adaptive threshold would otherwise move them onto the heap, and the worker would keep
    # the high-water mark of the largest test it ever ran.
    _libc.mallopt(M_MMAP_THRESHOLD, 256 * 1024)
    rfd, wfd = os.dup(0), os.dup(1)
    for fd in (rfd, wfd):
        os.set_inheritable(fd, False)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    Worker(Channel(rfd, wfd), options).serve()


if __name__ == "__main__":
    main(sys.argv[1:])
