"""Hypothesis inputs for stdin problems, from the layout of the sample inputs.

The samples are read as lines of tokens and matched against a few layouts
that cover most judge formats: an optional test count ``t`` followed by t
blocks; each block a header line of integers followed by nothing, one line
of ``n`` tokens, ``n`` rows, two lines of ``n`` tokens, or fixed lines, where
``n`` is an integer of the header. Values come from the ranges seen in the
samples, widened to the constraints stated in the text. Where no layout fits,
the samples' own tokens are mutated in place.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Optional

from ..problem import Problem
from .constraints import Bound, parse_constraints
from .draw import Draw, draw_many

SMALL = 6
LARGE = 2000


def _lines(text: str) -> list[list[str]]:
    return [line.split() for line in text.strip("\n").split("\n") if line.strip()]


def _int(tok: str) -> Optional[int]:
    try:
        return int(tok)
    except ValueError:
        return None


@dataclass
class Slot:
    """The values one position took in the samples."""

    ints: list[int] = field(default_factory=list)
    floats: list[float] = field(default_factory=list)
    strs: list[str] = field(default_factory=list)

    def add(self, tok: str) -> None:
        if _int(tok) is not None:
            self.ints.append(int(tok))
            return
        try:
            self.floats.append(float(tok))
        except ValueError:
            self.strs.append(tok)

    def draw(self, rnd: Draw, bound: Bound | None = None, extreme: str = "") -> str:
        if self.strs:
            alphabet = "".join(sorted({c for s in self.strs for c in s})) or "a"
            lengths = [len(s) for s in self.strs]
            n = rnd.integer(min(lengths), max(lengths))
            return "".join(rnd.choice(alphabet) for _ in range(max(1, n)))
        if self.floats and not self.ints:
            return f"{rnd.floating(min(self.floats), max(self.floats)):.3f}"
        lo, hi = (min(self.ints), max(self.ints)) if self.ints else (0, 10)
        if bound is not None:
            lo = bound.lo if isinstance(bound.lo, int) else lo
            hi = bound.hi if isinstance(bound.hi, int) else hi
        hi = max(lo, hi)
        if extreme == "lo":
            return str(lo)
        if extreme == "hi":
            return str(hi)
        return str(rnd.integer(lo, hi))


@dataclass
class Block:
    shape: str  # header, vector, rows, vectors2, fixed
    ref: int = -1  # which header integer is the size n
    widths: tuple[int, ...] = ()  # fixed line widths / row width
    header: list[Slot] = field(default_factory=list)
    body: list[Slot] = field(default_factory=list)


def _fit_block(lines: list[list[str]], shape: str, ref: int, widths: tuple[int, ...]) -> Optional[int]:
    """How many lines the block takes from ``lines``, or None if it does not fit."""
    if not lines or any(_int(t) is None for t in lines[0]):
        return None
    header = [_int(t) for t in lines[0]]
    if shape == "header":
        return 1 if len(header) == widths[0] else None
    if shape == "fixed":
        if len(lines) < len(widths) or any(len(lines[i]) != w for i, w in enumerate(widths)):
            return None
        return len(widths)
    if ref >= len(header) or header[ref] is None or header[ref] < 0:
        return None
    n = header[ref]
    if len(header) != widths[0]:
        return None
    if shape == "vector":
        return 2 if len(lines) >= 2 and len(lines[1]) == n else None
    if shape == "vectors2":
        return 3 if len(lines) >= 3 and len(lines[1]) == n and len(lines[2]) == n else None
    if shape == "rows":
        rows = lines[1:1 + n]
        return 1 + n if len(rows) == n and all(len(r) == widths[1] for r in rows) else None
    return None


def _shapes(first_block: list[list[str]]) -> list[tuple[str, int, tuple[int, ...]]]:
    if not first_block:
        return []
    w0 = len(first_block[0])
    out = []
    for ref in range(w0):
        out += [("vectors2", ref, (w0,)), ("vector", ref, (w0,))]
        if len(first_block) > 1:
            out.append(("rows", ref, (w0, len(first_block[1]))))
    out.append(("header", -1, (w0,)))
    return out


@dataclass
class Layout:
    multi: bool
    block: Block
    t_slot: Slot = field(default_factory=Slot)


def infer_layout(samples: list[str]) -> Optional[Layout]:
    parsed = [_lines(s) for s in samples if s.strip()]
    if not parsed:
        return None
    for multi in (True, False):
        if multi and not all(len(p[0]) == 1 and (_int(p[0][0]) or 0) >= 1 for p in parsed):
            continue
        bodies = [p[1:] if multi else p for p in parsed]
        counts = [_int(p[0][0]) if multi else 1 for p in parsed]
        candidates = _shapes(bodies[0]) + [("fixed", -1, tuple(len(line) for line in bodies[0]))]
        for shape, ref, widths in candidates:
            block = Block(shape, ref, widths)
            if all(_consume(body, count, block) for body, count in zip(bodies, counts)):
                layout = Layout(multi, block)
                for p in parsed:
                    if multi:
                        layout.t_slot.add(p[0][0])
                return layout
    return None


def _consume(lines: list[list[str]], count: int, block: Block) -> bool:
    at = 0
    for _ in range(count):
        used = _fit_block(lines[at:], block.shape, block.ref, block.widths)
        if used is None:
            return False
        head, body = lines[at], lines[at + 1:at + used]
        while len(block.header) < len(head):
            block.header.append(Slot())
        for slot, tok in zip(block.header, head):
            slot.add(tok)
        for line in body if block.shape != "fixed" else lines[at:at + used]:
            for i, tok in enumerate(line):
                key = i if block.shape in ("rows", "fixed") else 0
                while len(block.body) <= key:
                    block.body.append(Slot())
                block.body[key].add(tok)
        at += used
    return at == len(lines)


def _render_block(block: Block, rnd: Draw, size: int, bounds: dict, extreme: str) -> list[str]:
    elem = next((b for (name, part), b in bounds.items() if part == "elem"), None)
    if block.shape == "fixed":
        lines, k = [], 0
        for w in block.widths:
            lines.append(" ".join(block.body[min(k + i, len(block.body) - 1)].draw(rnd, None, extreme) if block.body
                                  else "0" for i in range(w)))
            k += w
        return lines
    header = [slot.draw(rnd, None, "") for slot in block.header]
    if block.shape == "header":
        return [" ".join(slot.draw(rnd, None, extreme) for slot in block.header)]
    header[block.ref] = str(size)
    body_slot = block.body[0] if block.body else Slot()
    if block.shape == "vector":
        return [" ".join(header), " ".join(body_slot.draw(rnd, elem, extreme) for _ in range(size))]
    if block.shape == "vectors2":
        return [" ".join(header)] + [" ".join(body_slot.draw(rnd, elem, extreme) for _ in range(size))
                                     for _ in range(2)]
    rows = [" ".join(block.body[c].draw(rnd, None, extreme) for c in range(block.widths[1])) for _ in range(size)]
    return [" ".join(header)] + rows


def render(layout: Layout, rnd: Draw, bounds: dict, max_size: int = SMALL, extreme: str = "",
           fixed_size: Optional[int] = None) -> str:
    tests = 1
    if layout.multi:
        t_bound = bounds.get(("t", "val"))
        hi = min(3, t_bound.hi) if t_bound and isinstance(t_bound.hi, int) else 3
        tests = rnd.integer(1, max(1, hi)) if fixed_size is None else 1
    n_bound = bounds.get(("n", "val"))
    lo = n_bound.lo if n_bound and isinstance(n_bound.lo, int) else 1
    hi = min(max_size, n_bound.hi) if n_bound and isinstance(n_bound.hi, int) else max_size
    lines = [str(tests)] if layout.multi else []
    for _ in range(tests):
        size = fixed_size if fixed_size is not None else rnd.integer(max(0, lo), max(lo, hi))
        lines += _render_block(layout.block, rnd, size, bounds, extreme)
    return "\n".join(lines) + "\n"


def mutate(sample: str, rng: random.Random) -> str:
    """No layout fits: keep the sample's shape, redraw the values after its first line."""
    lines = _lines(sample)
    out = [" ".join(lines[0])] if lines else []
    for line in lines[1:]:
        toks = []
        for tok in line:
            value = _int(tok)
            if value is not None:
                toks.append(str(rng.randint(min(0, value), max(1, abs(value) * 2))))
            else:
                toks.append("".join(rng.choice(tok) for _ in tok))
        out.append(" ".join(toks))
    return "\n".join(out) + "\n"


def hypothesis_inputs(problem: Problem, count: int, seed: int) -> list[str]:
    samples = [t.input for t in problem.public_test_cases]
    layout = infer_layout(samples)
    rng = random.Random(seed)
    if layout is None:
        return list(dict.fromkeys(mutate(s, rng) for s in samples for _ in range(max(1, count // max(1, len(samples))))))
    bounds = parse_constraints(problem.question_content)
    texts = [render(layout, Draw(rng=rng), bounds, fixed_size=1),
             render(layout, Draw(rng=rng), bounds, max_size=LARGE, fixed_size=_large(bounds)),
             render(layout, Draw(rng=rng), bounds, extreme="lo"), render(layout, Draw(rng=rng), bounds, extreme="hi")]
    texts += draw_many(lambda draw: render(layout, draw, bounds), count, seed)
    return list(dict.fromkeys(texts))


def _large(bounds: dict) -> int:
    n_bound = bounds.get(("n", "val"))
    return min(LARGE, n_bound.hi) if n_bound and isinstance(n_bound.hi, int) else LARGE // 10
