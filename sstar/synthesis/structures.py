"""Structured arguments of functional (LeetCode-style) problems, valid by construction.

The Constraints section says what shape an argument has beyond its ranges: ``nums`` is a
permutation, its values are distinct, it is sorted, ``edges`` form a tree, a ``ListNode`` or
``TreeNode`` argument (encoded, as LeetCode does, as a list: a linked list's values in order, a
tree's values in level order with ``null`` for missing children). :func:`read_shapes` attaches
each such sentence to the argument it names; :func:`apply_shapes` rebuilds the drawn values so
they have that shape while keeping every length and range drawn from the read constraints.
A structure sentence that names no argument is reported as not read, and the inputs are not
marked valid.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from .constraints import _NUM, evaluate, lost_superscripts, normalize

_DISTINCT = re.compile(r"\bdistinct\b|\bunique\b|pairwise different|all different", re.I)
_PERMUTATION = re.compile(r"\bpermutation\b", re.I)
_SORTED = re.compile(r"\bsorted\b|non-?decreasing|\bincreasing order|ascending", re.I)
_STRICT = re.compile(r"strictly increasing", re.I)
_TREE = re.compile(r"\btree\b", re.I)
_LEADING = re.compile(r"\bleading zero", re.I)
_MAY = re.compile(r"\b(?:can|may)\b", re.I)  # "the result can have leading zeros": no guarantee


@dataclass
class Shapes:
    distinct: set[str] = field(default_factory=set)
    permutation: set[str] = field(default_factory=set)
    sorted: set[str] = field(default_factory=set)
    tree_edges: str = ""  #: the argument holding a tree's edges
    tree_nodes: str = ""  #: the integer argument giving its node count ("": len(edges) + 1)
    nodes: dict[str, str] = field(default_factory=dict)  #: argument -> "list" (ListNode) or "tree" (TreeNode)
    no_leading_zero: set[str] = field(default_factory=set)  #: numbers (digit strings, digit lists) not led by 0
    unread: list[str] = field(default_factory=list)  #: structure sentences naming no argument


def constraints_section(text: str) -> str:
    """The Constraints section (where guarantees about the input live); the whole text if there is none."""
    m = re.search(r"^\s*constraints\s*:?\s*$", text, re.I | re.M)
    return text[m.end():] if m else text


def read_shapes(text: str, hints: dict[str, str], depths: dict[str, int]) -> Shapes:
    """The structures the constraints give each argument (``hints``: annotation text, ``depths``: list depth)."""
    shapes = Shapes()
    for name, hint in hints.items():
        if "ListNode" in hint:
            shapes.nodes[name] = "list"
        elif "TreeNode" in hint:
            shapes.nodes[name] = "tree"
    section = normalize(constraints_section(text))
    for line in re.split(r"\n|(?<=[.;])\s+", section):
        if _LEADING.search(line) and not _MAY.search(line):
            # "num does not contain any leading zeros"; "It doesn't ...", "the list represents a number
            # that does not have leading zeros": the one argument that can hold digits
            named = [n for n in hints if re.search(rf"(?<![\w.]){re.escape(n)}(?![\w])", line)]
            holders = [n for n in hints if depths.get(n) or "str" in hints[n] or n in shapes.nodes]
            target = named or (holders if len(holders) == 1 else [])
            if target:
                shapes.no_leading_zero.update(target)
            else:
                shapes.unread.append(line.strip()[:160])
            continue
        if re.search(r"guaranteed|generated such that", line, re.I) and not re.search(
                r"\btree\b|distinct|unique|permutation|sorted|<=|>=|<|>|==|!=", line, re.I):
            shapes.unread.append(line.strip()[:160])  # "such that you can collect elements 1..k": not read
            continue
        named = [n for n in hints if re.search(rf"(?<![\w.]){re.escape(n)}(?![\w])", line)]
        lists = [n for n in named if depths.get(n)]
        if _TREE.search(line) and not shapes.nodes:
            edges = [n for n in lists if depths[n] == 2] or [n for n in hints if n.lower() == "edges"]
            if edges:
                shapes.tree_edges = edges[0]
                ints = [n for n in hints if not depths.get(n) and n in ("n", "nodes")]
                shapes.tree_nodes = ints[0] if ints else ""
            elif not re.search(r"number of nodes", line, re.I):
                shapes.unread.append(line.strip()[:160])
            continue
        for pattern, found in ((_PERMUTATION, shapes.permutation), (_DISTINCT, shapes.distinct),
                               (_SORTED, shapes.sorted)):
            if pattern.search(line):
                if lists:
                    found.update(lists)
                    if pattern is _SORTED and _STRICT.search(line):
                        shapes.distinct.update(lists)
                elif line.strip() and not re.search(r"\bnode", line, re.I):
                    shapes.unread.append(line.strip()[:160])
    if not shapes.tree_edges and not shapes.nodes and _TREE.search(text):
        # "There exists an undirected tree ... edges[i] = [ai, bi]": the tree is in the statement's body
        edges = [n for n in hints if depths.get(n) == 2 and "edge" in n.lower()]
        if edges:
            shapes.tree_edges = edges[0]
            shapes.tree_nodes = next((n for n in hints if not depths.get(n) and n in ("n", "nodes")), "")
        else:
            shapes.unread.append("a tree not given as a list of edges")
    return shapes


def node_bounds(text: str) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """(number of nodes, node values) ranges of a ``ListNode``/``TreeNode`` argument, where stated."""
    t = normalize(constraints_section(text))
    lost = lost_superscripts(t)
    count = values = None
    m = re.search(rf"number of nodes[^\[.]*?\[\s*({_NUM})\s*,\s*({_NUM})\s*\]", t, re.I)
    if m:
        # "[1, 104]": a node count scraped without its superscript is 10^4 (LeetCode states node counts
        # as powers of ten; a real bound of 102..109 nodes does not occur), even where nothing else says so
        lost_count = lost or bool(re.fullmatch(r"(?:\d\s*\*\s*)?10[2-9]", m.group(2).strip()))
        count = evaluate(m.group(1), lost_count), evaluate(m.group(2), lost_count)
    m = re.search(rf"({_NUM})\s*<=\s*node\.val\s*<=\s*({_NUM})", t, re.I)
    if m:
        values = evaluate(m.group(1), lost), evaluate(m.group(2), lost)
    ok = lambda r: r if r and all(isinstance(v, int) for v in r) and r[0] <= r[1] else None  # noqa: E731
    return ok(count), ok(values)


def _rng(rnd) -> random.Random:
    """A ``random.Random`` whose seed comes from the draw (so Hypothesis still controls the example)."""
    return random.Random(rnd.integer(0, 2**32 - 1))


def tree_edges(n: int, base: int, rng: random.Random) -> list[list[int]]:
    """A uniformly relabelled random tree on nodes base..base+n-1: n - 1 edges, connected, no cycle."""
    labels = list(range(base, base + n))
    rng.shuffle(labels)
    edges = []
    for i in range(1, n):
        u, v = labels[i], labels[rng.randrange(i)]
        edges.append([u, v] if rng.random() < 0.5 else [v, u])
    rng.shuffle(edges)
    return edges


def level_order(values: list[int], rng: random.Random) -> list[Any]:
    """A random binary tree holding ``values``, in LeetCode's level-order encoding (``None`` for a
    missing child, trailing ``None`` dropped)."""
    if not values:
        return []
    children: list[list[Any]] = [[None, None]]
    free = [(0, 0), (0, 1)]  # (node, side) slots a new node may take
    for i in range(1, len(values)):
        node, side = free.pop(rng.randrange(len(free)))
        children[node][side] = i
        children.append([None, None])
        free += [(i, 0), (i, 1)]
    out: list[Any] = []
    queue = [0]
    for node in queue:  # breadth first; the queue grows as it is read
        if node is None:
            out.append(None)
            continue
        out.append(values[node])
        queue += children[node]
    while out and out[-1] is None:
        out.pop()
    return out


def apply_shapes(shapes: Shapes, drawn: dict[str, Any], ranges: dict[str, tuple[Any, Any]],
                 bases: dict[str, int], rnd) -> bool:
    """Gives the drawn arguments their structures, in place; False where one could not be built within
    the drawn sizes and ranges (the input is then not valid by construction)."""
    ok = True
    rng = None
    for name in shapes.permutation:
        value = drawn.get(name)
        if isinstance(value, list):
            rng = rng or _rng(rnd)
            base = bases.get(name, 1)
            lo, hi = ranges.get(name, (None, None))
            perm = list(range(base, base + len(value)))
            rng.shuffle(perm)
            drawn[name] = perm
            ok &= (lo is None or base >= lo) and (hi is None or not perm or base + len(value) - 1 <= hi)
    for name in shapes.distinct - shapes.permutation:
        value = drawn.get(name)
        if not isinstance(value, list) or len(set(map(repr, value))) == len(value):
            continue
        rng = rng or _rng(rnd)
        lo, hi = ranges.get(name, (None, None))
        if value and all(isinstance(v, int) for v in value) and isinstance(lo, int) and isinstance(hi, int):
            if hi - lo + 1 >= len(value):
                drawn[name] = rng.sample(range(lo, hi + 1), len(value))
                continue
        ok = False  # strings, rows, or a range narrower than the length: not rebuilt
    for name in shapes.sorted:
        value = drawn.get(name)
        if isinstance(value, list):
            try:
                value.sort()
            except TypeError:
                ok = False
    if shapes.tree_edges and isinstance(drawn.get(shapes.tree_edges), list):
        rows = drawn[shapes.tree_edges]
        n = drawn.get(shapes.tree_nodes) if shapes.tree_nodes else len(rows) + 1
        if isinstance(n, int) and n >= 1:
            rng = rng or _rng(rnd)
            edges = tree_edges(n, bases.get(shapes.tree_edges, 0), rng)
            # weighted edges keep the extra columns drawn within their ranges
            drawn[shapes.tree_edges] = [e + (list(r[2:]) if isinstance(r, list) else [])
                                        for e, r in zip(edges, rows + [[]] * len(edges))]
            ok &= len(edges) == len(rows) or len(rows) == 0
        else:
            ok = False
    for name in shapes.no_leading_zero:
        ok &= _strip_leading_zero(drawn, name, ranges.get(name, (None, None)))
    for name, kind in shapes.nodes.items():
        value = drawn.get(name)
        if kind == "tree" and isinstance(value, list):
            rng = rng or _rng(rnd)
            drawn[name] = level_order(value, rng)
    return ok


def _strip_leading_zero(drawn: dict[str, Any], name: str, bounds: tuple[Any, Any]) -> bool:
    """A number written with more than one digit starts with a non-zero digit (a lone 0 stays); False
    where that cannot be done within the drawn range."""
    value = drawn.get(name)
    if isinstance(value, str):
        drawn[name] = "1" + value[1:] if len(value) > 1 and value[0] == "0" and value.isdigit() else value
        return True
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        drawn[name] = ["1" + v[1:] if len(v) > 1 and v[0] == "0" and v.isdigit() else v for v in value]
        return True
    if isinstance(value, list) and len(value) > 1 and value[0] == 0:  # a number's digits, most significant first
        lo, hi = bounds
        if isinstance(hi, int) and hi >= 1:
            value[0] = max(1, lo if isinstance(lo, int) else 1)
            return value[0] <= hi
        return False
    return True
