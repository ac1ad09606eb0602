"""The worker's reading of a batch's result pipe: the lines read without JSON mean what JSON makes of them, and a
test's result comes out as the general (compact) path would make it; input files rewritten by the next batch."""

from __future__ import annotations

import importlib
import json

import pytest

from sstar.sandbox.isolation import worker_source
from sstar.sandbox.local import LocalSandbox
from sstar.sandbox.protocol import ExecRequest, Limits, Mode


@pytest.fixture()
def guest(monkeypatch):
    monkeypatch.syspath_prepend(str(worker_source().parent))  # the guest imports its siblings by name
    return importlib.import_module("_sstar_batch_ends"), importlib.import_module("_sstar_batch_files")


END_LINES = [
    b'{"end":0,"exit":0,"cpu":0.000031,"wall":0.000040,"rss_kb":9876,"retire":"","nonce":"00ff"}',
    b'{"end":12,"exit":-9,"cpu":1.500000,"wall":12.000001,"rss_kb":0,"retire":"","nonce":""}',
    b'{"end":3,"exit":120,"cpu":0.000000,"wall":0.000000,"rss_kb":1,"retire":"","nonce":"abc"}',
]
NOT_PLAIN = [  # read through JSON (or not at all), never by the fast path
    b'{"end":0,"exit":0,"cpu":0.1,"wall":0.1,"rss_kb":1,"retire":"thread left","nonce":""}',
    b'{"end":01,"exit":0,"cpu":0.1,"wall":0.1,"rss_kb":1,"retire":"","nonce":"00"}',
    b'{"end":1,"exit":0,"cpu":.1,"wall":0.1,"rss_kb":1,"retire":"","nonce":"00"}',
    b'{"end":1,"exit":0,"cpu":0.1,"wall":0.1,"rss_kb":1,"retire":"","nonce":"0G"}',
    b'{"end":1, "exit":0,"cpu":0.1,"wall":0.1,"rss_kb":1,"retire":"","nonce":"00"}',
]


def test_a_plain_end_line_reads_as_json_reads_it(guest):
    ends, _ = guest
    for line in END_LINES:
        match = ends.END_LINE.fullmatch(line)
        assert match is not None, line
        assert ends.end_of_match(match) == ends.end_of_json(json.loads(line))
        assert ends.end_of_match(ends.LINE.fullmatch(line + b"\n")) == ends.end_of_match(match)
    for line in NOT_PLAIN:
        assert ends.END_LINE.fullmatch(line) is None, line
        assert ends.LINE.fullmatch(line + b"\n")[1] is None, line


@pytest.mark.parametrize("value", [42, [1, 2, 3], "a", 'say "hi"', ["ab", 'c"d'], "x\\y", "é", "", "\u2028",
                                   {"k": [True, None]}, "tab\there", "~ !#[]"])
def test_a_result_line_reads_as_json_reads_it(guest, value):
    ends, _ = guest
    text = json.dumps(value)
    line = json.dumps({"result": text}).encode()  # as the child writes it
    match = ends.RESULT_LINE.fullmatch(line)
    if match is not None:
        assert ends.result_text(match[1]) == text
        assert ends.LINE.fullmatch(line + b"\n")[7] == match[1]
    if "\\" not in line.decode().replace('\\"', ""):  # only quotes escaped: always the fast path
        assert match is not None


def test_a_test_result_is_what_the_compact_path_makes(guest):
    ends, files = guest
    cases = [
        ((0, 0, 0.000031, 0.00004, 9876, "", b"ff"), b"12\n", b"", False, {}, 0),
        ((1, 3, 7.25, 8.5, 0, "", b"ff"), b"", b"Traceback...\n\xff", True, {"exception": "ValueError"}, 0),
        ((2, 0, 0.0, 0.0, 0, "", b""), b"x" * 20, b"", False, {"result": "[1, 2]", "exception": None}, 0),
        ((3, 0, 0.1, 0.2, 5, "", b"ff"), b"x" * 20, b"", False, {}, 11),  # over the cap (10): output exceeded
        ((4, 0, 0.1, 0.2, 5, "", b"ff"), b"", b"", False, {"result": ""}, 0),
    ]
    cap, cpu_limit = 10, 6.0
    for end, out, err, memory, report, res_left in cases:
        facts = {"exit_code": end[1], "cpu_s": round(end[2], 6), "memory_exceeded": memory, "max_rss_kb": end[4],
                 "cpu_exceeded": end[2] > cpu_limit, "wall_s": round(end[3], 6)}
        if out:
            facts["stdout_b64"] = __import__("base64").b64encode(out[:cap]).decode()
        if err:
            facts["stderr"] = err[-ends.STDERR_KEEP:].decode("utf-8", "replace")
        facts.update(report)
        if len(out) > cap or res_left > cap:
            facts["output_exceeded"] = True
        assert ends.ended(end, out, err, memory, cpu_limit, cap, dict(report), res_left) == files.compact(facts)


def test_the_next_batch_rewrites_the_input_files_in_place():
    """A later batch's shorter or empty inputs are read whole and alone (no byte of an earlier, longer input), and
    a batch with fewer tests never sees an earlier batch's extra ones."""
    code = "import sys\ndata = sys.stdin.read()\nprint(len(data), repr(data[-12:]))\n"
    sandbox = LocalSandbox(workers=1)
    limits = Limits(time_s=2, wall_time_s=5, memory_mb=128)
    try:
        for inputs in (["x" * 5000 + "\nend-a", "y" * 300, "z" * 70000], ["short\n", "", "b\n"], ["q"]):
            results = sandbox.run_program([ExecRequest(code=code, stdin=text, limits=limits) for text in inputs])
            assert [r.stdout.decode() for r in results] == [f"{len(t)} {t[-12:]!r}\n" for t in inputs]
    finally:
        sandbox.close()


@pytest.mark.timeout(120)
def test_a_long_result_arriving_in_pieces_is_read_in_one_pass():
    """A returned value of megabytes reaches the worker over many reads: the unfinished line at the buffer's end
    is not rescanned from every byte (it was: quadratic, minutes for HumanEval's 84 kB synthesized string)."""
    code = "def split_words(txt):\n    return txt.split()\n"
    text = " ".join(["ab"] * 150_000) + ' say"hi"'  # a 450 kB argument, a 1.2 MB result line (quotes escaped)
    sandbox = LocalSandbox(workers=1)
    limits = Limits(time_s=5, wall_time_s=20, memory_mb=512)
    try:
        requests = [ExecRequest(code=code, mode=Mode.FUNCTIONAL, args=(json.dumps(t),), func_name="split_words",
                                limits=limits) for t in (text, "a b", text)]
        results = sandbox.run_program(requests)
        assert [json.loads(r.result_json) for r in results] == [t.split() for t in (text, "a b", text)]
    finally:
        sandbox.close()
