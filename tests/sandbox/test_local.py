"""The local sandbox, for real: stdin styles, isolation, limits, faults."""

import os
import signal
import time

import pytest

from sstar.sandbox.isolation import base_interpreter
from sstar.sandbox.local import LocalSandbox
from sstar.sandbox.protocol import ExecRequest, ExecStatus, Limits, Mode

FAST = Limits(time_s=1, wall_time_s=3, memory_mb=256)


def run(sandbox, code, stdin="3 4\n", **kw):
    return sandbox.run(ExecRequest(code=code, stdin=stdin, limits=kw.pop("limits", FAST), **kw))


@pytest.mark.parametrize("code", [
    "a, b = map(int, input().split())\nprint(a + b)",
    "import sys\nprint(sum(map(int, sys.stdin.read().split())))",
    "import sys\nprint(sum(map(int, sys.stdin.buffer.read().split())))",
    "print(sum(map(int, open(0).read().split())))",
    "import os\ndata = os.read(0, os.fstat(0).st_size)\nprint(sum(map(int, data.split())))",
    "def main():\n    print(sum(map(int, input().split())))\nif __name__ == '__main__':\n    main()",
    "print(sum(map(int, stdin.readline().split())))",   # LiveCodeBench's prelude imports sys's names
])
def test_every_way_of_reading_stdin(sandbox, code):
    result = run(sandbox, code)
    assert result.status is ExecStatus.COMPLETED and result.exit_code == 0, result.stderr
    assert result.stdout == b"7\n"


def test_functional_call_and_leetcode_prelude(sandbox):
    code = "class Solution:\n    def f(self, nums: List[int], k: int) -> List[int]:\n        return sorted(nums)[:k]\n"
    result = sandbox.run(ExecRequest(code=code, mode=Mode.FUNCTIONAL, args=("[3, 1, 2]", "2"), func_name="f", limits=FAST))
    assert result.result_json == "[1, 2]"


def test_unserializable_result_is_an_error(sandbox):
    code = "class Solution:\n    def f(self):\n        return object()\n"
    result = sandbox.run(ExecRequest(code=code, mode=Mode.FUNCTIONAL, func_name="f", limits=FAST))
    assert result.exit_code == 1 and result.exception == "UnserializableResult"


def test_harness_environment_never_reaches_the_program(sandbox, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-canary")
    fresh = LocalSandbox(workers=1)  # started after the variable was set
    try:
        result = run(fresh, "import os\nprint(sorted(os.environ.items()))\nprint(open('/proc/self/environ','rb').read())")
    finally:
        fresh.close()
    assert b"sk-secret-canary" not in result.stdout and b"OPENAI" not in result.stdout


def test_syntax_error_is_a_runtime_error_compiled_in_the_child(sandbox):
    result = run(sandbox, "def broken(:\n")
    assert result.exit_code == 1 and "SyntaxError" in result.stderr


def test_cpu_time_not_wall_time_decides_time_limit(sandbox):
    busy = run(sandbox, "x = 0\nfor i in range(10**9): x += i", limits=Limits(time_s=0.5, wall_time_s=5))
    assert busy.cpu_exceeded and not busy.timed_out  # killed for CPU, before the 5 s wall clock
    sleeper = run(sandbox, "import time\ntime.sleep(0.8)\nprint(1)", limits=Limits(time_s=0.5, wall_time_s=5))
    assert sleeper.exit_code == 0 and not sleeper.cpu_exceeded  # sleeping is not computing


def test_per_call_memory_limit(sandbox):
    grab = "x = bytearray(150 * 1024 * 1024)\nprint(len(x) > 0)"
    assert run(sandbox, grab, limits=Limits(time_s=2, memory_mb=512)).exit_code == 0
    small = run(sandbox, grab, limits=Limits(time_s=2, memory_mb=64))
    assert small.exception == "MemoryError"


def test_output_limit_is_configurable(sandbox):
    result = run(sandbox, "print('x' * 3_000_000)", limits=Limits(time_s=2, output_mb=1))
    assert result.output_exceeded and len(result.stdout) <= 1024 * 1024


def test_files_do_not_leak_between_tests(sandbox):
    for _ in range(3):  # whichever worker runs it, the scratch directory starts empty
        result = run(sandbox, "import os\nprint(os.listdir('.'))\nopen('left-behind', 'w').write('x')")
        assert result.stdout == b"[]\n"


def test_many_concurrent_callers_get_their_own_results(sandbox):
    requests = [ExecRequest(code="print(int(input()) * 2)", stdin=f"{i}\n", limits=FAST) for i in range(200)]
    results = sandbox.run_many(requests)
    assert [r.stdout for r in results] == [f"{2 * i}\n".encode() for i in range(200)]


def test_a_killed_worker_is_replaced_and_the_test_retried():
    sb = LocalSandbox(workers=1)
    try:
        sb.start()
        victim = sb._idle.queue[0]
        os.kill(victim.proc.pid, signal.SIGKILL)
        time.sleep(0.1)
        result = run(sb, "print(sum(map(int, input().split())))")
        assert result.status is ExecStatus.COMPLETED and result.stdout == b"7\n"
    finally:
        sb.close()


def test_a_sandbox_that_cannot_start_gives_infra_errors_not_crashes():
    sb = LocalSandbox(workers=1, python="/nonexistent/python3")
    result = run(sb, "print(1)")
    assert result.status is ExecStatus.INFRA_ERROR and "could not start" in result.infra_message
    sb.close()


def test_info_reports_full_isolation_here(sandbox):
    info = sandbox.info()
    assert info.isolation == "bwrap", info.warnings
    assert info.uid_drop and info.network_isolated and info.filesystem_readonly and not info.warnings


def test_degraded_isolation_warns_and_still_runs():
    if os.geteuid() != 0 or not os.path.exists("/usr/bin/python3"):
        pytest.skip("needs root and Debian's /usr/bin/python3 (readable by an unprivileged uid)")
    sb = LocalSandbox(workers=1, isolation="unshare", python="/usr/bin/python3")
    try:
        info = sb.info()
        assert info.isolation == "unshare" and info.uid_drop and any("degraded" in w for w in info.warnings)
        assert run(sb, "print(sum(map(int, input().split())))").stdout == b"7\n"
    finally:
        sb.close()


def _readable_by_everyone(path: str) -> bool:
    parts = os.path.realpath(path).split("/")
    return all(os.stat("/".join(parts[:i]) or "/").st_mode & 0o001 for i in range(1, len(parts)))


def test_degraded_isolation_never_runs_programs_as_root():
    python = base_interpreter()
    if os.geteuid() != 0 or _readable_by_everyone(python):
        pytest.skip("needs root and an interpreter that only root can reach (pyenv under /root)")
    sb = LocalSandbox(workers=1, isolation="none", python=python)
    result = run(sb, "import os\nprint(os.getuid())")
    sb.close()
    assert result.status is ExecStatus.INFRA_ERROR and "must not run as root" in result.infra_message


def test_workers_started_from_a_short_lived_thread_survive_it():
    """bwrap's --die-with-parent would kill a worker when its spawning thread ends."""
    import threading

    sb = LocalSandbox(workers=1)
    try:
        t = threading.Thread(target=sb.start)
        t.start()
        t.join()
        time.sleep(0.2)
        assert sb._idle.queue[0].proc.poll() is None
        assert run(sb, "print(1)").stdout == b"1\n"
    finally:
        sb.close()


def test_workers_exit_when_the_harness_is_killed(tmp_path):
    import subprocess
    import sys

    marker = "--scratch-mb=137"
    script = ("from sstar.sandbox.local import LocalSandbox\n"
              "from sstar.sandbox.protocol import ExecRequest\n"
              "sb = LocalSandbox(workers=2, scratch_mb=137)\n"
              "sb.run_many([ExecRequest(code='print(1)')] * 4)\n"
              "print('ready', flush=True)\n"
              "import time; time.sleep(60)\n")
    harness = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert harness.stdout.readline().strip() == "ready"

    def workers():
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if marker.encode() in open(f"/proc/{pid}/cmdline", "rb").read():
                    found.append(pid)
            except OSError:
                pass
        return found

    assert workers()
    harness.kill()
    harness.wait()
    deadline = time.time() + 10
    while workers() and time.time() < deadline:
        time.sleep(0.1)
    assert workers() == []


def _running(pid: str) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


def test_a_worker_stops_its_batch_when_the_harness_is_killed():
    """kill -9 of the process running a batch ends its worker and the test running at once: nothing keeps running
    programs for a harness that is gone."""
    from .killed_harness import kill_mid_batch

    assert kill_mid_batch("__import__('sstar.sandbox.local').sandbox.local.LocalSandbox(workers=1)",
                          "sb._idle.queue[0].proc.pid", _running, within_s=5.0), \
        "the worker kept running the batch of a killed harness"
