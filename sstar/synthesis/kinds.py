"""What a synthesized input is: its text, where it came from, and whether it is valid by construction."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class InputKind(str, enum.Enum):
    EDGE = "edge"  #: smallest sizes, values at their bounds
    RANDOM = "random"  #: medium random sizes and values
    MAX_SIZE = "max_size"  #: the largest sizes the statement (and max_input_chars) allow
    SAMPLE_MUTATION = "sample_mutation"  #: no layout inferred: a sample's values redrawn
    MODEL = "model"  #: written by the model
    PAIR = "pair"  #: written to tell a pair of programs apart
    PUBLIC = "public"  #: a public test's input


@dataclass(frozen=True)
class Generated:
    text: str
    kind: InputKind
    checked: bool
    """Generated from constraints read in the statement, so valid by construction."""
