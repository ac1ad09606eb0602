"""Binding the statement to the inferred stdin layout: which constraint governs which slot.

The Input section's declared names come first ("three integers i, d and c"), then the constraints in
statement order, each bound to a slot where the samples' values fit it.
"""

from __future__ import annotations

import re

from .constraints import Bound, key_of, normalize, parse_constraints, split_ref
from .layout import Layout, Repeat, Rows, Scalars

def input_section(text: str) -> str:
    m = re.search(r"(?:^|\n)\s*(?:#+\s*)?Input(?: Format| format)?\s*:?\s*\n(.*?)(?:\n\s*(?:#+\s*)?Output\b|\Z)", text, re.S)
    return m.group(1) if m else text


_DECLARED = re.compile(r"(integers?|numbers?|values?|strings?|words?)\s*:?\s*(?:—\s*)?((?:[A-Za-z]\w{0,2})(?:\s*(?:,|and|,\s*and)\s*[A-Za-z]\w{0,2})*)\b")


def declared(text: str) -> list[list[str]]:
    """The names each "contains two integers n and m" of the Input section gives, in order."""
    out = []
    section = normalize(input_section(text))
    for m in _DECLARED.finditer(section):
        names = [n for n in re.split(r"\s*(?:,|\band\b)\s*", m.group(2)) if n]
        if re.match(r"\s*,?\s*(?:\.\.\.|…|\\[lc]?dots)", section[m.end():]):  # c1, c2, ..., cn: a sequence
            continue
        if len(names) == 1 and m.group(1).endswith("s"):  # "n integers a_1 ... a_n": a vector, not a line of scalars
            continue
        if names and all(n.lower() not in ("the", "a", "an", "in", "of", "on", "is", "are", "each", "per", "to")
                         for n in names):
            out.append(names)
    return out


def _scalar_lines(items):
    for item in items:
        if isinstance(item, Scalars):
            yield item.slots
        elif isinstance(item, Rows) and item.shape == "fixed":  # "m lines, each with three integers i, d and c"
            yield item.slots
        elif isinstance(item, Repeat):
            yield [item.count_slot]
            yield from _scalar_lines(item.body)


def bind(layout: Layout, text: str) -> dict[tuple[str, str], int]:
    """(name, part) -> slot id. A line of scalars takes the names the Input section declares for it
    ("two integers n and m"); the other slots take the Input section's constraints, in order, where
    the samples' values fit them and the names they refer to are bound already."""
    ordered: list[tuple[tuple[str, str], Bound]] = []
    for sentence in re.split(r"(?<=[.;\n])\s+", normalize(input_section(text))):
        for key, bound in parse_constraints(sentence).items():
            if key[1] in ("val", "elem") and key not in dict(ordered):
                ordered.append((key, bound))
    bounds = dict(ordered)
    names: dict[tuple[str, str], int] = {}
    fixed: set[int] = set()
    decl, at = declared(text), 0
    for slots in _scalar_lines(layout.items):
        j = next((j for j in range(at, len(decl)) if len(decl[j]) == len(slots)), None)
        if j is None:
            continue
        at = j + 1
        for slot, name in zip(slots, decl[j]):
            fixed.add(slot.id)
            key = key_of(name) if key_of(name) in bounds else (name, "val") if (name, "val") in bounds else None
            if key and slot.kind == "int" and all(_fits(v, bounds[key]) for v in slot.ints()):
                slot.name, names[key] = key, slot.id
            if slot.kind == "str":
                slot.name = (name, "len")
            names.setdefault((name, "val"), slot.id)
    at = 0
    for slot in layout.slots:
        values = slot.ints()
        if slot.kind != "int" or not values or slot.id in fixed:
            continue
        for j in range(at, len(ordered)):
            (key, bound) = ordered[j]
            refs = [split_ref(r)[:2] for r in (bound.lo, bound.hi) if isinstance(r, tuple)]
            later = {k for k, _ in ordered[j + 1:]}  # 1 <= a < b <= n: a refers to b, bound next
            if key not in names and all(_fits(v, bound) for v in values) and \
                    all(ref in names or ref in later for ref in refs):
                slot.name = key
                names[key] = slot.id
                names.setdefault((key[0], "val" if key[1] == "elem" else "elem"), slot.id)
                at = j + 1
                break
    return names


def without_output(text: str) -> str:
    """The statement without its Output section ("print the distinct values" is no input fact)."""
    return re.sub(r"\n\s*(?:#+\s*)?Output\b.*?(?=\n\s*(?:#+\s*)?(?:Examples?|Note|Input)\b|\Z)", "\n", text, flags=re.S)


def _fits(value: int, bound: Bound) -> bool:
    lo, hi = bound.lo, bound.hi
    return (not isinstance(lo, (int, float)) or value >= lo) and (not isinstance(hi, (int, float)) or value <= hi)
