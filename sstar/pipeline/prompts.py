"""Every prompt S* sends, in one place. LiveCodeBench's formats where it has one."""

from __future__ import annotations

from typing import Sequence

from ..judge.verdict import JudgeReport, Verdict
from ..problem import Problem, TestType
from .records import RoundRecord

SYSTEM = ("You are an expert Python programmer. You will be given a question (problem specification) and will "
          "generate a correct Python program that matches the specification and passes all tests.")
FEEDBACK_CHARS = 1500


def _clip(text: str, limit: int = FEEDBACK_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + f"\n... ({len(text) - limit} more characters)"


def format_instructions(problem: Problem) -> str:
    if problem.test_type is TestType.FUNCTIONAL:
        return ("### Format: You will use the following starter code to write the solution to the problem and "
                "enclose your code within delimiters.\n```python\n" + problem.starter_code.rstrip() + "\n```")
    return ("### Format: Read the inputs from stdin solve the problem and write the answer to stdout (do not "
            "directly test on the sample inputs). Enclose your code within delimiters as follows. Ensure that when "
            "the python program runs, it reads the inputs, runs the algorithm and writes output to STDOUT.\n"
            "```python\n# YOUR CODE HERE\n```")


def generation(problem: Problem) -> list[dict]:
    user = (f"### Question:\n{problem.question_content.strip()}\n\n{format_instructions(problem)}\n\n"
            "### Answer: (use the provided format with backticks)\n")
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def _failure(report: JudgeReport, problem: Problem) -> str:
    tests = problem.public_test_cases
    bad = next((t for t in report.tests if t.verdict is not Verdict.ACCEPTED), None)
    if bad is None:
        return "All public tests pass."
    test = tests[bad.index]
    lines = [f"It passed {report.passed} of {report.total} public tests. The first failure:",
             f"Input:\n```\n{_clip(test.input)}\n```", f"Expected output:\n```\n{_clip(test.output)}\n```"]
    if bad.verdict is Verdict.WRONG_ANSWER:
        lines.append(f"Your output:\n```\n{_clip(bad.output)}\n```\n({bad.message})")
    elif bad.verdict is Verdict.TIME_LIMIT:
        lines.append(f"Your program exceeded the time limit ({bad.message}): it is too slow or loops forever.")
    elif bad.verdict is Verdict.MEMORY_LIMIT:
        lines.append(f"Your program exceeded the memory limit ({bad.message}).")
    else:
        lines.append(f"Your program failed ({bad.verdict.value}): {bad.message}\n"
                     f"Error output:\n```\n{_clip(bad.stderr, 800)}\n```")
    return "\n".join(lines)


def debugging(problem: Problem, code: str, report: JudgeReport, history: Sequence[RoundRecord]) -> list[dict]:
    earlier = ""
    if len(history) > 1:
        rows = [f"- attempt {r.round}: {r.verdict} ({r.passed}/{r.total} public tests)" for r in history[:-1]]
        earlier = "### Earlier attempts\n" + "\n".join(rows) + "\n\n"
    user = (f"### Question:\n{problem.question_content.strip()}\n\n{format_instructions(problem)}\n\n"
            f"### Your program:\n```python\n{code.rstrip()}\n```\n\n### Test results\n{_failure(report, problem)}\n\n"
            f"{earlier}Find the bug and fix it. Give the complete corrected program in one ```python block.\n")
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def input_synthesis(problem: Problem, count: int, arg_names: Sequence[str]) -> list[dict]:
    if problem.test_type is TestType.FUNCTIONAL:
        shape = (f"Give each test input as one JSON array holding the arguments in order ({', '.join(arg_names)}), "
                 "each in its own ```json block.")
    else:
        shape = "Give each test input exactly as it would be fed to standard input, each in its own ```input block."
    examples = "\n".join(f"```\n{t.input.strip()}\n```" for t in problem.public_test_cases[:2])
    user = (f"### Question:\n{problem.question_content.strip()}\n\n### Example inputs\n{examples}\n\n"
            f"Write {count} new, valid test inputs for this problem that are likely to expose bugs: edge cases, "
            f"boundary values, smallest and tricky cases. Keep them small. Do not write the outputs. {shape}\n")
    return [{"role": "user", "content": user}]


def expected_output(problem: Problem, text: str) -> list[dict]:
    user = (f"### Question:\n{problem.question_content.strip()}\n\n### Input\n```\n{_clip(text, 3000)}\n```\n\n"
            "Work out the exact correct output for this input, step by step, then give the final output alone "
            "in one ```output block.\n")
    return [{"role": "user", "content": user}]


def judge_pair(problem: Problem, text: str, out_a: str, out_b: str) -> list[dict]:
    user = (f"### Question:\n{problem.question_content.strip()}\n\n### Input\n```\n{_clip(text, 3000)}\n```\n\n"
            f"### Output A\n```\n{_clip(out_a, 1500)}\n```\n\n### Output B\n```\n{_clip(out_b, 1500)}\n```\n\n"
            "Exactly one of these outputs is correct for this input. Reason briefly, then end with a line "
            "'ANSWER: A' or 'ANSWER: B'.\n")
    return [{"role": "user", "content": user}]


def judge_programs(problem: Problem, code_a: str, code_b: str) -> list[dict]:
    user = (f"### Question:\n{problem.question_content.strip()}\n\n### Program A\n```python\n{_clip(code_a, 4000)}\n"
            f"```\n\n### Program B\n```python\n{_clip(code_b, 4000)}\n```\n\nWhich program solves the question "
            "correctly? Reason briefly, then end with a line 'ANSWER: A' or 'ANSWER: B'.\n")
    return [{"role": "user", "content": user}]
