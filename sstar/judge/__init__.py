"""Grading programs against tests: verdicts, comparison, and the test runner."""

from .compare import compare_stdout, compare_values
from .runner import classify, effective_limits, grade, request_for, run_tests
from .verdict import JudgeReport, TestResult, Verdict

__all__ = ["JudgeReport", "TestResult", "Verdict", "classify", "compare_stdout", "compare_values",
           "effective_limits", "grade", "request_for", "run_tests"]
