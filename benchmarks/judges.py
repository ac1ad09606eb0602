"""Scripted judge models for the selection benchmark: an oracle and a noisy oracle.

The oracle answers judge prompts as a perfect model would: it runs a correct
program on the first input it is shown and says which output matches (``TIE``
when neither does). It writes no test inputs of its own (a per-pair input
request gets an answer with no input in it), so the benchmark measures the
execution side of S* -- inputs, clusters, shrinking, pairing -- plus the
judge's reading of outputs. The noisy judge is the oracle with each answer
flipped with probability ``flip`` (A<->B; a TIE becomes A or B), seeded; a
flipped expected-output prediction is a plausible mistake: what one of the
pool's wrong programs prints on that input.
"""

from __future__ import annotations

import random
import re

from sstar.models import ScriptedModel, Stage
from sstar.pipeline.execution import run_matrix
from sstar.pipeline.pair_judge import normalize_output
from sstar.problem import Problem, TestType
from sstar.sandbox.protocol import Limits

_INPUT = re.compile(r"### Input(?: 1)?\n```\n(.*?)\n```", re.S)


def _block(content: str, label: str):
    found = re.search(rf"### Output {label}(?: on input 1)?\n```\n(.*?)\n```", content, re.S)
    return found.group(1) if found else None


def oracle_judge(problem: Problem, correct: str, sandbox, flip: float = 0.0, seed: int = 0,
                 wrong: tuple[str, ...] = ()) -> ScriptedModel:
    limits = Limits(time_s=4)
    rng = random.Random(f"{seed}:{problem.question_id}")

    def right_output(text: str, program: str = correct):
        if problem.test_type is TestType.STDIN and not text.endswith("\n"):
            text += "\n"
        outcome = run_matrix([program], problem, [text], sandbox, limits)[0][0]
        return outcome.output if outcome.ok else None

    def noisy(answer: str) -> str:
        if flip and rng.random() < flip:
            return {"A": "B", "B": "A"}.get(answer, rng.choice("AB"))
        return answer

    def answer(stage, messages):
        content = messages[-1]["content"]
        if stage is Stage.SYNTHESIZE:
            return "I cannot think of any more inputs."
        shown = _INPUT.search(content)
        right = right_output(shown.group(1)) if shown else None
        if right is None:
            return "I am not sure."
        if "### Output A" in content:
            a, b = _block(content, "A"), _block(content, "B")
            verdict = "TIE"
            for label, text in (("A", a), ("B", b)):
                if text is not None and normalize_output(problem, text) == right:
                    verdict = label
                    break
            return f"Comparing the outputs with the statement...\nANSWER: {noisy(verdict)}"
        if flip and rng.random() < flip:
            mistakes = [out for out in (right_output(shown.group(1), w) for w in wrong) if out not in (None, right)]
            return f"```output\n{rng.choice(mistakes) if mistakes else 0}\n```"
        return f"```output\n{right}\n```"

    return ScriptedModel(answer, name="oracle" if not flip else f"noisy-oracle-{flip:g}")
