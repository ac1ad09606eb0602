"""The Docker backend: warm containers driving the same fork-per-test worker over one attached stream.

A ``docker exec`` per test costs 60-100 ms and ``docker run`` about 350 ms, so each container runs
the worker for many tests and the harness talks to it through the container's attached stdin and
stdout (Docker's multiplexed stream, de-framed here). Containers run with no network, a read-only
root, a tmpfs /tmp capped in bytes and inodes, memory equal to memory+swap, a pids limit, a CPU
limit, ``no-new-privileges`` and ``--init``. All capabilities are dropped but the four the worker
needs to hand each test to an unprivileged uid and to clean up after it (SETUID, SETGID, KILL,
DAC_OVERRIDE + FOWNER + CHOWN for the scratch directory); programs themselves run as that uid with
none. Containers carry the run's labels, are recycled after a number of runs, removed on close, and
reaped by label at the next start after a crash. gVisor (``runsc``) is used when the daemon has it.
"""

from __future__ import annotations

import logging
import os
import socket
import struct
import uuid
from dataclasses import dataclass, replace

from .docker_image import PYTHON, SECCOMP_IN_IMAGE, WORKER_DIR, build_image
from .kernel_report import kernel_info, kernel_warnings
from .pool import FramedWorker, SandboxStartError, WorkerDied, WorkerPool
from .protocol import SandboxInfo

log = logging.getLogger(__name__)
LABEL = "sstar.sandbox"
CHILD_UID = 65000
# SYS_ADMIN is the worker's, for what it does per test: a fresh IPC namespace and a cgroup hierarchy of
# its own (mounted under a root-only directory). Programs never hold it: they run as CHILD_UID with no
# capabilities, no_new_privs, Docker's seccomp profile and the worker's own filter, which refuses mount,
# unshare, setns, keyrings, ptrace, bpf and the rest.
CAPABILITIES = ["SETUID", "SETGID", "KILL", "CHOWN", "DAC_OVERRIDE", "FOWNER", "SYS_ADMIN"]
CGROUP_MOUNT = "/tmp/.sstar-cgroup"


@dataclass(frozen=True)
class DockerSandboxConfig:
    """Settings of the Docker backend."""

    workers: int = 0
    """Containers, i.e. tests running at once; 0 means one per CPU core."""
    base_url: str = ""
    """Docker daemon; default ``DOCKER_HOST`` or the local socket."""
    memory_mb: int = 2048
    """Memory (and memory+swap) of each container: room for the worker and one test's limit."""
    cpus: float = 1.0
    pids: int = 512
    scratch_mb: int = 256
    scratch_inodes: int = 20_000
    recycle_after: int = 1000
    """Runs before a container is replaced by a fresh one."""
    runtime: str = "auto"
    """``auto`` (gVisor's runsc when the daemon has it), ``runc``, ``runsc``."""
    isolate_tests: bool = False
    """Every test in a process of its own (fork per test). Default: a program's tests run in sequence in one
    confined process (compiled once), each with its own input, output, accounting and verdict; a test that
    times out, crashes, runs out of memory or leaves state behind is followed by a fresh process."""


def _client(base_url: str):
    try:
        import docker
    except ImportError as exc:
        raise SandboxStartError("the Docker backend needs the docker package: pip install 'sstar[docker]'") from exc
    try:
        client = docker.DockerClient(base_url=base_url) if base_url else docker.from_env()
        client.ping()
    except Exception as exc:  # noqa: BLE001 - no daemon, no permission, wrong URL: one clear line
        where = base_url or os.environ.get("DOCKER_HOST") or "the default socket"
        raise SandboxStartError(f"cannot reach the Docker daemon at {where} ({type(exc).__name__}); start dockerd "
                                "or use --sandbox local") from None
    return client


class _ContainerWorker(FramedWorker):
    """One container; the channel is its attached stdin and (de-multiplexed) stdout."""

    def __init__(self, container, index: int) -> None:
        self.container, self.index = container, index
        self.runs = 0
        response = container.client.api.attach_socket(container.id, params={"stdin": 1, "stdout": 1, "stderr": 1,
                                                                            "stream": 1})
        self._response = response
        self.sock: socket.socket = getattr(response, "_sock", response)
        self._pending = b""  # stdout bytes already de-framed
        self._frame_left = 0
        self._frame_stream = 1
        self._stderr = b""
        container.start()
        self.greet()

    def _write(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _recv_exact(self, n: int, timeout: float) -> bytes:
        self.sock.settimeout(timeout)
        chunks, got = [], 0
        try:
            while got < n:
                chunk = self.sock.recv(n - got)
                if not chunk:
                    return b""
                chunks.append(chunk)
                got += len(chunk)
        except socket.timeout:
            raise WorkerDied(f"container worker {self.index} did not answer in time") from None
        except OSError as exc:
            raise WorkerDied(f"container worker {self.index}: {exc}") from None
        return b"".join(chunks)

    def _read_some(self, n: int, timeout: float) -> bytes:
        while True:
            if self._frame_left == 0:
                header = self._recv_exact(8, timeout)
                if len(header) < 8:
                    return b""
                self._frame_stream, self._frame_left = header[0], struct.unpack(">I", header[4:])[0]
                continue
            data = self._recv_exact(min(n, self._frame_left) if self._frame_stream == 1 else self._frame_left, timeout)
            if not data:
                return b""
            self._frame_left -= len(data)
            if self._frame_stream == 1:
                return data
            self._stderr = (self._stderr + data)[-4000:]  # the worker's own traceback, if it dies

    def describe_exit(self) -> str:
        try:
            self.container.reload()
            state = self.container.attrs.get("State", {})
            why = "killed for memory (OOM)" if state.get("OOMKilled") else f"status {state.get('Status')}"
        except Exception:  # noqa: BLE001 - the daemon itself may be gone
            why = "the Docker daemon did not answer"
        tail = self._stderr.decode("utf-8", "replace").strip()[-500:]
        return f"container {why}" + (f": {tail}" if tail else "")

    def kill(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
        try:
            self.container.remove(force=True)
        except Exception as exc:  # noqa: BLE001 - already gone, or the daemon is: nothing left to do here
            log.debug("removing container %s: %s", self.container.id[:12], exc)


class DockerSandbox(WorkerPool):
    """A pool of warm containers, each running the sandbox worker. Thread-safe."""

    backend = "docker"

    def __init__(self, config: DockerSandboxConfig | None = None, **overrides) -> None:
        base = config or DockerSandboxConfig()
        self.config = replace(base, **overrides)
        super().__init__(self.config.workers or os.cpu_count() or 1)
        self.isolate_tests = self.config.isolate_tests
        self.recycle_after = self.config.recycle_after
        self.run_id = uuid.uuid4().hex[:12]
        self._client_obj = None
        self._image = ""
        self._runtime = None

    def _client(self):
        if self._client_obj is None:
            client = _client(self.config.base_url)
            self._reap(client)
            try:
                self._image = build_image(client)
            except Exception as exc:  # noqa: BLE001 - ImageError or a daemon refusing the import
                raise SandboxStartError(f"cannot build the sandbox image: {exc}") from None
            runtimes = client.info().get("Runtimes", {})
            wanted = self.config.runtime
            if wanted == "auto":
                self._runtime = "runsc" if "runsc" in runtimes else None
            elif wanted != "runc":
                if wanted not in runtimes:
                    raise SandboxStartError(f"the Docker daemon has no runtime {wanted!r} (it has {', '.join(runtimes)})")
                self._runtime = wanted
            self._client_obj = client
        return self._client_obj

    @staticmethod
    def _reap(client) -> None:
        """Containers left by a harness that died: labelled, and their process is gone."""
        for container in client.containers.list(all=True, filters={"label": LABEL}):
            pid = int(container.labels.get("sstar.pid", "0") or 0)
            try:
                os.kill(pid, 0)
                alive = pid > 0
            except OSError:
                alive = False
            if not alive:
                log.info("removing container %s left by a crashed run", container.id[:12])
                container.remove(force=True)

    def _spawn(self) -> _ContainerWorker:
        index = self._next_index
        self._next_index += 1
        client = self._client()
        c = self.config
        try:
            # detach=False is what makes the daemon close the worker's stdin when this process's attachment ends
            # (``StdinOnce``; the SDK takes no such option): a harness killed mid-batch then stops its containers'
            # work instead of leaving them running every remaining test. The next run removes them by their labels.
            container = client.containers.create(
                self._image,
                [PYTHON, "-I", "-B", f"{WORKER_DIR}/worker.py", "--root=/tmp/sstar", f"--child-uid={CHILD_UID}",
                 "--shm", f"--seccomp={SECCOMP_IN_IMAGE}", f"--cgroup-name=sstar-{self.run_id}-{index}",
                 f"--cgroup-mount={CGROUP_MOUNT}"],
                stdin_open=True, tty=False, detach=False, network_mode="none", read_only=True, init=True,
                tmpfs={"/tmp": f"rw,size={c.scratch_mb}m,nr_inodes={c.scratch_inodes},mode=1777"},
                shm_size="64m", mem_limit=f"{c.memory_mb}m", memswap_limit=f"{c.memory_mb}m", pids_limit=c.pids,
                nano_cpus=int(c.cpus * 1e9), cap_drop=["ALL"], cap_add=CAPABILITIES,
                security_opt=["no-new-privileges"], runtime=self._runtime, environment={"LANG": "C.UTF-8"},
                labels={LABEL: "1", "sstar.pid": str(os.getpid()), "sstar.run": self.run_id},
            )
        except Exception as exc:  # noqa: BLE001 - the daemon refused: an infrastructure failure
            raise SandboxStartError(f"cannot start a sandbox container: {exc}") from None
        try:
            return _ContainerWorker(container, index)
        except (WorkerDied, OSError) as exc:
            try:
                container.remove(force=True)
            except Exception:  # noqa: BLE001
                pass
            raise SandboxStartError(f"the sandbox container did not start its worker: {exc}") from None

    def close(self) -> None:
        super().close()
        if self._client_obj is not None:
            for container in self._client_obj.containers.list(all=True, filters={"label": f"sstar.run={self.run_id}"}):
                container.remove(force=True)  # any a dying test left behind
            self._client_obj.close()
            self._client_obj = None

    def info(self) -> SandboxInfo:
        self.start()
        hello = self._idle.queue[0].hello if self._idle.queue else {}
        return SandboxInfo(backend=self.backend, isolation=f"docker ({self._runtime or 'runc'})", workers=self.size,
                           uid_drop=True, network_isolated=True, filesystem_readonly=True,
                           warnings=tuple(kernel_warnings(hello)), **kernel_info(hello))
