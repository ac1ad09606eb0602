"""One stdin input rendered from an inferred layout, every value within what the statement says.

:class:`InputMaker` walks the layout (scalars, vectors, rows, repeated test-case blocks) and draws each
slot from the constraint bound to it: counts within their bounds and within the sum over test cases,
values at a scale (tiny, small or the full range) or at a bound (``mode``), strings from their alphabet,
trees, simple graphs, permutations, distinct and sorted arrays built as such. It keeps a character
budget (an input that outgrows it raises :class:`OverBudget`, and is drawn again smaller) and says
whether the input is valid by construction (``checked``) or why not (``reason``).
"""

from __future__ import annotations

import random
from typing import Optional

from .constraints import Bound, split_ref
from .draw import distinct_ints, pick_scale, scale_limits, uniform_ints, uniform_tokens, window
from .facts import Facts
from .layout import Count, Layout, Repeat, Rows, Scalars, Slot, Vector, as_int

MEDIUM = 12  # largest count in the random inputs: small enough to read, big enough to matter
MANY_TESTS = 1000  # test cases in the "many small tests" maximum input: enough to expose per-test set-up costs


class OverBudget(Exception):
    """An input being drawn outgrew its budget many times over: drawn again with a smaller budget."""


class InputMaker:
    """Renders one input from the layout; ``mode`` is min, max, random, low or high (values at a bound).
    A random input draws its values and counts at one scale (``draw.SCALES``: the bottom of each range,
    or all of it), so equal and small values occur; vertex labels, permutations and bounds are unscaled."""

    def __init__(self, layout: Layout, bounds: dict, names: dict, facts: Facts, rng: random.Random, mode: str,
                 max_chars: int, many_tests: bool = False) -> None:
        self.layout, self.bounds, self.names, self.facts = layout, bounds, names, facts
        self.rng, self.mode, self.many = rng, mode, many_tests
        self.scale = pick_scale(rng) if mode == "random" else "full"
        self.env: dict[int, int] = {}
        self.tests_left = 0
        self.reason = "" if not facts.unread else "a guarantee not read"
        self.applied: set[str] = set()  # structures built as the statement says (tree, permutation, distinct)
        self.checked = not facts.unread
        self.counts = {c.var for c in _counts(layout.items)}
        self.kinds = {slot.id: slot.kind for slot in layout.slots}  # computed once: render() asks per value
        self.seen = {slot.id: (min(slot.ints() or [0]), max(slot.ints() or [1])) for slot in layout.slots}
        refs = {split_ref(r)[0] for b in bounds.values() for r in (b.lo, b.hi) if isinstance(r, tuple)}
        self.sizes = self.counts | {slot for (name, part), slot in names.items() if name in refs and part == "val"}
        self.budget = max_chars  # characters left
        self.spent = 0  # characters and tokens drawn so far
        self.hard_limit = 4 * max_chars + 1000  # past this, stop: sizes drawn per row can multiply (h x w grids)
        self.sum_left = {slot: facts.sums.get(self._name(slot) or "", facts.sums.get("")) for slot in self.counts}

    def uncheck(self, reason: str) -> None:
        """This input may break something the statement says: not valid by construction."""
        self.checked = False
        self.reason = self.reason or reason

    def _name(self, slot_id: int) -> Optional[str]:
        return next((k[0] for k, v in self.names.items() if v == slot_id), None)

    def _resolve(self, limit, default: Optional[int]) -> Optional[int]:
        if isinstance(limit, tuple):
            name, part, shift = split_ref(limit)
            slot = self.names.get((name, part)) if part in ("val", "elem") else None
            if slot is None or slot not in self.env:
                self.uncheck(f"a bound on {name} refers to a value not in the input layout")
                return default
            return self.env[slot] + shift
        return limit if isinstance(limit, int) else (int(limit) if isinstance(limit, float) else default)

    def range_of(self, slot: Slot) -> tuple[int, int]:
        seen_lo, seen_hi = self.seen[slot.id]
        bound = self.bounds.get(slot.name, Bound(None, None)) if slot.name else Bound(None, None)
        lo, hi = self._resolve(bound.lo, seen_lo), self._resolve(bound.hi, seen_hi)
        return lo, max(lo, hi)

    def scalar(self, slot: Slot) -> str:
        kind = self.kinds[slot.id]
        if kind == "str":
            return self.string(slot)
        if kind == "float":
            values = [float(t) for t in slot.seen]
            return f"{self.rng.uniform(min(values), max(values)):.2f}"
        lo, hi = self.range_of(slot)
        if slot.id in self.sizes:
            left = self.sum_left.get(slot.id)
            if left is not None:  # leave room for the test cases still to come
                room = left - self.tests_left * max(lo, 0)
                if room < lo:
                    self.uncheck("the sum over test cases leaves no room")
                hi = max(lo, min(hi, room))
            cap = {"max": max(1, self.budget // (12 * max(1, len(self.counts)))), "min": lo}.get(self.mode, MEDIUM if self.rng.random() < .8 else 100)
            if self.layout.multi and self.mode == "max" and self.many:
                cap = MEDIUM
            if scale_limits(self.scale)[1]:  # a tiny or small random input: a count at the bottom of its range
                cap = min(cap, lo + scale_limits(self.scale)[1] - 1)
            value = hi if self.mode == "max" else self.rng.randint(lo, max(lo, min(hi, cap)))
            value = max(lo, min(value, max(lo, cap)))
            if left is not None:
                self.sum_left[slot.id] = left - value
        elif self.mode in ("low", "min"):
            value = lo
        elif self.mode == "high":
            value = hi
        else:
            value = self.rng.randint(*window(lo, hi, self.scale))
        self.env[slot.id] = value
        return str(value)

    def string(self, slot: Slot) -> str:
        seen_chars = {c for t in slot.seen for c in t}
        alphabet = self.facts.alphabets.get(self._name(slot.id) or "", self.facts.alphabets.get(""))
        if not alphabet or not seen_chars <= set(alphabet):
            alphabet = "".join(sorted(seen_chars)) or "a"
        words = sorted(set(slot.seen))
        if slot.length_of is None and slot.name not in self.bounds and len(words) < len(slot.seen) and \
                all(len(w) > 1 for w in words):  # "circle", "square" again and again: one of a fixed set of words
            self._spend(max(map(len, words)))
            return self.rng.choice(words)
        if slot.length_of is not None and slot.length_of in self.env:
            n = self.env[slot.length_of]
        elif slot.name and slot.name in self.bounds:  # |s| <= 2*10^5, read in the statement
            b = self.bounds[slot.name]
            lo, hi = self._resolve(b.lo, min(map(len, slot.seen))), self._resolve(b.hi, max(map(len, slot.seen)))
            hi = max(lo, hi)
            short = lo + (scale_limits(self.scale)[1] or 21) - 1  # a tiny or small input: short strings
            n = {"min": lo, "max": min(hi, max(lo, self.budget // 2))}.get(self.mode, self.rng.randint(lo, min(hi, max(lo, short))))
        else:
            lengths = [len(t) for t in slot.seen] or [1]
            lo, hi = min(lengths), max(lengths)
            n = {"min": lo, "max": max(hi, min(20 * hi, self.budget // 4))}.get(self.mode, self.rng.randint(lo, hi))
            if self.mode == "max":
                self.uncheck("a string length not read in the statement")
        self._spend(n)
        if self.mode == "low":
            return alphabet[0] * n
        if self.scale == "tiny":  # two letters of the stated alphabet: repeats, palindromes, equal neighbours
            alphabet = alphabet[:2]
        return "".join(self.rng.choices(alphabet, k=n))

    def _spend(self, amount: int) -> None:
        self.spent += amount
        if self.spent > self.hard_limit:
            raise OverBudget

    def values(self, slot: Slot, n: int, count: Count) -> list[str]:
        self._spend(n)
        if self.kinds[slot.id] != "int":
            return [self.scalar(slot) for _ in range(n)]
        lo, hi = self.range_of(slot)
        if self.facts.permutation and lo == 1 and hi == n:
            out = list(range(1, n + 1))
            self.rng.shuffle(out)
            self.applied.add("permutation")
        elif self.facts.distinct and hi - lo + 1 >= n:
            out = distinct_ints(self.rng, *window(lo, hi, self.scale, need=n), n)
            self.applied.add("distinct")
        elif self.mode in ("low", "high"):
            out = [lo if self.mode == "low" else hi] * n
        elif self.facts.sorted and all(_sorted(slot.seen)):
            out = sorted(uniform_ints(self.rng, *window(lo, hi, self.scale), n))
        else:
            return uniform_tokens(self.rng, *window(lo, hi, self.scale), n)
        if self.facts.sorted and all(_sorted(slot.seen)):
            out.sort()
        return list(map(str, out))

    def render(self) -> str:
        out: list[str] = []
        self._items(self.layout.items, out)
        needed = {f for f in ("tree", "permutation", "distinct") if getattr(self.facts, f)}
        if needed - self.applied - ({"distinct"} if "permutation" in self.applied else set()):
            self.uncheck(f"the statement asks for a {sorted(needed - self.applied)[0]} not built here")
        return "\n".join(out) + "\n"

    def _items(self, items, out: list[str]) -> None:
        for item in items:
            if self.budget <= 0 and self.mode == "max":
                self.budget = 0
            if isinstance(item, Scalars):
                out.append(" ".join(self.scalar(s) for s in item.slots))
            elif isinstance(item, Vector):
                n = max(0, item.count.of(self.env) or 0)
                out.append(" ".join(self.values(item.slot, n, item.count)))
            elif isinstance(item, Rows):
                out += self._rows(item)
            else:
                t_lo, t_hi = self.range_of(item.count_slot)
                t = {"max": t_hi if self.many else t_lo, "min": t_lo}.get(self.mode, self.rng.randint(t_lo, max(t_lo, min(t_hi, 4))))
                if self.many:
                    sums = [v for v in self.sum_left.values() if v is not None]
                    t = max(t_lo, min(t, self.budget // 40, MANY_TESTS, min(sums) if sums else t))
                sums = [v for v in self.sum_left.values() if v is not None]
                t = max(t_lo, min(t, min(sums))) if sums else t
                self.env[item.count_slot.id] = t
                out.append(str(t))
                for k in range(t):
                    self.tests_left = t - k - 1
                    self._items(item.body, out)
            self.budget -= len(out[-1]) + 1 if out else 0

    def _rows(self, item: Rows) -> list[str]:
        n = max(0, item.count.of(self.env) or 0)
        if item.shape == "fixed":
            edges = self._graph(item, n)
            if edges is not None:
                extra = [[self.scalar(s) for s in item.slots[2:]] for _ in range(n)]
                return [" ".join([str(u), str(v)] + rest) for (u, v), rest in zip(edges, extra)]
            if all(self.kinds[s.id] == "int" and s.id not in self.sizes for s in item.slots):
                columns = [self.values(s, n, item.count) for s in item.slots]  # column-wise: fast at 2*10^5 rows
                return list(map(" ".join, zip(*columns))) if columns else [""] * n
            return [" ".join(self.scalar(s) for s in item.slots) for _ in range(n)]
        if item.shape == "matrix":
            m = max(0, item.width.of(self.env) or 0)
            return [" ".join(self.values(item.slots[0], m, item.width)) for _ in range(n)]
        if item.shape == "prefixed":
            rows = []
            for _ in range(n):
                k = int(self.scalar(item.slots[0]))
                room = max(0, self.budget) // 8  # each row draws its own length: keep them all within budget
                if k > room:
                    k = max(self.range_of(item.slots[0])[0], room)
                    self.env[item.slots[0].id] = k
                rows.append(" ".join([str(k)] + self.values(item.slots[1], k, item.count)))
                self.budget -= len(rows[-1]) + 1
            return rows
        kinds = list(item.types.items())
        return [" ".join(self.scalar(s) if i else s.seen[0] for i, s in enumerate(self.rng.choice(kinds)[1]))
                for _ in range(n)]

    def _graph(self, item: Rows, n: int) -> Optional[list[tuple[int, int]]]:
        """Edges of a tree or a simple graph where the rows are vertex pairs bounded by a vertex count."""
        a, b = (item.slots + [None, None])[:2]
        if a is None or b is None or a.kind != "int" or b.kind != "int":
            return None
        lo, hi = self.range_of(a)
        vertices = hi - lo + 1
        bound = self.bounds.get(a.name) if a.name else None
        # u, v <= n, both the same way: the two ends of an edge (p_i <= n, c_i <= n - 1 is no edge)
        pairs = bound is not None and isinstance(bound.hi, tuple) and b.name is not None and \
            self.bounds.get(b.name) == bound
        if not (self.facts.tree or self.facts.simple_graph) or not pairs:
            return None
        if vertices < 2 or lo not in (0, 1):
            if n:
                self.uncheck("too few vertices for the edges")
            return None
        labels = list(range(lo, hi + 1))
        self.rng.shuffle(labels)
        if self.facts.tree and n == vertices - 1:
            self.applied.add("tree")
            return [(labels[self.rng.randrange(i)], labels[i]) for i in range(1, vertices)]
        if n > vertices * (vertices - 1) // 2:
            self.uncheck("more edges than a simple graph holds")
            return None
        edges = set()
        if self.facts.connected and n >= vertices - 1:
            edges = {(labels[self.rng.randrange(i)], labels[i]) for i in range(1, vertices)}
        while len(edges) < n:
            u, v = self.rng.sample(labels, 2)
            if (u, v) not in edges and (v, u) not in edges:
                edges.add((u, v))
        listed = list(edges)
        self.rng.shuffle(listed)
        return listed


def _sorted(tokens: list[str]) -> list[bool]:
    values = [as_int(t) for t in tokens]
    return [all(x is not None and y is not None and x <= y for x, y in zip(values, values[1:]))]


def _counts(items):
    for item in items:
        if isinstance(item, Vector):
            yield item.count
        elif isinstance(item, Rows):
            yield item.count
            if item.width:
                yield item.width
        elif isinstance(item, Repeat):
            yield from _counts(item.body)
