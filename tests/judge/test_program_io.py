"""Programs see standard streams as Codeforces and LiveCodeBench give them (templates read their attributes)."""

import pytest

import sstar
from sstar.judge import Verdict
from sstar.sandbox.local import LocalSandbox, LocalSandboxConfig

SUM = {"statement": "Print the sum of two integers.", "tests": [["1 2", "3"], ["40 2", "42"]]}

# PyRival's FastIO template, the usual head of fast Codeforces Python solutions.
FASTIO = '''
import os, sys
from io import BytesIO, IOBase
BUFSIZE = 8192
class FastIO(IOBase):
    newlines = 0
    def __init__(self, file):
        self._fd = file.fileno()
        self.buffer = BytesIO()
        self.writable = "x" in file.mode or "r" not in file.mode
        self.write = self.buffer.write if self.writable else None
    def readline(self):
        while self.newlines == 0:
            b = os.read(self._fd, max(os.fstat(self._fd).st_size, BUFSIZE))
            self.newlines = b.count(b"\\n") + (not b)
            ptr = self.buffer.tell()
            self.buffer.seek(0, 2), self.buffer.write(b), self.buffer.seek(ptr)
        self.newlines -= 1
        return self.buffer.readline()
    def flush(self):
        if self.writable:
            os.write(self._fd, self.buffer.getvalue())
            self.buffer.truncate(0), self.buffer.seek(0)
class IOWrapper(IOBase):
    def __init__(self, file):
        self.buffer = FastIO(file)
        self.flush = self.buffer.flush
        self.writable = self.buffer.writable
        self.write = lambda s: self.buffer.write(s.encode("ascii"))
        self.readline = lambda: self.buffer.readline().decode("ascii")
sys.stdin, sys.stdout = IOWrapper(sys.stdin), IOWrapper(sys.stdout)
input = lambda: sys.stdin.readline().rstrip("\\r\\n")
a, b = map(int, input().split())
print(a + b)
'''


@pytest.fixture(scope="module", params=[False, True], ids=["batch", "isolated"])
def each_mode(request):
    """Both ways of running a program's tests: in one process, and one fork per test."""
    with LocalSandbox(LocalSandboxConfig(workers=1, isolate_tests=request.param)) as sandbox:
        yield sandbox


def test_a_fastio_template_reads_stdin_and_writes_stdout(each_mode):
    report = sstar.test(SUM, FASTIO, sandbox=each_mode)
    assert report.verdict is Verdict.ACCEPTED, [t.message for t in report.tests]


def test_streams_have_the_attributes_of_real_files_on_every_test(each_mode):
    code = ("import sys\nassert (sys.stdin.mode, sys.stdout.mode, sys.stderr.mode) == ('r', 'w', 'w')\n"
            "assert sys.stdin.fileno() == 0 and sys.stdout.fileno() == 1\n"
            "print(sum(map(int, sys.stdin.read().split())))\n")
    report = sstar.test(SUM, code, sandbox=each_mode)  # two tests: the second runs in the same process (batch)
    assert report.verdict is Verdict.ACCEPTED, [t.message for t in report.tests]
