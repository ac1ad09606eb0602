"""The layout of a stdin input, inferred from the samples: which integers are counts, and what they count.

A layout is a short program of items read top to bottom:
``Scalars`` (one line of values, each a variable), ``Vector`` (one line of ``count`` values),
``Rows`` (``count`` lines: fixed width, a matrix ``count x m``, each row prefixed by its own length,
or typed queries whose width depends on their first token), and ``Repeat`` (``t`` test cases, each
its own block). A count is ``mul * var + add`` of a variable read earlier (n, n - 1, 2n, n + 1).
The search extends the program one item at a time and keeps an item only when it reads every
sample the same way, so the layout explains all samples at once.
"""

from __future__ import annotations

from typing import Optional

from .layout_items import (Count, Item, Layout, Lines, Repeat, Rows, Scalars, Slot, Vector,  # noqa: F401
                           as_int, lines_of)  # re-exported: the layout's parts are imported from here

_OFFSETS = ((1, 0), (1, -1), (2, 0), (1, 1))
_BUDGET = 4000  # item checks per inference: bounded, so odd samples never hang synthesis


class _Ids:
    def __init__(self) -> None:
        self.slots: list[Slot] = []

    def new(self) -> Slot:
        self.slots.append(Slot(len(self.slots)))
        return self.slots[-1]


def _read(item: Item, lines: Lines, pos: int, env: dict[int, int], record: bool) -> Optional[int]:
    """Reads one item at ``pos``: the next position, or None where the item does not fit."""
    def take(slot: Slot, tok: str) -> None:
        if record:
            slot.seen.append(tok)

    if isinstance(item, Scalars):
        if pos >= len(lines) or len(lines[pos]) != len(item.slots):
            return None
        for slot, tok in zip(item.slots, lines[pos]):
            if slot.kind == "int" and as_int(tok) is None and slot.seen:
                return None
            if as_int(tok) is not None:
                env[slot.id] = as_int(tok)
            take(slot, tok)
        return pos + 1
    if isinstance(item, Vector):
        n = item.count.of(env)
        if n is None or n < 0:
            return None
        if n == 0:
            return pos + 1 if pos < len(lines) and not lines[pos] else pos
        if pos >= len(lines) or len(lines[pos]) != n:
            return None
        for tok in lines[pos]:
            take(item.slot, tok)
        return pos + 1
    if isinstance(item, Rows):
        n = item.count.of(env)
        if n is None or n < 0 or pos + n > len(lines):
            return None
        for row in lines[pos:pos + n]:
            if not _row_fits(item, row, env, record):
                return None
        return pos + n
    if pos >= len(lines) or len(lines[pos]) != 1 or as_int(lines[pos][0]) is None or int(lines[pos][0]) < 0:
        return None
    env[item.count_slot.id] = int(lines[pos][0])
    take(item.count_slot, lines[pos][0])
    pos += 1
    for _ in range(env[item.count_slot.id]):
        for inner in item.body:
            pos = _read(inner, lines, pos, env, record)
            if pos is None:
                return None
    return pos


def _row_fits(item: Rows, row: list[str], env: dict[int, int], record: bool) -> bool:
    if item.shape == "fixed":
        ok = len(row) == len(item.slots)
        columns = item.slots
    elif item.shape == "matrix":
        ok, columns = len(row) == item.width.of(env), [item.slots[0]] * len(row)
    elif item.shape == "prefixed":
        k = as_int(row[0]) if row else None
        ok, columns = k is not None and k >= 0 and len(row) == 1 + k, item.slots[:1] + [item.slots[1]] * (len(row) - 1)
    else:
        columns = item.types.get(row[0] if row else "", [])
        ok = bool(row) and len(columns) == len(row)
    if ok and record:
        for slot, tok in zip(columns, row):
            slot.seen.append(tok)
    return ok


def _counts(env: dict[int, int], target: int) -> list[Count]:
    out = []
    for var in sorted(env, reverse=True):  # the most recent variable first
        for mul, add in _OFFSETS:
            if mul * env[var] + add == target and env[var] > 0:
                out.append(Count(var, mul, add))
    return out


class _Search:
    def __init__(self, samples: list[Lines]) -> None:
        self.samples, self.ids, self.budget = samples, _Ids(), _BUDGET
        self.hidden: set[int] = set()  # the test count: it counts blocks, not what is inside one

    def fits(self, item: Item, states: list[tuple[int, dict]]) -> Optional[list[tuple[int, dict]]]:
        self.budget -= 1
        out = []
        for lines, (pos, env) in zip(self.samples, states):
            env = dict(env)
            new = _read(item, lines, pos, env, record=False)
            if new is None:
                return None
            out.append((new, env))
        return out

    def proposals(self, states: list[tuple[int, dict]]) -> list[Item]:
        lead = max(range(len(states)), key=lambda i: len(self.samples[i]) - states[i][0])
        lines, (pos, env) = self.samples[lead], states[lead]
        env = {k: v for k, v in env.items() if k not in self.hidden}
        if pos >= len(lines):
            return []
        line, new = lines[pos], self.ids.new
        ranked: list[tuple[int, int, Item]] = []  # (how unusual the count is, -lines taken, item)
        for c in _counts(env, len(line)):
            ranked.append((_OFFSETS.index((c.mul, c.add)), -1, Vector(c, new())))
        rest = lines[pos:]
        for var in env:
            for rank, (mul, add) in enumerate(_OFFSETS):
                n = mul * env[var] + add
                if env[var] <= 0 or n <= 0 or n > len(rest):
                    continue
                count, rows = Count(var, mul, add), rest[:n]
                widths = {len(r) for r in rows}
                found: list[Item] = []
                if len(widths) == 1:
                    found.append(Rows(count, "fixed", [new() for _ in line]))
                    found += [Rows(count, "matrix", [new()], width=w) for w in _counts(env, len(line)) if len(line) > 1]
                if all(as_int(r[0]) is not None and len(r) == 1 + int(r[0]) for r in rows):
                    found.append(Rows(count, "prefixed", [new(), new()]))
                if len(widths) > 1:
                    typed = self._typed(count, states)
                    if typed is not None:
                        found.append(typed)
                ranked += [(rank, -n, item) for item in found]
        ranked.sort(key=lambda r: r[:2])
        items: list[Item] = [item for _, _, item in ranked]
        if len(line) == 1 and as_int(line[0]) is None:
            items.insert(0, Scalars([new()]))
        items.append(Scalars([new() for _ in line]))
        remaining = {len(ls) - p for ls, (p, _) in zip(self.samples, states)}
        if len(remaining) == 1 and len({len(r) for r in rest}) == 1 and len(rest) > 1:
            items.append(Rows(Count(-1, 1, len(rest)), "fixed", [new() for _ in line]))
        return items

    def _typed(self, count: Count, states) -> Optional[Rows]:
        widths: dict[str, int] = {}
        rows = 0
        for lines, (pos, env) in zip(self.samples, states):
            rows += count.of(env) or 0
            n = count.of(env) or 0
            for row in lines[pos:pos + n]:
                if not row or widths.setdefault(row[0], len(row)) != len(row):
                    return None
        if len(widths) > min(12, rows // 2) or any(len(k) > 2 for k in widths):
            return None
        return Rows(count, "typed", types={k: [self.ids.new() for _ in range(w)] for k, w in widths.items()})

    def extend(self, items: list[Item], states, done) -> Optional[list[Item]]:
        if done(items, states):
            return items
        if self.budget <= 0 or len(items) > 12:
            return None
        for item in self.proposals(states):
            nxt = self.fits(item, states)
            if nxt is not None and any(n[0] > st[0] for n, st in zip(nxt, states)):
                found = self.extend(items + [item], nxt, done)
                if found is not None:
                    return found
        return None


def infer_layout(samples: list[str]) -> Optional[Layout]:
    parsed = [lines_of(s) for s in samples if s.strip()]
    if not parsed:
        return None
    search = _Search(parsed)
    ends = [len(p) for p in parsed]

    def at_end(items, states) -> bool:
        return bool(items) and all(pos == end for (pos, _), end in zip(states, ends))

    if all(len(p[0]) == 1 and (as_int(p[0][0]) or 0) >= 1 for p in parsed):
        t_slot = search.ids.new()
        search.hidden.add(t_slot.id)

        def body_done(body, states) -> bool:  # the whole Repeat reads every sample to its end
            if not body:
                return False
            repeat = Repeat(t_slot, body)
            for lines in parsed:
                if _read(repeat, lines, 0, {}, record=False) != len(lines):
                    return False
            return True

        start = [(1, {t_slot.id: int(p[0][0])}) for p in parsed]
        body = search.extend([], start, body_done)
        if body is not None and len(body) == 1 and isinstance(body[0], Scalars):  # n, then n lines: plain rows
            return _finish([Scalars([t_slot]), Rows(Count(t_slot.id), "fixed", body[0].slots)], search.ids.slots, parsed)
        if body is not None:
            return _finish([Repeat(t_slot, body)], search.ids.slots, parsed)
    search.budget, search.hidden = _BUDGET, set()
    items = search.extend([], [(0, {}) for _ in parsed], at_end)
    return None if items is None else _finish(items, search.ids.slots, parsed)


def _finish(items: list[Item], slots: list[Slot], parsed: list[Lines]) -> Layout:
    """Records every sample's tokens in the slots, and which strings' lengths are variables."""
    envs = []
    for lines in parsed:
        env: dict[int, int] = {}
        pos, before = 0, {id(s): len(s.seen) for s in slots}
        for item in items:
            pos = _read(item, lines, pos, env, record=True)
        envs.append((env, {id(s): s.seen[before[id(s)]:] for s in slots}))
    kept = list({id(s): s for s in _all_slots(items)}.values())  # in reading order
    multi = bool(items) and isinstance(items[0], Repeat)
    for slot in kept:
        if slot.kind != "str" or multi:
            continue
        for var in sorted(envs[0][0]):
            kinds = {s.id: s.kind for s in kept}
            if var != slot.id and kinds.get(var) == "int" and max(map(len, slot.seen)) > 1 and all(toks and all(len(t) == env.get(var) for t in toks)
                                      for env, seen in envs for toks in [seen[id(slot)]]):
                slot.length_of = var
                break
    return Layout(items, kept)


def _all_slots(items: list[Item]):
    for item in items:
        if isinstance(item, Scalars):
            yield from item.slots
        elif isinstance(item, Vector):
            yield item.slot
        elif isinstance(item, Rows):
            yield from item.slots
            for cols in item.types.values():
                yield from cols
        else:
            yield item.count_slot
            yield from _all_slots(item.body)
