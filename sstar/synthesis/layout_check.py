"""Whether inputs drawn from an inferred layout can be trusted as valid by construction.

The layout comes from the samples and the names from the Input section; either can be misread while
every bound we read still holds on what we draw. So before the inputs are marked ``checked``, every
sample is read again with the layout and the binding: it must be consumed exactly, and every bound
bound to a slot must hold on the sample's values (a sample breaking a bound means the name was bound
to the wrong slot). A value with no stated range, and a relation between several quantities we do not
read (``s_1 + s_2 = n + 1``, ``n * m <= 5 * 10^5``), also leave the inputs unchecked.
"""

from __future__ import annotations

import re
from typing import Optional

from .constraints import _WORDS, Bound, normalize, split_ref
from .layout import Layout, Repeat, Rows, Scalars, Slot, Vector, as_int, lines_of

_NAME = r"[A-Za-z]\w*"
_CMP = r"(?:<=|>=|!=|=|<|>)"
# two quantities combined on one side of a comparison: a constraint no Bound expresses
_RELATION = re.compile(rf"(?<![\w^]){_NAME}\s*[+*]\s*{_NAME}(?![\w(])[^.,;:\n]{{0,24}}?{_CMP}(?!\s*\d+\s*$)"
                       rf"|{_CMP}\s*{_NAME}\s*[+*]\s*{_NAME}(?![\w(])"
                       rf"|(?:\\sum|∑)[^.,;\n]{{0,40}}?{_CMP}\s*{_NAME}")  # the sum of k_i within one input, <= n
_DIFFERENT = re.compile(rf"(?<![\w^\\]){_NAME}\s*!=\s*{_NAME}(?![\w(])")  # i != j


def unread_relation(input_text: str) -> str:
    """A comparison between sums or products of quantities in the Input section, or ""."""
    for line in normalize(input_text).split("\n"):
        for m in _RELATION.finditer(line):
            operands = re.findall(rf"({_NAME})\s*[+*]\s*({_NAME})", m.group(0))
            if not any(w.lower() in _WORDS for pair in operands for w in pair):  # "is + x (1 <= x": a query, no sum
                return m.group(0).strip()
    return ""


def _relative(name: str, text: str) -> bool:
    """Whether ``text`` compares ``name`` with another quantity (``1 <= i < n``). A value with an unread
    constant bound (``n <= \\maxn``, a macro) is drawn between the samples' values, so stays within it;
    one bounded by another quantity is not."""
    own = rf"{re.escape(name)}(?:_?\w)?"  # p, p_i, pi
    other = r"(?<![\\\w])[A-Za-z]\w*"
    for m in re.finditer(rf"(?<![\w^\\]){own}\s*{_CMP}\s*([^,;()]*)", text):
        if re.search(other, m.group(1)):
            return True
    for m in re.finditer(rf"([^,;()]*?)({_CMP})\s*{own}(?![\w(])", text):
        lower = m.group(1).split("<")[-1].split(">")[-1]
        if m.group(2) in ("<", "<=") and re.fullmatch(r"\s*[A-Za-z]\w*\s*", lower):
            continue  # i, j <= n: n is the upper end, i and j carry the constraint (and are checked themselves)
        if re.search(other, lower):
            return True
    return False


def _resolve(limit, names: dict, env: dict[int, int]) -> Optional[int]:
    if isinstance(limit, tuple):
        name, part, shift = split_ref(limit)
        slot = names.get((name, part)) if part in ("val", "elem") else None
        return env[slot] + shift if slot in env else None
    return int(limit) if isinstance(limit, (int, float)) else None


class _Reader:
    """Walks one sample through the layout, checking each token against the bound on its slot."""

    def __init__(self, bounds: dict, names: dict, alternatives: dict[int, set[int]]) -> None:
        self.bounds, self.names, self.env = bounds, names, {}
        self.scalars: dict[int, int] = {}  # values a count may refer to: single values, not rows
        self.alternatives = alternatives  # count variable -> other values equal to it in every sample
        self.problem = ""

    def count(self, count) -> Optional[int]:
        n = count.of(self.env)
        if n is not None and count.var >= 0:
            same = {v for v, x in self.scalars.items() if v != count.var and count.mul * x + count.add == n}
            self.alternatives[count.var] = self.alternatives.get(count.var, same) & same
        return n

    def token(self, slot: Slot, tok: str) -> None:
        value = as_int(tok)
        if value is not None:
            self.env[slot.id] = value
        bound = self.bounds.get(slot.name) if slot.name else None
        if bound is None or self.problem:
            return
        measured = value if slot.name[1] in ("val", "elem") else len(tok) if slot.name[1] == "len" else None
        if measured is None:
            return
        lo, hi = _resolve(bound.lo, self.names, self.env), _resolve(bound.hi, self.names, self.env)
        if (lo is not None and measured < lo) or (hi is not None and measured > hi):
            self.problem = f"a sample's {slot.name[0]} = {tok} breaks the bound read for it"

    def items(self, items, lines, pos: int) -> Optional[int]:
        for item in items:
            pos = self.item(item, lines, pos)
            if pos is None:
                return None
        return pos

    def item(self, item, lines, pos: int) -> Optional[int]:
        if isinstance(item, Scalars):
            if pos >= len(lines) or len(lines[pos]) != len(item.slots):
                return None
            for slot, tok in zip(item.slots, lines[pos]):
                self.token(slot, tok)
                if as_int(tok) is not None:
                    self.scalars[slot.id] = as_int(tok)
            return pos + 1
        if isinstance(item, Vector):
            n = self.count(item.count)
            if n == 0:
                return pos + 1 if pos < len(lines) and not lines[pos] else pos
            if n is None or pos >= len(lines) or len(lines[pos]) != n:
                return None
            for tok in lines[pos]:
                self.token(item.slot, tok)
            return pos + 1
        if isinstance(item, Rows):
            return self.rows(item, lines, pos)
        assert isinstance(item, Repeat)
        if pos >= len(lines) or len(lines[pos]) != 1:
            return None
        self.token(item.count_slot, lines[pos][0])
        if as_int(lines[pos][0]) is not None:
            self.scalars[item.count_slot.id] = as_int(lines[pos][0])
        pos += 1
        for _ in range(max(0, self.env.get(item.count_slot.id, 0))):
            pos = self.items(item.body, lines, pos)
            if pos is None:
                return None
        return pos

    def rows(self, item: Rows, lines, pos: int) -> Optional[int]:
        n = self.count(item.count)
        if n is None or n < 0 or pos + n > len(lines):
            return None
        for row in lines[pos:pos + n]:
            if item.shape == "fixed":
                columns = item.slots if len(row) == len(item.slots) else None
            elif item.shape == "matrix":
                columns = [item.slots[0]] * len(row) if len(row) == item.width.of(self.env) else None
            elif item.shape == "prefixed":
                k = as_int(row[0]) if row else None
                columns = item.slots[:1] + [item.slots[1]] * k if k is not None and len(row) == 1 + k else None
            else:
                columns = item.types.get(row[0] if row else "")
                columns = columns if columns is not None and len(columns) == len(row) else None
            if columns is None:
                return None
            for slot, tok in zip(columns, row):
                self.token(slot, tok)
        return pos + n


def untrusted(layout: Layout, names: dict, bounds: dict[tuple[str, str], Bound], samples: list[str],
              input_text: str) -> str:
    """Why inputs drawn from ``layout`` may break the statement, or "" when they are valid by construction."""
    text = normalize(input_text)
    order = {slot.id: k for k, slot in enumerate(layout.slots)}  # reading order
    for slot in layout.slots:
        bound = bounds.get(slot.name) if slot.name else None
        for limit in (bound.lo, bound.hi) if bound else ():
            ref = names.get(split_ref(limit)[:2]) if isinstance(limit, tuple) else None
            if ref is not None and order.get(ref, -1) >= order[slot.id]:  # a < b with b drawn after a
                return f"the bound on {slot.name[0]} refers to a value read after it"
    alternatives: dict[int, set[int]] = {}
    for sample in samples:
        lines = lines_of(sample)
        if not lines:
            continue
        reader = _Reader(bounds, names, alternatives)
        if reader.items(layout.items, lines, 0) != len(lines):
            return "the inferred layout does not read a sample exactly"
        if reader.problem:
            return reader.problem
    named = {slot_id: name for (name, _), slot_id in names.items()}
    for var, others in alternatives.items():
        said = lambda n: n and re.search(rf"(?<![\w^]){re.escape(n)}\s*(?:-\s*1\s*)?(?:lines|rows|pairs|integers|numbers)", text)  # noqa: E731
        if others and not (said(named.get(var)) and not any(said(named.get(o)) for o in others)):
            return "a count in the layout could be another value of the samples as well"
    items = list(_all_items(layout.items))
    numeric_types = any(isinstance(i, Rows) and i.shape == "typed" and all(as_int(k) is not None for k in i.types)
                        for i in items)  # "+ 1 a" / "- 2" are queries by their look; "1 3" / "2" may be anything
    if numeric_types and not re.search(r"\btypes?\b|quer(?:y|ies)|operations?|requests?|events?|commands?"
                                       r"|instructions?|formats?", text, re.I):
        return "rows read as typed queries where the statement names no kinds of queries"
    plain_rows = len(items) == 2 and isinstance(items[0], Scalars) and isinstance(items[1], Rows)
    if not layout.multi and not plain_rows and re.search(r"test cases?\b", text, re.I) and \
            re.search(r"number of test cases|\bt\b test cases|test cases? follows?", text, re.I):
        return "the statement has test cases, the inferred layout none"
    kinds = {slot.id: slot.kind for slot in layout.slots}
    for (name, _), slot_id in names.items():
        slot = next(s for s in layout.slots if s.id == slot_id)
        bound = bounds.get(slot.name) if slot.name else None
        if kinds[slot_id] == "int" and (bound is None or None in (bound.lo, bound.hi)) and _relative(name, text):
            return f"a range stated for {name} not read"  # 1 <= i < n with i taken for a word: drawn unbounded
    if _DIFFERENT.search(text) and not any(_edge_rows(item, bounds) for item in _all_items(layout.items)):
        return f"a relation between quantities not read: {_DIFFERENT.search(text).group(0)}"
    bound_names = {slot.name for slot in layout.slots if slot.name}
    unbound = [key for key, b in bounds.items() if key[1] in ("val", "elem") and key not in bound_names
               and key not in names and (isinstance(b.lo, tuple) or isinstance(b.hi, tuple))]  # skipped in binding
    if unbound and any(slot.kind == "int" and slot.name is None for slot in layout.slots):
        return f"the bound read for {unbound[0][0]} is on no slot of the layout while a value has none"  # shifted
    relation = unread_relation(input_text)
    return f"a relation between quantities not read: {relation}" if relation else ""


def _all_items(items):
    for item in items:
        yield item
        if isinstance(item, Repeat):
            yield from _all_items(item.body)


def _edge_rows(item, bounds: dict) -> bool:
    """Rows whose first two columns are the ends of an edge (u, v <= n): drawn with u != v as a graph."""
    if not isinstance(item, Rows) or item.shape != "fixed" or len(item.slots) < 2:
        return False
    a, b = item.slots[:2]
    bound = bounds.get(a.name) if a.name else None
    return a.kind == b.kind == "int" and bound is not None and isinstance(bound.hi, tuple) and \
        b.name is not None and bounds.get(b.name) == bound
