"""Model-written inputs nested deeper than the JSON reader goes are dropped like any unreadable block."""

from sstar.synthesis.model_inputs import parse_model_inputs

from ..pipeline.test_sstar import PROBLEM

DEEP = "[" * 3000 + "]" * 3000


def test_inputs_nested_too_deeply_are_dropped_not_a_crash():
    answer = f"```json\n{DEEP}\n```\n```json\n[[4, 1, 2]]\n```\n```json\n[5, 2]\n{DEEP}\n```"
    assert parse_model_inputs(answer, PROBLEM, 1, 10**6) == ["[4, 1, 2]"]
