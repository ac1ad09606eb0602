"""Test inputs beyond the public tests: from the statement's constraints and layout, and from the model."""

from __future__ import annotations

import logging
import random
import time

from ..problem import Problem, TestType
from .kinds import Generated, InputKind

log = logging.getLogger(__name__)
__all__ = ["Generated", "InputKind", "arity", "hypothesis_inputs", "synthesize"]


def synthesize(problem: Problem, count: int, seed: int, max_chars: int = 200_000,
               budget_s: float = 5.0) -> tuple[list[Generated], list[str]]:
    """Edge cases, maximum-size and random inputs with no model call, deduplicated, none longer than
    ``max_chars``; plus notes for the trace (no layout inferred, guarantees not read, budget spent).
    Drawing stops after ``budget_s`` seconds (the edge and maximum-size inputs are drawn first)."""
    notes: list[str] = []
    deadline = time.monotonic() + budget_s
    if problem.test_type is TestType.FUNCTIONAL:
        from .functional import functional_inputs

        try:
            made = functional_inputs(problem, count, seed, max_chars, notes, deadline=deadline)
        except Exception as exc:  # noqa: BLE001 - a statement we misread must never stop selection
            log.warning("input synthesis failed on %s: %r", problem.question_id, exc)
            notes.append(f"no input generated ({type(exc).__name__}: {exc})")
            made = []
    else:
        from .stdin import mutate, stdin_inputs

        try:
            made = stdin_inputs(problem, count, seed, max_chars, notes, deadline=deadline)
        except Exception as exc:  # noqa: BLE001 - a statement we misread must never stop selection
            log.warning("input synthesis failed on %s: %r", problem.question_id, exc)
            notes.append(f"no layout used ({type(exc).__name__}: {exc}): sample mutation")
            rng = random.Random(seed)
            made = [Generated(mutate(t.input, rng, {}), InputKind.SAMPLE_MUTATION, False)
                    for t in problem.public_test_cases for _ in range(max(1, count // 4))]
    seen: dict[str, Generated] = {}
    for item in made:
        if len(item.text) <= max_chars and item.text.strip():
            seen.setdefault(item.text, item)
    if not seen:
        notes.append("no input could be generated from the statement")
    return list(seen.values()), notes


def hypothesis_inputs(problem: Problem, count: int, seed: int) -> list[str]:
    """The texts of :func:`synthesize` (kept for callers that want plain inputs)."""
    return [g.text for g in synthesize(problem, count, seed)[0]]


def arity(problem: Problem) -> int:
    from .functional import signature

    if problem.test_type is not TestType.FUNCTIONAL:
        return 0
    names = signature(problem.starter_code, problem.func_name)
    if names:
        return len(names)
    return len(problem.public_test_cases[0].arguments()) if problem.public_test_cases else 1
