"""Inputs for stdin problems: the layout from the samples, the values from the statement.

Here the inputs of a problem are planned (edge cases, maximum sizes, many small tests, random ones,
within a time budget); ``stdin_render`` renders each one from the layout.

Each slot of the inferred layout is bound to the statement's constraint on it (the constraints
of the Input section, in order, to the slots in order, where the samples' values fit them);
counts respect their bounds and the sum over test cases; trees, simple graphs, permutations,
distinct and sorted arrays are built as such. Where no layout fits, the samples are mutated within
the stated ranges and the inputs are not marked valid by construction.
"""

from __future__ import annotations

import random
import time

from ..problem import Problem
from .binding import bind, input_section, without_output
from .constraints import parse_constraints
from .facts import parse_facts
from .kinds import Generated, InputKind
from .layout import as_int, infer_layout, lines_of
from .layout_check import untrusted
from .stdin_render import InputMaker, OverBudget


def mutate(sample: str, rng: random.Random, bounds: dict) -> str:
    """No layout fits: keep the sample's shape, redraw its values (within a stated range where one is read)."""
    hi_values = [b.hi for b in bounds.values() if isinstance(b.hi, int)]
    cap = min(hi_values) if hi_values else None
    out = []
    for line in lines_of(sample):
        toks = []
        for tok in line:
            value = as_int(tok)
            if value is not None:
                top = max(1, abs(value) * 2) if cap is None else max(value, min(cap, max(1, abs(value) * 2)))
                toks.append(str(rng.randint(min(0, value), top)))
            else:
                toks.append("".join(rng.choice(tok) for _ in tok))
        out.append(" ".join(toks))
    return "\n".join(out) + "\n"


def stdin_inputs(problem: Problem, count: int, seed: int, max_chars: int, notes: list[str],
                 deadline: float = float("inf")) -> list[Generated]:
    samples = [t.input for t in problem.public_test_cases]
    text = problem.question_content
    bounds, facts = parse_constraints(text), parse_facts(without_output(text))
    rng = random.Random(seed)
    layout = infer_layout(samples)
    if layout is None:
        notes.append("no layout inferred: sample mutation" + (" within the stated ranges" if bounds else ""))
        per = max(1, count // max(1, len(samples)))
        return [Generated(mutate(s, rng, bounds), InputKind.SAMPLE_MUTATION, False) for s in samples for _ in range(per)]
    names = bind(layout, text)
    distrust = untrusted(layout, names, bounds, samples, input_section(text))
    if distrust:  # generated all the same, but selection must not trust them as valid
        notes.append(f"inputs not marked valid: {distrust}")
    if facts.unread:
        notes.append(f"guarantee not read, inputs not marked valid: {facts.unread[0]}")
    out: list[Generated] = []
    reasons: list[str] = []

    def make(mode: str, kind: InputKind, many: bool = False) -> None:
        budget = max_chars
        for _ in range(6):  # the size estimate is rough: cut the budget until the input fits
            maker = InputMaker(layout, bounds, names, facts, rng, mode, budget, many)
            try:
                text_ = maker.render()
            except OverBudget:
                text_ = ""
            if text_ and len(text_) <= max_chars:
                break
            budget //= 3
        if not text_:
            return
        if not maker.checked and maker.reason:
            reasons.append(maker.reason)
        out.append(Generated(text_, kind, maker.checked and not distrust and len(text_) <= max_chars))

    make("min", InputKind.EDGE)
    make("low", InputKind.EDGE)
    make("high", InputKind.EDGE)
    make("max", InputKind.MAX_SIZE)
    if layout.multi:
        make("max", InputKind.MAX_SIZE, many=True)
    for _ in range(count):
        if time.monotonic() > deadline:
            notes.append("synthesis time budget spent")
            break
        make("random", InputKind.RANDOM)
    if reasons:
        notes.append(f"{len(reasons)} of {len(out)} inputs not marked valid: {reasons[0]}")
    return out
