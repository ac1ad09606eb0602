"""The harness's end of a worker's channel: length-prefixed JSON frames (``guest/wire.py``) over a byte
stream that each backend moves (a process's pipes here, a container's attached stream there)."""

from __future__ import annotations

import time

from .guest import wire

READY_TIMEOUT_S = 30.0


class WorkerDied(RuntimeError):
    pass


class FramedWorker:
    """Length-prefixed JSON over some byte stream; subclasses move the bytes."""

    index = 0
    runs = 0
    hello: dict = {}

    def _write(self, data: bytes) -> None:
        raise NotImplementedError

    def _read_some(self, n: int, timeout: float) -> bytes:
        """Up to ``n`` bytes; b"" at end of stream; WorkerDied on time-out."""
        raise NotImplementedError

    def describe_exit(self) -> str:
        return "no message"

    def send(self, msg: dict) -> None:
        try:
            self._write(wire.frame(msg))
        except OSError as exc:
            raise WorkerDied(f"worker {self.index} is gone ({exc})") from exc

    def _read(self, n: int, deadline: float) -> bytes:
        chunks, got = [], 0
        while got < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise WorkerDied(f"worker {self.index} did not answer in time")
            chunk = self._read_some(n - got, left)
            if not chunk:
                raise WorkerDied(f"worker {self.index} closed its channel: {self.describe_exit()}")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def recv(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        (length,) = wire.HEADER.unpack(self._read(wire.HEADER.size, deadline))
        return wire.unframe(self._read(length, deadline))

    def greet(self) -> None:
        self.hello = self.recv(READY_TIMEOUT_S)
        if self.hello.get("fatal"):
            self.kill()
            raise WorkerDied(self.hello["fatal"])
        if self.hello.get("protocol") != wire.PROTOCOL_VERSION:
            self.kill()
            raise WorkerDied(f"the sandbox worker speaks protocol {self.hello.get('protocol')}, this harness "
                             f"{wire.PROTOCOL_VERSION}: rebuild the sandbox image (sstar sandbox build --force)")

    def kill(self) -> None:
        raise NotImplementedError

    exit_requested = False

    def request_exit(self) -> None:
        """Ask the worker to clean up and exit, without waiting (``close`` then waits)."""
        if not self.exit_requested:
            self.exit_requested = True
            try:
                self.send({"op": wire.OP_EXIT})
            except WorkerDied:
                pass

    def close(self) -> None:
        self.request_exit()
        self.kill()
