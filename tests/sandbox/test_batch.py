"""A program's tests in one confined process: each test still gets its own input, output, accounting
and verdict, and anything a test leaves behind never reaches the next one (both backends)."""

import pytest

from sstar.judge import Verdict
from sstar.judge.runner import classify
from sstar.sandbox.local import LocalSandbox
from sstar.sandbox.protocol import ExecRequest, Limits, Mode

LIMITS = Limits(time_s=1, wall_time_s=4, memory_mb=128)

# What each input makes the program do; after each such test, honest tests must be unaffected.
PROGRAM = r'''
import sys, os, io, threading, signal, builtins, random
data = sys.stdin.read().split()
kind, n = data[0], int(data[1])
counter = globals().get("counter", 0) + 1
if kind == "crash":
    os._exit(3)
if kind == "raise":
    raise ValueError("bad")
if kind == "segv":
    os.kill(os.getpid(), signal.SIGSEGV)
if kind == "loop":
    while True:
        pass
if kind == "sleep":
    import time; time.sleep(100)
if kind == "memory":
    x = bytearray(400 << 20)
    x[::4096] = b"x" * len(x[::4096])
if kind == "thread":
    threading.Thread(target=lambda: __import__("time").sleep(60), daemon=True).start()
if kind == "stdin":
    sys.stdin = io.StringIO("666 666")
if kind == "builtin":
    builtins.print = lambda *a, **k: sys.stdout.write("forged\n")
if kind == "newbuiltin":
    builtins.leaked = n
if kind == "delbuiltin":
    del builtins.sorted
if kind == "mkdir":
    os.mkdir("made")
if kind == "file":
    open("left.txt", "w").write("secret")
if kind == "alarm":
    signal.alarm(30)
if kind == "fd":
    os.open("/dev/null", os.O_RDONLY)
if kind == "dup2":
    os.dup2(os.open("/dev/null", os.O_WRONLY), 1)
if kind == "child":
    if os.fork() == 0:
        import time; time.sleep(60)
if kind == "recursion":
    sys.setrecursionlimit(100)
if kind == "exit":
    sys.exit(5)
if kind == "swapstd":
    saved = os.dup(1); os.dup2(2, 1); os.dup2(saved, 2); os.close(saved)
if kind == "closefds":  # every descriptor but the standard ones closed, as many others opened
    before = len(os.listdir("/proc/self/fd"))
    os.closerange(3, 4096)
    while len(os.listdir("/proc/self/fd")) < before:
        os.open("/dev/null", os.O_RDONLY)
if kind == "fakestat":
    # A blocked signal hidden behind a snapshot of /proc/self/stat (taken before: none blocked) put on the
    # descriptor the process reads that file from (none in a process of its own).
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.endswith("/stat"):
            fake = os.memfd_create("stat")
            os.write(fake, os.pread(int(fd), 4096, 0))
            os.dup2(fake, int(fd))
            os.close(fake)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2})
if kind == "reconfigure":
    sys.stdout.reconfigure(encoding="ascii", errors="strict")
if kind == "streamattr":
    sys.stdout.write = len
if kind == "finalizer":
    class Noisy:
        def __del__(self):
            print("finalized")
    noisy = Noisy()
if kind == "sigmask":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
if kind == "nice":
    os.nice(3)
if kind == "handler":
    signal.signal(signal.SIGUSR1, lambda *a: None)
if kind == "inthandler":  # one Python handler for another: the kernel sees no change
    signal.signal(signal.SIGINT, lambda *a: None)
print(n * 2, sorted([counter])[0], random.randint(0, 10**9),
      os.path.exists("left.txt") or os.path.exists("made") or hasattr(builtins, "leaked"), sys.getrecursionlimit() >= 1000,
      len(signal.pthread_sigmask(signal.SIG_BLOCK, [])) + sum(callable(signal.getsignal(s)) and signal.getsignal(s)
      is not signal.default_int_handler for s in (signal.SIGUSR1, signal.SIGTERM, signal.SIGINT)), os.nice(0), "\u00e9")
sys.stderr.write(f"note {n}\n")
'''
KINDS = ["ok", "crash", "raise", "segv", "loop", "sleep", "memory", "thread", "stdin", "builtin", "newbuiltin",
         "delbuiltin", "file", "mkdir", "alarm", "fd", "dup2", "child", "recursion", "exit", "swapstd", "closefds",
         "fakestat", "reconfigure", "streamattr", "finalizer", "sigmask", "nice", "handler", "inthandler"]


def _requests():
    out = []
    for i, kind in enumerate(KINDS):
        out += [ExecRequest(code=PROGRAM, stdin=f"{kind} {i}\n", limits=LIMITS),
                ExecRequest(code=PROGRAM, stdin=f"ok {100 + i}\n", limits=LIMITS)]
    return out


def _facts(result):
    """What decides a verdict (the random draw aside: each worker has its own seed)."""
    verdict, _ = classify(result, LIMITS)
    words = result.stdout.decode(errors="replace").split()
    last = result.stderr.strip().splitlines()[-1:]  # (swapstd: the printed line)
    return (verdict.value if verdict else "ran", result.exit_code, words[:2] + words[3:],
            [w for line in last for i, w in enumerate(line.split()) if i != 2] if verdict is None else None)


@pytest.fixture(scope="module")
def local_pair():
    with LocalSandbox(workers=1) as batched, LocalSandbox(workers=1, isolate_tests=True) as isolated:
        yield batched, isolated


def _same_as_isolated(batched, isolated):
    requests = _requests()
    got = batched.run_program(requests)
    want = [isolated.run(r) for r in requests]
    assert len(got) == len(requests)
    for request, a, b in zip(requests, got, want):
        assert _facts(a) == _facts(b), (request.stdin, _facts(a), _facts(b), a.stderr[-300:])
    honest = [a for r, a in zip(requests, got) if r.stdin.startswith("ok")]
    # Every test starts as a forked process would: module state, a reseeded generator, the scratch directory.
    assert all(r.stdout.split()[1:2] + r.stdout.split()[3:] == [b"1", b"False", b"True", b"0", b"0", "\u00e9".encode()]
               for r in honest)
    assert len({r.stdout.split()[2] for r in honest}) > len(honest) // 2
    return got


def test_each_test_as_in_a_process_of_its_own(local_pair):
    got = _same_as_isolated(*local_pair)
    by_kind = dict(zip([r.stdin.split()[0] for r in _requests()], got))
    assert _facts(by_kind["loop"])[0] == Verdict.TIME_LIMIT.value
    assert _facts(by_kind["sleep"])[0] == Verdict.TIME_LIMIT.value
    assert _facts(by_kind["memory"])[0] == Verdict.MEMORY_LIMIT.value
    assert by_kind["crash"].exit_code == 3 and by_kind["exit"].exit_code == 5
    assert by_kind["loop"].cpu_s > 0.5 and by_kind["ok"].cpu_s < 0.5


def test_functional_tests_share_the_compiled_program(local_pair):
    batched, isolated = local_pair
    code = "import random\nclass Solution:\n    calls = 0\n    def f(self, a):\n        Solution.calls += 1\n" \
           "        return [a * 2, Solution.calls, random.random()]\n"
    requests = [ExecRequest(code=code, mode=Mode.FUNCTIONAL, args=(str(i),), func_name="f", limits=LIMITS)
                for i in range(30)]
    got = [r.result_json for r in batched.run_program(requests)]
    want = [isolated.run(r).result_json for r in requests]
    assert [g.rsplit(",", 1)[0] for g in got] == [w.rsplit(",", 1)[0] for w in want]
    assert got[7].startswith("[14, 1, ") and len({g.rsplit(",", 1)[1] for g in got}) > 1


def test_stop_after_failure_runs_no_test_after_a_crash(local_pair):
    batched, _ = local_pair
    requests = [ExecRequest(code=PROGRAM, stdin=f"{k} 1\n", limits=LIMITS) for k in ("ok", "ok", "raise", "ok")]
    got = batched.run_program(requests, stop_after_failure=True)
    assert [r.exit_code for r in got] == [0, 0, 1]
    wrong_but_clean = [ExecRequest(code="print(0)", limits=LIMITS)] * 5
    assert len(batched.run_program(wrong_but_clean, stop_after_failure=True)) == 5


def test_run_many_batches_by_program_and_keeps_the_order(local_pair):
    batched, _ = local_pair
    requests = [ExecRequest(code=f"print(input(), {p})", stdin=f"{t}\n", limits=LIMITS)
                for t in range(12) for p in range(3)]
    assert [r.stdout for r in batched.run_many(requests)] == [f"{t} {p}\n".encode() for t in range(12) for p in range(3)]


def test_docker_batches_as_the_local_sandbox_does():
    docker = pytest.importorskip("docker", reason="the docker package is not installed")
    try:
        docker.from_env().ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no Docker engine could be reached ({type(exc).__name__}: {exc})")
    from sstar.sandbox.docker_backend import DockerSandbox

    with DockerSandbox(workers=1) as batched, DockerSandbox(workers=1, isolate_tests=True) as isolated:
        _same_as_isolated(batched, isolated)


def test_input_read_every_way_each_test_its_own(local_pair):
    batched, _ = local_pair
    ways = {"open(0)": "f = open(0)\ndata = f.read()", "buffer": "data = sys.stdin.buffer.read().decode()",
            "os.read": "data = os.read(0, 1 << 16).decode()", "input": "data = input()",
            "readline": "input = sys.stdin.readline\ndata = input()"}
    for name, read in ways.items():
        code = f"import sys, os\ndef solve(d):\n    return int(d.split()[0]) * 2\n{read}\nprint(solve(data))\n"
        requests = [ExecRequest(code=code, stdin=f"{t}\n", limits=LIMITS) for t in range(25)]
        assert [r.stdout for r in batched.run_program(requests)] == [f"{2 * t}\n".encode() for t in range(25)], name


def test_a_programs_tests_are_spread_only_over_free_workers():
    """Alone, a program's tests are split across the workers (its latency); when the others are busy they
    stay in one batch, one process: every batch costs a freshly confined process."""
    # A token kept on an imported module (not restored between tests): one per process.
    code = "import os, json\njson.token = getattr(json, 'token', None) or os.urandom(8).hex()\nprint(json.token)"
    requests = [ExecRequest(code=code, stdin=f"{i}\n", limits=LIMITS) for i in range(8)]
    with LocalSandbox(workers=2) as sandbox:
        sandbox.warm_up(wait=True)
        alone = {r.stdout for r in sandbox.run_many(requests)}
        held = sandbox._acquire()  # another caller's batch holds this worker
        try:
            busy = {r.stdout for r in sandbox.run_many(requests)}
        finally:
            sandbox._release(held)
    assert len(alone) == 2 and len(busy) == 1


FORGER = r'''
import os, sys, time
n = int(sys.stdin.read())
began = time.monotonic()
while time.monotonic() - began < 6:  # twice the wall limit, writing the child's own lines on its result pipe
    for i in range(4):
        os.write(3, b'{"start":%d}\n{"end":%d,"exit":0}\n' % (i, i))
    time.sleep(0.05)
print(n)
'''


def test_lines_a_program_writes_on_the_result_pipe_never_restart_its_clock(local_pair):
    """The worker's clock for a test starts on the child's own start line, once: a program repeating it (or a
    half-formed end line) on descriptor 3 is still stopped at its time limit, like a program of its own."""
    batched, isolated = local_pair
    limits = Limits(time_s=1, wall_time_s=3, memory_mb=128)
    requests = [ExecRequest(code=FORGER, stdin=f"{i}\n", limits=limits) for i in range(3)]
    got = batched.run_program(requests)
    assert [classify(r, limits)[0] for r in got] == [Verdict.TIME_LIMIT] * 3, [r.wall_s for r in got]
    assert classify(isolated.run(requests[0]), limits)[0] is Verdict.TIME_LIMIT
