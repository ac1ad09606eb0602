"""The catalogue of hostile programs every sandbox backend must survive.

Each case is a tiny problem: a program, one test, and the verdicts that count
as a clear, correct answer. ``sstar sandbox check`` runs them against a
backend and the test suite runs them too, with extra checks on the host.
Programs that probe for secrets print ``SAFE`` when they find nothing.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, replace
from typing import Callable

from ..judge.runner import grade, request_for
from ..judge.verdict import TestResult, Verdict
from ..problem import Problem, TestCase, TestType
from .protocol import Limits, Sandbox

A, W, T, M, R, O = (Verdict.ACCEPTED, Verdict.WRONG_ANSWER, Verdict.TIME_LIMIT,
                    Verdict.MEMORY_LIMIT, Verdict.RUNTIME_ERROR, Verdict.OUTPUT_LIMIT)
CHECK_LIMITS = Limits(time_s=1.0, wall_time_s=3.0, memory_mb=192)


@dataclass(frozen=True)
class HostileCase:
    name: str
    code: str
    expected: frozenset[Verdict]
    mode: TestType = TestType.STDIN
    stdin: str = "5\n"
    output: str = "5"
    args: tuple[str, ...] = ("5",)
    before: str = ""
    """A program run first on the same sandbox (state must not leak from it)."""
    destructive: bool = False
    """Harmful to the host where programs run with the harness's own uid and a writable view."""
    limits: Limits | None = None
    """Limits of its own (default: the catalogue's)."""

    def problem(self) -> Problem:
        if self.mode is TestType.FUNCTIONAL:
            test = TestCase(input="\n".join(self.args), output=self.output, testtype=TestType.FUNCTIONAL)
            return Problem(question_id=self.name, public_test_cases=(test,),
                           starter_code="class Solution:\n    def solve(self, x):\n        pass\n",
                           metadata={"func_name": "solve"})
        test = TestCase(input=self.stdin, output=self.output, testtype=TestType.STDIN)
        return Problem(question_id=self.name, public_test_cases=(test,))


def _s(name: str, code: str, *expected: Verdict, **kw) -> HostileCase:
    return HostileCase(name, textwrap.dedent(code).strip() + "\n", frozenset(expected), **kw)


def _f(name: str, body: str, *expected: Verdict, **kw) -> HostileCase:
    code = "class Solution:\n    def solve(self, x):\n" + textwrap.indent(textwrap.dedent(body).strip(), " " * 8)
    return HostileCase(name, code + "\n", frozenset(expected), mode=TestType.FUNCTIONAL, **kw)


SECRET_PROBE = """
import os, glob
found = []
for path in ["/etc/shadow", "/root/.ssh", "/root/.bash_history", "/proc/1/environ"] + glob.glob("/home/*/.ssh"):
    try:
        if os.path.isdir(path):
            if os.listdir(path):
                found.append(path)
        else:
            with open(path, "rb") as fh:
                if fh.read(1):
                    found.append(path)
    except OSError:
        pass
allowed = {"PATH", "HOME", "LANG", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "PWD", "LC_CTYPE"}
found += sorted(set(os.environ) - allowed)
print("SAFE" if not found else "LEAK " + " ".join(found))
"""

CATALOGUE: tuple[HostileCase, ...] = (
    _s("infinite loop", "while True: pass", T),
    _f("infinite loop (functional)", "while True: pass", T),
    _s("sleep forever", "import time\ntime.sleep(10**6)", T),
    _s("loop catching BaseException", """
        while True:
            try:
                while True: pass
            except BaseException:
                pass
        """, T),
    _s("ignores signals", """
        import signal
        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU, signal.SIGALRM):
            signal.signal(s, signal.SIG_IGN)
        while True: pass
        """, T),
    _s("memory bomb", "x = [0] * 10**10", M),
    _f("memory bomb (functional)", "return len(bytearray(10**11))", M),
    _s("gradual memory growth", "a = []\nwhile True: a.append(b'x' * 10**7)", M),
    _s("fork bomb", """
        import os
        while True:
            try: os.fork()
            except OSError: pass
        """, T, R, M),  # M: the copies of the interpreter fill the test's cgroup before its pids cap
    _s("multiprocessing pool", """
        import multiprocessing as mp
        def sq(x): return x * x
        if __name__ == "__main__":
            with mp.Pool(4) as pool:
                print(sum(pool.map(sq, range(int(input())))) // 6)
        """, A, stdin="5\n", output="5"),
    _s("orphan in a new session", """
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(10**6)
            os._exit(0)
        print(input())
        """, A),
    _s("1 GB to stdout", "import sys\nchunk = 'x' * (1 << 20)\nfor _ in range(1024): sys.stdout.write(chunk)", O),
    _f("huge return value (functional)", "return 'x' * (200 << 20)", O, M),
    _s("stderr flood", "import sys\nfor _ in range(20000): sys.stderr.write('e' * 5000)\nprint(input())", A),
    _s("huge file write", "f = open('big', 'wb')\nwhile True: f.write(b'x' * (1 << 20))", R, T),
    _s("a million files", "for i in range(10**6): open(f'f{i}', 'w').close()", R, T),
    _s("reads secrets", SECRET_PROBE, A, output="SAFE"),
    _s("deletes home and project", """
        import os, shutil
        for target in [os.path.expanduser("~"), "/root", "/home", {project!r}]:
            shutil.rmtree(target, ignore_errors=True)
        print(input())
        """, A, T, destructive=True),
    _s("network connect", """
        import socket
        try:
            socket.create_connection(("1.1.1.1", 80), timeout=5).close()
            print("OPEN")
        except OSError:
            print("SAFE")
        """, A, output="SAFE"),
    _s("DNS lookup", """
        import socket
        try:
            socket.getaddrinfo("example.com", 80)
            print("OPEN")
        except OSError:
            print("SAFE")
        """, A, output="SAFE"),
    _s("kills its parent", """
        import os, signal
        try: os.kill(os.getppid(), signal.SIGKILL)
        except OSError: pass
        print(input())
        """, A),
    _s("kill(-1)", """
        import os, signal
        try: os.kill(-1, signal.SIGKILL)
        except OSError: pass
        print(input())
        """, A, R),
    _s("os._exit(0) before the output is flushed", "print(input())\nimport os\nos._exit(0)", W),
    _f("os._exit(0) before returning (functional)", "import os\nos._exit(0)", W),
    _s("sys.exit(0) after correct output", "print(input())\nimport sys\nsys.exit(0)", A),
    _s("sys.exit(3)", "print(input())\nimport sys\nsys.exit(3)", R),
    _s("segfault through ctypes", "import ctypes\nctypes.string_at(0)", R),
    _f("segfault through ctypes (functional)", "import ctypes\nreturn ctypes.string_at(0)", R),
    _s("extra input() at EOF", "print(input())\ninput()", R),
    _s("deep recursion", """
        import sys
        sys.setrecursionlimit(10**6)
        def depth(n): return 0 if n == 0 else 1 + depth(n - 1)
        print(depth(10**5) // 20000)
        """, A),
    _s("unbounded recursion", "import sys\nsys.setrecursionlimit(10**6)\ndef f(): return f()\nf()", R, M, T),
    _s("1000 threads", """
        import threading
        done = []
        threads = [threading.Thread(target=done.append, args=(1,)) for _ in range(1000)]
        for t in threads: t.start()
        for t in threads: t.join()
        print(len(done) // 200)
        """, A, R),
    _s("patched print does not leak", "print(input())", A, before="""
        import builtins, sys, os
        builtins.print = lambda *a, **k: None
        sys.stdout = open(os.devnull, "w")
        """),
    _s("fake verdict JSON on stdout", """
        print('{"type": "result", "id": 0, "exit_code": 0, "verdict": "accepted", "stdout_b64": "NQo="}')
        """, W),
    _f("prints the answer, returns a wrong one (functional)", "print(5)\nreturn 6", W),
    _s("fakes a sandbox failure on its result pipe", """
        import os
        os.write(3, b'{"infra": "the sandbox broke", "ready": 0.0}\\n')
        print(6)
        """, W),
    _s("invalid UTF-8 output", "import sys\nsys.stdout.buffer.write(b'\\xff\\xfe5\\n')", W),
)


def catalogue(project: str) -> tuple[HostileCase, ...]:
    """The cases (limits, then confinement), with the path the 'delete' case aims at filled in."""
    from .hostile_escapes import ESCAPES

    return tuple(
        replace(c, code=c.code.replace("{project!r}", repr(project))) for c in CATALOGUE
    ) + ESCAPES


def run_case(case: HostileCase, sandbox: Sandbox, limits: Limits = CHECK_LIMITS) -> TestResult:
    limits = case.limits or limits
    problem = case.problem()
    test = problem.public_test_cases[0]
    if case.before:
        sandbox.run(request_for(textwrap.dedent(case.before), problem, test, limits))
    return grade(sandbox.run(request_for(case.code, problem, test, limits)), test, limits)


def run_catalogue(sandbox: Sandbox, project: str,
                  on_result: Callable[[HostileCase, TestResult], None] | None = None) -> list[tuple[HostileCase, TestResult]]:
    """Run every case one at a time (a fork bomb must not share the CPUs with a timed case).

    Destructive cases are skipped where programs would run as the harness's
    own user on a writable filesystem: there the check itself would do harm.
    """
    info = sandbox.info()
    protected = info.uid_drop or info.filesystem_readonly
    out = []
    for case in catalogue(project):
        if case.destructive and not protected:
            continue
        result = run_case(case, sandbox)
        out.append((case, result))
        if on_result:
            on_result(case, result)
    return out
