"""The worker's code ships as a plain package module, and both sides speak the protocol of guest/wire.py."""

import ast
import tomllib
from pathlib import Path

import pytest

import sstar
from sstar.sandbox.guest import wire
from sstar.sandbox.isolation import worker_source
from sstar.sandbox.pool import FramedWorker, WorkerDied

PACKAGE = Path(sstar.__file__).resolve().parent
ROOT = PACKAGE.parent


def test_the_worker_is_a_module_of_the_package():
    worker = worker_source()
    assert worker.is_file() and worker.parent == PACKAGE / "sandbox" / "guest"
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    assert "sstar.sandbox.guest" in packages  # so a wheel carries it
    # Every module the guest imports is the standard library or a sibling in the guest folder.
    import sys

    siblings = {p.stem for p in worker.parent.glob("*.py")}
    for path in worker.parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
            for name in names:
                top = name.split(".")[0]
                assert top in siblings or top in sys.stdlib_module_names or top == "seccomp", (path.name, name)
    assert not (ROOT / "sandbox" / "worker.py").exists()


def test_frames_round_trip():
    msg = {"op": wire.OP_RUN, "code": "print(1)\n\u00e9", "limits": {k: 1 for k in wire.LIMIT_FIELDS}}
    data = wire.frame(msg)
    (length,) = wire.HEADER.unpack(data[:wire.HEADER.size])
    assert length == len(data) - wire.HEADER.size and wire.unframe(data[wire.HEADER.size:]) == msg


class _Scripted(FramedWorker):
    def __init__(self, hello: dict) -> None:
        self.data = wire.frame(hello)
        self.killed = False

    def _read_some(self, n, timeout):
        out, self.data = self.data[:n], self.data[n:]
        return out

    def _write(self, data):
        pass

    def kill(self):
        self.killed = True


def test_a_worker_of_another_protocol_version_is_refused():
    worker = _Scripted({"type": wire.READY, "protocol": wire.PROTOCOL_VERSION - 1})
    with pytest.raises(WorkerDied, match="protocol"):
        worker.greet()
    assert worker.killed
    good = _Scripted({"type": wire.READY, "protocol": wire.PROTOCOL_VERSION})
    good.greet()
    assert good.hello["protocol"] == wire.PROTOCOL_VERSION


def test_the_live_worker_speaks_this_version(sandbox):
    sandbox.start()
    assert sandbox._idle.queue[0].hello["protocol"] == wire.PROTOCOL_VERSION


def test_a_reply_becomes_a_complete_result():
    """``to_result`` fills the frozen ExecResult in place: every field must be set, as the constructor would."""
    import base64
    import dataclasses

    from sstar.sandbox.protocol import ExecResult, ExecStatus, to_result

    reply = {"exit_code": 3, "signal": 9, "timed_out": True, "cpu_exceeded": True, "output_exceeded": True,
             "memory_exceeded": True, "cpu_s": 0.25, "wall_s": 0.5, "max_rss_kb": 2048,
             "stdout_b64": base64.b64encode(b"\xff out").decode(), "stderr": "err", "exception": "ValueError",
             "result": "[1]"}
    result = to_result(reply)
    assert set(vars(result)) == {f.name for f in dataclasses.fields(ExecResult)}
    assert result == ExecResult(status=ExecStatus.COMPLETED, exit_code=3, signal=9, timed_out=True, cpu_exceeded=True,
                                output_exceeded=True, memory_exceeded=True, exception="ValueError", result_json="[1]",
                                stdout=b"\xff out", stderr="err", cpu_s=0.25, wall_s=0.5, max_rss_mb=2.0)
    assert to_result({"exit_code": 0}) == ExecResult(status=ExecStatus.COMPLETED, exit_code=0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.exit_code = 0  # still frozen
    assert to_result({"infra": "gone"}).status is ExecStatus.INFRA_ERROR
