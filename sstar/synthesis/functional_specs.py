"""What each argument of a functional (LeetCode-style) problem is, before anything is drawn.

An :class:`ArgSpec` per argument: its kind and list depth from the starter code's type hint and the
public inputs' JSON, its value and length ranges from the constraints (``1 <= nums.length <= 10^5``,
``1 <= k <= nums.length``, a bound naming another argument kept as a reference), its alphabet, and for a
``ListNode``/``TreeNode`` argument the node count and node values of its list encoding. ``shapes_of``
reads the structures (permutation, distinct, sorted, tree) the constraints give the arguments.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass, field
from typing import Any

from ..problem import Problem
from .constraints import Bound, parse_constraints, split_ref
from .facts import parse_alphabets
from .signature import _kind_from_hint, _kind_from_value, _leaves, _lengths, signature
from .structures import Shapes, node_bounds, read_shapes
from .vocabulary import vocabulary

SMALL = 8  # longest list / string in the random examples
LARGE = 2000  # longest list / string in the "largest size" edge cases (keeps runs fast)


@dataclass
class ArgSpec:
    name: str
    kind: str  # int, float, bool, str, list
    inner: "ArgSpec | None" = None  # element spec of a list
    lo: Any = None
    hi: Any = None
    len_lo: Any = None
    len_hi: Any = None
    alphabet: str = ""
    depth: int = 0
    extras: dict = field(default_factory=dict)


def build_specs(problem: Problem) -> list[ArgSpec]:
    names = signature(problem.starter_code, problem.func_name)
    samples = [[json.loads(a) for a in t.arguments()] for t in problem.public_test_cases]
    samples = [s for s in samples if len(s) == len(names)] if names else samples
    if not names and samples:
        names = [(f"arg{i}", "") for i in range(len(samples[0]))]
    bounds = parse_constraints(problem.question_content)
    alphabets = parse_alphabets(problem.question_content)
    specs = []
    for i, (name, hint) in enumerate(names):
        values = [s[i] for s in samples]
        kind, depth = _kind_from_hint(hint)
        if "ListNode" in hint or "TreeNode" in hint:  # LeetCode's list encodings
            count, node_values = node_bounds(problem.question_content)
            kind, depth = "int", 1
            spec_read = bool(count and node_values)
            if count:
                bounds[(name, "len")] = Bound(*count)
            if node_values:
                bounds[(name, "elem")] = Bound(*node_values)
            values = [[v for v in value if v is not None] if isinstance(value, list) else [] for value in values]
        elif values:
            v_kind, v_depth = _kind_from_value(values[0])
            # a hint that names no element type (``l: list``, ``List[Any]``) says less than the samples do
            kind, depth = (kind or v_kind), (depth if hint and kind else max(depth, v_depth))
        kind = kind or "int"
        leaves = [v for value in values for v in _leaves(value) if v is not None]
        spec = ArgSpec(name=name, kind=kind, depth=depth)
        if "ListNode" in hint or "TreeNode" in hint:
            spec.extras["read"] = spec_read
        elem = bounds.get((name, "elem") if depth else (name, "val"), Bound(None, None))
        if kind in ("int", "float"):
            nums = [v for v in leaves if isinstance(v, (int, float)) and not isinstance(v, bool)]
            # unstated: down to 0, or to -10 where the samples show negative values (one -1 in a sample
            # left sums of zero to a single negative number)
            spec.lo = elem.lo if elem.lo is not None else (min(min(nums), 0 if min(nums) >= 0 else -10) if nums else -10)
            spec.hi = elem.hi if elem.hi is not None else (max(max(nums), 10) if nums else 10)
        read_any = any(key[0] == name for key in bounds)
        if kind == "str":
            chars = "".join(sorted({c for v in leaves if isinstance(v, str) for c in v}))
            spec.alphabet = alphabets.get(name) or _widened(chars)
            str_lengths = [len(v) for v in leaves if isinstance(v, str)]
            key = (name, "len2") if depth else (name, "len")
            b = bounds.get(key, Bound(None, None))
            # nothing read about it: from empty (top-level) or one character up -- the samples' shortest,
            # "Hello", left every length below 5 undrawn, where a wrong prime_length goes wrong
            spec.extras["str_lo"] = b.lo if b.lo is not None else min(min(str_lengths, default=1),
                                                                      1 if depth or read_any else 0)
            spec.extras["str_hi"] = b.hi if b.hi is not None else max(max(str_lengths, default=0), SMALL)
            spec.extras["str_stated"] = b.hi is not None
            words, sep = vocabulary(problem.question_content, [v for v in leaves if isinstance(v, str)],
                                    alphabets.get(name, ""))
            if words:
                spec.extras["words"], spec.extras["sep"] = words, sep
        if depth:
            lengths = [n for value in values for n in _lengths(value, 1)]
            b = bounds.get((name, "len"), Bound(None, None))
            # nothing read about it: the empty list too, not only down to the samples' shortest (where the
            # statement bounds it somewhere, its inputs may be marked valid: the samples' shortest stays)
            spec.len_lo = b.lo if b.lo is not None else min(lengths, default=1) if read_any else 0
            spec.len_hi = b.hi if b.hi is not None else (max(max(lengths) if lengths else SMALL, SMALL))
            inner = bounds.get((name, "len2"))
            widths = [len(row) for value in values if isinstance(value, list) for row in value if isinstance(row, list)]
            # rows as wide as the samples' where the statement gives no inner length ([u, v] pairs stay pairs)
            spec.extras["inner_lo"] = inner.lo if inner and inner.lo is not None else min(widths, default=1)
            spec.extras["inner_hi"] = inner.hi if inner and inner.hi is not None else max(widths, default=SMALL)
        # the smallest label a permutation or a tree's nodes start from (every node is in a tree's edges)
        ends = [x for value in values if isinstance(value, list) for row in value if isinstance(row, list)
                for x in row[:2]] if depth == 2 else leaves
        spec.extras["base"] = min((v for v in ends if isinstance(v, int)), default=spec.lo)
        specs.append(spec)
    _alias_sizes(specs, bounds)
    shapes = shapes_of(problem, specs)
    for spec in specs:  # distinct strings: a few tokens drawn again and again would break it
        if spec.name in shapes.distinct | shapes.permutation:
            spec.extras.pop("words", None)
    return specs


def _widened(chars: str) -> str:
    """An alphabet nothing states, from the samples' characters: letters of one case are taken as that
    case's alphabet when the samples show fewer than three (samples such as "" and "x" would otherwise
    make every drawn string a run of one letter); digits, symbols and mixed cases are kept as they are."""
    for letters in (string.ascii_lowercase, string.ascii_uppercase):
        if chars and set(chars) <= set(letters) and len(chars) < 3:
            return "".join(sorted(set(chars) | set(letters[:3])))
    return chars or string.ascii_lowercase


def _alias_sizes(specs: list[ArgSpec], bounds: dict) -> None:
    """``n == coins.length`` where ``n`` is no argument: ``n`` stands for that length, and the length
    takes ``n``'s stated range."""
    args = {s.name for s in specs}
    for spec in specs:
        if spec.depth and spec.len_lo == spec.len_hi and isinstance(spec.len_lo, tuple):
            name, part, shift = split_ref(spec.len_lo)
            if name not in args and part == "val" and shift == 0:
                own = bounds.get((name, "val"), Bound(None, None))
                spec.len_lo = own.lo if own.lo is not None else 1
                spec.len_hi = own.hi if own.hi is not None else SMALL
                spec.extras["alias"] = name


def shapes_of(problem: Problem, specs: list[ArgSpec]) -> Shapes:
    hints = dict(signature(problem.starter_code, problem.func_name)) or {s.name: "" for s in specs}
    return read_shapes(problem.question_content, hints, {s.name: s.depth for s in specs})
