"""Every prompt S* sends, in one place. LiveCodeBench's formats where it has one.

The judge's answer contract is stable (scripted and recorded judges rely on it):
the first program shown is A, the second B; the reply's last line of the form
``ANSWER: A``, ``ANSWER: B`` or ``ANSWER: TIE`` decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from ..judge.verdict import JudgeReport, Verdict
from ..problem import Problem, TestType
from .records import RoundRecord

SYSTEM = ("You are an expert Python programmer. You will be given a question (problem specification) and will "
          "generate a correct Python program that matches the specification and passes all tests.")
FEEDBACK_CHARS = 1500
CODE_CHARS = 6000
ANSWER_CONTRACT = ("End your reply with exactly one final line: 'ANSWER: A' if program A is correct and B is not, "
                   "'ANSWER: B' if B is correct and A is not, or 'ANSWER: TIE' if you cannot tell them apart.")


def _clip(text: str, limit: int = FEEDBACK_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + f"\n... ({len(text) - limit} more characters)"


def _question(problem: Problem) -> str:
    text = f"### Question:\n{problem.question_content.strip()}\n\n"
    if problem.starter_code.strip():
        text += f"### Starter code:\n```python\n{problem.starter_code.rstrip()}\n```\n\n"
    return text


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


def feedback(report: Optional[JudgeReport], problem: Problem) -> str:
    """Every failing public test: input, expected, what the program did (clipped)."""
    if report is None:
        return "Your previous answer contained no program in a ```python block."
    failing = [t for t in report.tests if t.verdict is not Verdict.ACCEPTED]
    if not failing:
        return "All public tests pass."
    lines = [f"It passed {report.passed} of {report.total} public tests. The failing tests:"]
    budget = 4 * FEEDBACK_CHARS
    for bad in failing:
        test = problem.public_test_cases[bad.index]
        block = [f"#### Test {bad.index + 1}", f"Input:\n```\n{_clip(test.input)}\n```",
                 f"Expected output:\n```\n{_clip(test.output)}\n```"]
        if bad.verdict is Verdict.WRONG_ANSWER:
            block.append(f"Your output:\n```\n{_clip(bad.output)}\n```\n({bad.message})")
        elif bad.verdict is Verdict.TIME_LIMIT:
            block.append(f"Your program exceeded the time limit ({bad.message}): it is too slow or loops forever.")
        elif bad.verdict is Verdict.MEMORY_LIMIT:
            block.append(f"Your program exceeded the memory limit ({bad.message}).")
        else:
            block.append(f"Your program failed ({bad.verdict.value}): {_clip(bad.message, 300)}")
        text = "\n".join(block)
        if len(text) > budget:
            lines.append(f"... and {len(failing) - (len(lines) - 1)} more failing tests")
            break
        budget -= len(text)
        lines.append(text)
    return "\n".join(lines)


def debugging(problem: Problem, code: Optional[str], report_text: str, history: Sequence[RoundRecord],
              all_rounds: bool = True) -> list[dict]:
    """The latest version and its feedback; with ``all_rounds`` the earlier versions and theirs too."""
    earlier = ""
    if all_rounds and len(history) > 1:
        parts = []
        for r in history[:-1]:
            shown = f"```python\n{_clip(r.code, CODE_CHARS)}\n```" if r.code else "(no program)"
            parts.append(f"#### Attempt {r.round}\n{shown}\n{r.feedback or r.verdict.value}")
        earlier = "### Earlier attempts\n" + "\n\n".join(parts) + "\n\n"
    program = (f"### Your program:\n```python\n{code.rstrip()}\n```\n\n" if code
               else "### Your program:\n(none: the previous answer held no program)\n\n")
    user = (f"### Question:\n{problem.question_content.strip()}\n\n{format_instructions(problem)}\n\n"
            f"{earlier}{program}### Test results\n{report_text}\n\n"
            "Find the bug and fix it. Give the complete corrected program in one ```python block.\n")
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def _input_shape(problem: Problem, arg_names: Sequence[str]) -> str:
    if problem.test_type is TestType.FUNCTIONAL:
        return (f"Give each test input as one JSON array holding the arguments in order ({', '.join(arg_names)}), "
                "each in its own ```json block.")
    return "Give each test input exactly as it would be fed to standard input, each in its own ```input block."


def input_synthesis(problem: Problem, count: int, arg_names: Sequence[str]) -> list[dict]:
    examples = "\n".join(f"```\n{t.input.strip()}\n```" for t in problem.public_test_cases[:2])
    user = (f"### Question:\n{problem.question_content.strip()}\n\n### Example inputs\n{examples}\n\n"
            f"Write {count} new, valid test inputs for this problem that are likely to expose bugs: edge cases, "
            f"boundary values, smallest and tricky cases. Keep them small. Do not write the outputs. "
            f"{_input_shape(problem, arg_names)}\n")
    return [{"role": "user", "content": user}]


@dataclass(frozen=True)
class Shown:
    """One input and what each program did on it (its output, or how it failed)."""

    input: str
    a: str
    b: str


def _programs(code_a: str, code_b: str) -> str:
    return (f"### Program A\n```python\n{_clip(code_a, CODE_CHARS)}\n```\n\n"
            f"### Program B\n```python\n{_clip(code_b, CODE_CHARS)}\n```\n\n")


def _runs(shown: Sequence[Shown]) -> str:
    parts = []
    for k, s in enumerate(shown, 1):
        parts.append(f"### Input {k}\n```\n{_clip(s.input, 3000)}\n```\n\n### Output A on input {k}\n```\n"
                     f"{_clip(s.a)}\n```\n\n### Output B on input {k}\n```\n{_clip(s.b)}\n```\n")
    return "\n".join(parts)


def pair_inputs(problem: Problem, code_a: str, code_b: str, differ: Sequence[Shown], count: int,
                arg_names: Sequence[str]) -> list[dict]:
    """Ask for inputs on which one of two programs is likely to fail and the other to succeed."""
    seen = (f"They already give different results here:\n\n{_runs(differ)}\n" if differ
            else "They agree on every input tried so far.\n\n")
    user = (f"{_question(problem)}{_programs(code_a, code_b)}{seen}"
            f"Write {count} new, valid test inputs (within the problem's constraints) on which one of these "
            f"programs is likely to give a wrong answer and the other the right one. Keep them small enough to "
            f"check by hand. Do not write the outputs. {_input_shape(problem, arg_names)}\n")
    return [{"role": "user", "content": user}]


def expected_output(problem: Problem, text: str) -> list[dict]:
    user = (f"### Question:\n{problem.question_content.strip()}\n\n### Input\n```\n{_clip(text, 3000)}\n```\n\n"
            "Work out the exact correct output for this input, step by step, then give the final output alone "
            "in one ```output block.\n")
    return [{"role": "user", "content": user}]


def judge_pair(problem: Problem, code_a: Optional[str], code_b: Optional[str], shown: Sequence[Shown],
               predicted: Optional[str] = None) -> list[dict]:
    """Both programs (unless ``code_a`` is None), the inputs, both outputs, and the predicted output as evidence."""
    programs = _programs(code_a, code_b or "") if code_a is not None else ""
    evidence = (f"### A model's prediction of the correct output on input 1 (may be wrong)\n```\n"
                f"{_clip(predicted)}\n```\n\n" if predicted is not None else "")
    user = (f"{_question(problem)}{programs}The two programs were run on these inputs:\n\n{_runs(shown)}\n"
            f"{evidence}Work out which program is correct on these inputs, reasoning from the question and the "
            f"code. {ANSWER_CONTRACT}\n")
    return [{"role": "user", "content": user}]


def judge_programs(problem: Problem, code_a: str, code_b: str) -> list[dict]:
    user = (f"### Question:\n{problem.question_content.strip()}\n\n### Program A\n```python\n{_clip(code_a, 4000)}\n"
            f"```\n\n### Program B\n```python\n{_clip(code_b, 4000)}\n```\n\nWhich program solves the question "
            f"correctly? Reason briefly. {ANSWER_CONTRACT}\n")
    return [{"role": "user", "content": user}]
