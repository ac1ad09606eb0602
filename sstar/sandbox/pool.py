"""What every worker-based sandbox shares: the pool and its retries (the framed channel: ``channel.py``).

A backend supplies ``_spawn`` (a started worker: a process here, a container
there) and ``info``; the pool admits as many tests at once as it has workers,
replaces a worker that dies and retries its test once, and turns a backend
that cannot start into ``infra_error`` results, never an exception.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

from . import batching
from .channel import READY_TIMEOUT_S, FramedWorker, WorkerDied  # noqa: F401 - importable from here, as before
from .guest import wire
from .kernel_report import kernel_info, kernel_warnings  # noqa: F401 - also importable from here, as before
from .protocol import ExecRequest, ExecResult, ExecStatus, SandboxInfo, to_result

log = logging.getLogger(__name__)


class SandboxStartError(RuntimeError):
    """No worker could be started: a problem with the machine, not with a program."""


class WorkerPool:
    """A thread-safe pool of workers; subclasses implement ``_spawn`` and ``info``."""

    backend = "pool"

    recycle_after: int | None = None
    """Replace a worker after this many runs (None: never)."""

    isolate_tests: bool = False
    """Every test in a process of its own (fork per test), never a program's tests in one process."""

    parallel_spawn: bool = False
    """``_spawn`` is thread-safe: ``warm_up`` starts the workers side by side (their start-ups overlap)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._idle: queue.LifoQueue = queue.LifoQueue()
        self._lock = threading.Lock()
        self._started = 0
        self._next_index = 0
        self._closed = False
        self._spawning = threading.Lock()  # one _spawn at a time: backends number and adopt workers in it
        self._warming: list[threading.Thread] = []

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        """Start one worker now (so start-up errors surface early); the rest start on demand. After
        ``warm_up``: waits for it, and raises what stopped it if no worker could start."""
        for thread in self._warming:
            thread.join()
        with self._lock:
            if self._started == 0:
                with self._spawn_guard():
                    self._idle.put(self._spawn())
                self._started = 1

    def warm_up(self, wait: bool = False) -> None:
        """Start every worker not started yet, in the background: start-up overlaps what the caller does next
        (reading its input, say); ``wait``: return once they are up. A worker that cannot start is left to
        the first test that needs it, which reports why."""
        threads = [threading.Thread(target=self._fill, name="sandbox-warm-up", daemon=True)
                   for _ in range(self.size if self.parallel_spawn else 1)]
        self._warming += threads
        for thread in threads:
            thread.start()
        if wait:
            for thread in threads:
                thread.join()

    def _spawn_guard(self):
        return contextlib.nullcontext() if self.parallel_spawn else self._spawning

    def _fill(self) -> None:
        while True:
            with self._lock:
                if self._closed or self._started >= self.size:
                    return
                self._started += 1
            try:
                with self._spawn_guard():
                    worker = self._spawn()
            except (SandboxStartError, WorkerDied, OSError) as exc:
                log.debug("sandbox warm-up stopped: %s", exc)
                with self._lock:
                    self._started -= 1
                return
            with self._lock:
                closed = self._closed
                if not closed:
                    self._idle.put(worker)
            if closed:
                worker.close()
                return

    def close(self) -> None:
        with self._lock:
            self._closed = True
        for thread in self._warming:
            thread.join()
        workers = []
        while True:
            try:
                workers.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for worker in workers:  # all told first: their clean-ups (standby, cgroups) overlap instead of queueing
            worker.request_exit()
        for worker in workers:
            worker.close()

    def _spawn(self) -> FramedWorker:
        raise NotImplementedError

    def info(self) -> SandboxInfo:
        raise NotImplementedError

    def free_workers(self) -> int:
        """Workers no caller holds now: idle ones, and those not started yet (started on demand)."""
        with self._lock:
            return self._idle.qsize() + max(0, self.size - self._started)

    def _acquire(self) -> FramedWorker:
        while True:
            with self._lock:
                if self._closed:
                    raise SandboxStartError("the sandbox is closed")
                try:
                    return self._idle.get_nowait()
                except queue.Empty:
                    pass
                if self._started < self.size:
                    self._started += 1
                    try:
                        with self._spawn_guard():
                            return self._spawn()
                    except SandboxStartError:
                        self._started -= 1
                        raise
            try:
                # Wakes as soon as a worker is released; the timeout only re-checks
                # whether a dead worker's slot can be refilled.
                return self._idle.get(timeout=0.5)
            except queue.Empty:
                continue

    def _release(self, worker: FramedWorker | None) -> None:
        if worker is None:
            with self._lock:
                self._started -= 1
            return
        worker.runs += 1
        if self._closed:
            worker.close()
        elif self.recycle_after and worker.runs >= self.recycle_after:
            worker.close()  # a fresh one is started on demand
            with self._lock:
                self._started -= 1
        else:
            self._idle.put(worker)

    # -- running ----------------------------------------------------------
    def run(self, request: ExecRequest) -> ExecResult:
        """Run one program; a dead worker is replaced and the test retried once."""
        last = ""
        for _attempt in range(2):
            try:
                worker = self._acquire()
            except SandboxStartError as exc:
                return ExecResult.infra(str(exc))
            try:
                reply = self._exchange(worker, request)
            except WorkerDied as exc:
                last = str(exc)
                log.warning("sandbox worker failed (%s); replacing it", exc)
                worker.kill()
                self._release(None)
                continue
            if reply.get("infra"):
                # The worker failed, not the program: it is never reused, and the test gets one more try.
                last = str(reply["infra"])
                log.warning("sandbox worker %d reported a failure (%s); replacing it", worker.index, last)
                worker.kill()
                self._release(None)
                continue
            self._release(worker)
            return to_result(reply)
        return ExecResult.infra(f"sandbox worker failed twice: {last}")

    def _exchange(self, worker: FramedWorker, request: ExecRequest) -> dict:
        msg = {
            "op": wire.OP_RUN,
            "code": request.code,
            "mode": request.mode.value,
            "stdin": request.stdin,
            "args": list(request.args),
            "func_name": request.func_name,
            "limits": request.limits.to_wire(),
        }
        worker.send(msg)
        # The worker enforces the limits itself; this deadline only catches a wedged worker.
        return worker.recv(request.limits.wall_s + 15.0)

    def run_many(self, requests: Sequence[ExecRequest]) -> list[ExecResult]:
        if len(requests) <= 1:
            return [self.run(r) for r in requests]
        if not self.isolate_tests:
            return batching.run_many(self, requests)
        with ThreadPoolExecutor(max_workers=min(self.size, len(requests))) as pool:
            return list(pool.map(self.run, requests))

    def run_program(self, requests: Sequence[ExecRequest], stop_after_failure: bool = False) -> list[ExecResult]:
        if self.isolate_tests or len(requests) <= 1:
            results = []
            for request in requests:
                results.append(self.run(request))
                if stop_after_failure and _failed(results[-1]):
                    break
            return results
        return batching.run_program(self, requests, stop_after_failure)


def _failed(result: ExecResult) -> bool:
    """Did not end cleanly, so the judge cannot accept it (the batch's rule, see guest/_sstar_batch_run.failed)."""
    return (result.status is not ExecStatus.COMPLETED or result.exit_code != 0 or result.signal is not None
            or result.timed_out or result.cpu_exceeded or result.output_exceeded or result.memory_exceeded)
