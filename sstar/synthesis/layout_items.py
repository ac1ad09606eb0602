"""What a stdin layout is made of: slots (the positions that hold values), counts, and the items a
layout reads top to bottom (``Scalars``, ``Vector``, ``Rows``, ``Repeat``). ``layout`` infers one
from the samples; ``stdin_render`` draws inputs from it, ``layout_check`` checks it against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

Lines = list[list[str]]


def lines_of(text: str) -> Lines:
    return [line.split() for line in text.strip("\n").split("\n") if line.strip()]


def as_int(tok: str) -> Optional[int]:
    try:
        return int(tok)
    except ValueError:
        return None


@dataclass
class Slot:
    """One position of the layout and the tokens it held in the samples."""

    id: int
    seen: list[str] = field(default_factory=list)
    length_of: Optional[int] = None  # a string whose length is this variable
    name: Optional[tuple[str, str]] = None  # the statement's (name, part) bound to it

    def ints(self) -> list[int]:
        return [v for v in map(as_int, self.seen) if v is not None]

    @property
    def kind(self) -> str:
        if self.seen and all(as_int(t) is not None for t in self.seen):
            return "int"
        try:
            [float(t) for t in self.seen]
            return "float" if self.seen else "int"
        except ValueError:
            return "str"


@dataclass(frozen=True)
class Count:
    var: int
    mul: int = 1
    add: int = 0

    def of(self, env: dict[int, int]) -> Optional[int]:
        if self.var < 0:  # a constant number of lines
            return self.add
        value = env.get(self.var)
        return None if value is None else self.mul * value + self.add


@dataclass
class Scalars:
    slots: list[Slot]


@dataclass
class Vector:
    count: Count
    slot: Slot


@dataclass
class Rows:
    count: Count
    shape: str  # "fixed", "matrix", "prefixed", "typed"
    slots: list[Slot] = field(default_factory=list)  # fixed: one per column; matrix/prefixed: [elem]
    width: Optional[Count] = None  # matrix: the row length
    types: dict[str, list[Slot]] = field(default_factory=dict)  # typed: first token -> its columns


@dataclass
class Repeat:
    count_slot: Slot
    body: list["Item"]


Item = Union[Scalars, Vector, Rows, Repeat]


@dataclass
class Layout:
    items: list[Item]
    slots: list[Slot]

    @property
    def multi(self) -> bool:
        return bool(self.items) and isinstance(self.items[0], Repeat)
