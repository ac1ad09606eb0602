"""Grading: raw sandbox facts plus the expected output make a verdict."""

from __future__ import annotations

import json
import signal as signals
from typing import Sequence

from ..problem import Problem, TestCase, TestType
from ..sandbox.protocol import ExecRequest, ExecResult, ExecStatus, Limits, Mode, Sandbox
from . import strict, structures
from .compare import compare_stdout, compare_values
from .verdict import JudgeReport, TestResult, Verdict

PREVIEW_CHARS = 2000
_EXCEPTIONS = {"UnserializableResult": "the return value cannot be turned into JSON (only lists, dicts, strings, "
                                       "numbers, booleans and None can be compared with the expected output)"}


def _memory_exhausted(result: ExecResult, limits: Limits) -> bool:
    if result.memory_exceeded or result.exception == "MemoryError":
        return True
    # The last stderr line counts only for a program that failed by itself: one that logs the
    # word "MemoryError" and exits 0, or is then killed for time, did not run out of memory.
    failed = result.exit_code not in (0, None) and not (result.timed_out or result.cpu_exceeded)
    if failed and result.stderr:  # (stderr is read only then: most tests pass and write none)
        tail = [line for line in result.stderr.strip().splitlines() if line.strip()]
        if tail and (tail[-1].startswith("MemoryError") or "Cannot allocate memory" in tail[-1]):
            return True
    # Killed without a time-out while at its memory ceiling: the kernel's OOM killer.
    return result.signal == signals.SIGKILL and not (result.timed_out or result.cpu_exceeded) \
        and result.max_rss_mb >= 0.9 * limits.memory_mb


def classify(result: ExecResult, limits: Limits) -> tuple[Verdict | None, str]:
    """The verdict a run earns before its output is looked at (None: compare the output)."""
    if result.exit_code == 0 and result.signal is None and result.status is ExecStatus.COMPLETED and not (
            result.timed_out or result.cpu_exceeded or result.output_exceeded or result.memory_exceeded
            or result.exception == "MemoryError"):
        return None, ""  # ended cleanly, as most runs do: none of _failure's checks can find anything
    return _failure(result, limits)


def _failure(result: ExecResult, limits: Limits) -> tuple[Verdict | None, str]:
    if result.status is ExecStatus.INFRA_ERROR:
        return Verdict.INFRA_ERROR, result.infra_message
    if result.output_exceeded:
        return Verdict.OUTPUT_LIMIT, f"output exceeded {limits.output_mb:g} MB"
    if _memory_exhausted(result, limits):
        return Verdict.MEMORY_LIMIT, f"memory limit of {limits.memory_mb} MB exceeded"
    if result.timed_out:
        return Verdict.TIME_LIMIT, f"killed after {limits.wall_s:g} s of wall-clock time"
    if result.cpu_exceeded or result.signal == signals.SIGXCPU:
        return Verdict.TIME_LIMIT, f"used more than {limits.time_s:g} s of CPU time"
    if result.signal is not None:
        name = signals.Signals(result.signal).name if result.signal in signals.valid_signals() else str(result.signal)
        return Verdict.RUNTIME_ERROR, f"killed by {name}"
    if result.exit_code not in (0, None):
        last = result.stderr.strip().splitlines()[-1:] or [_EXCEPTIONS.get(result.exception or "", "")
                                                          or f"exit code {result.exit_code}"]
        return Verdict.RUNTIME_ERROR, last[0][:300]
    return None, ""


def grade(result: ExecResult, test: TestCase, limits: Limits, index: int = 0,
          float_tolerance: float | None = None) -> TestResult:
    verdict, message = classify(result, limits)
    output = ""
    if verdict is None:
        if test.testtype is TestType.FUNCTIONAL:
            verdict, message, output = _grade_value(result, test, float_tolerance)
        else:
            # The raw bytes go to the comparison, which reads them in place (never the whole
            # output as text or tokens); invalid UTF-8 is a wrong answer there.
            ok, message = compare_stdout(result.stdout, test.output, float_tolerance)
            verdict = Verdict.ACCEPTED if ok else Verdict.WRONG_ANSWER
    elif test.testtype is TestType.FUNCTIONAL:
        output = result.result_json or ""
    if test.testtype is TestType.STDIN:
        output = _preview(result.stdout)
    # Filled in place, as ExecRequest and ExecResult are (see requests_for): every field is set here.
    graded = object.__new__(TestResult)
    graded.__dict__.update(
        index=index, verdict=verdict, time_s=result.wall_s, cpu_s=result.cpu_s, memory_mb=result.max_rss_mb,
        message=message, output=output[:PREVIEW_CHARS], stderr=result.stderr[-PREVIEW_CHARS:],
        exit_code=result.exit_code, signal=result.signal,
    )
    return graded


def _preview(stdout: bytes) -> str:
    """The start of the output as text: only the first PREVIEW_CHARS characters are decoded."""
    return stdout[:4 * PREVIEW_CHARS].decode("utf-8", "replace")[:PREVIEW_CHARS]


_SHALLOW_TEXT = 100
"""Fewer brackets than this: ``compare_values`` recurses through such a value without reaching the limit."""


def _equals_itself(text: str) -> bool:
    """A JSON text whose value ``compare_values`` finds equal to itself, and that ``strict`` does not reject:
    no NaN (not equal to itself), no escape (which could spell ``strict``'s marker), not deeply nested."""
    return "NaN" not in text and "\\" not in text and strict.MARKER not in text \
        and text.count("[") + text.count("{") < _SHALLOW_TEXT


def _grade_value(result: ExecResult, test: TestCase, tol: float | None) -> tuple[Verdict, str, str]:
    if result.result_json is None:
        return Verdict.WRONG_ANSWER, "the function returned nothing (the process exited before returning)", ""
    if result.result_json == test.output and _equals_itself(test.output):
        # The very text expected (the worker writes JSON as json.dumps does, as the tests usually are): the
        # verdict decoding both and comparing them would reach, without doing it -- for a long list, the
        # comparison goes element by element in Python.
        return Verdict.ACCEPTED, "", result.result_json
    return _decoded_grade_value(result, test, tol)


def _decoded_grade_value(result: ExecResult, test: TestCase, tol: float | None) -> tuple[Verdict, str, str]:
    try:
        actual = json.loads(result.result_json)
    except RecursionError:  # deeper than any expected value can be (problem files are loaded the same way)
        return Verdict.WRONG_ANSWER, "the return value is nested too deeply to equal the expected one", \
            result.result_json[:PREVIEW_CHARS]
    found = strict.rejected(actual)
    if found is not None:
        return Verdict.WRONG_ANSWER, strict.rejection_message(found), result.result_json
    ok, message = compare_values(actual, json.loads(test.output), tol)
    return (Verdict.ACCEPTED if ok else Verdict.WRONG_ANSWER), message, result.result_json


def request_for(code: str, problem: Problem, test: TestCase, limits: Limits) -> ExecRequest:
    return requests_for(code, problem, (test,), limits)[0]


def requests_for(code: str, problem: Problem, tests: Sequence[TestCase], limits: Limits) -> list[ExecRequest]:
    """``request_for`` of each test. The program's text is prepared once (wrapped for functional tests), so
    every request carries the one same string; the requests are filled in place like ``to_result``'s
    results (a frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``): grading
    makes one a test, hundreds a program."""
    functional_code = None
    out = []
    for test in tests:
        if test.testtype is TestType.FUNCTIONAL:
            if functional_code is None:
                func_name = problem.func_name
                functional_code = strict.with_strict_results(structures.wrap_for(code, problem), func_name)
            fields = {"code": functional_code, "mode": Mode.FUNCTIONAL, "stdin": "", "args": test.arguments(),
                      "func_name": func_name}
        else:
            fields = {"code": code, "mode": Mode.STDIN, "stdin": test.input, "args": (), "func_name": ""}
        request = object.__new__(ExecRequest)
        request.__dict__.update(fields, limits=limits)
        out.append(request)
    return out


def effective_limits(problem: Problem, limits: Limits | None = None, **overrides: float | None) -> Limits:
    """Defaults, then the problem's own limits, then the caller's overrides."""
    base = limits if limits is not None else Limits().with_overrides(**problem.limit_overrides())
    return base.with_overrides(**overrides)


def run_tests(code: str, problem: Problem, sandbox: Sandbox, tests: Sequence[TestCase] | str = "all",
              limits: Limits | None = None, float_tolerance: float | None = None,
              stop_at_first_failure: bool = False) -> JudgeReport:
    """Run ``code`` on a problem's tests (``public``, ``private``, ``all`` or a list) and grade it."""
    cases = problem.tests(tests) if isinstance(tests, str) else tuple(tests)
    limits = limits or effective_limits(problem)
    if stop_at_first_failure:
        # One program's tests in one batch; the sandbox stops after the first run that does not end
        # cleanly, grading here stops at the first test that is not accepted (a wrong answer included).
        raw = sandbox.run_program(requests_for(code, problem, cases, limits), stop_after_failure=True)
        results: list[TestResult] = []
        for i, (result, test) in enumerate(zip(raw, cases)):
            results.append(grade(result, test, limits, i, float_tolerance))
            if results[-1].verdict is not Verdict.ACCEPTED:
                break
        return JudgeReport.from_tests(results, total=len(cases))
    raw = sandbox.run_many(requests_for(code, problem, cases, limits))
    graded = [grade(r, t, limits, i, float_tolerance) for i, (r, t) in enumerate(zip(raw, cases))]
    return JudgeReport.from_tests(graded)
