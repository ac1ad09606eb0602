"""A harness killed (``kill -9``) in the middle of a long batch, for both backends' tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Callable

SCRIPT = """
from sstar.sandbox.protocol import ExecRequest, Limits
sb = {make}
sb.start()
print({ident}, flush=True)
code = "import time\\ntime.sleep(0.4)\\nprint(1)\\n"
sb.run_program([ExecRequest(code=code, stdin=str(i), limits=Limits(time_s=2, wall_time_s=3)) for i in range(40)])
"""
"""A batch of 40 tests of 0.4 s each: 16 s of work left when the harness is killed."""


def kill_mid_batch(make: str, ident: str, running: Callable[[str], bool], within_s: float) -> bool:
    """Start a harness (``make``: the sandbox, ``ident``: what names its worker), kill it once its batch runs:
    whether the worker stopped within ``within_s``."""
    host = subprocess.Popen([sys.executable, "-c", SCRIPT.format(make=make, ident=ident)], stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        worker = host.stdout.readline().strip()
        time.sleep(1.5)  # the batch is under way
        assert running(worker)
        host.kill()
        host.wait()
        deadline = time.monotonic() + within_s
        while running(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        return not running(worker)
    finally:
        host.kill()
        host.wait()
