"""Constraints stated in a problem's text, in the styles judges write them.

``1 <= nums.length <= 10^5``, ``-10^9 <= nums[i] <= 10^9``, ``1 <= k <= nums.length``,
``nums.length == n``, ``1 ≤ a_i ≤ 2^{25} − 1``, ``$1 \\le n, m \\le 100$``, ``2 \\cdot 10^5``,
``|s| ≤ 2·10^5``, Codeforces' ``1 ≤ n ≤ 105`` (a superscript lost in extraction: 10^5) and
``100 000``. Each becomes a :class:`Bound` on a (name, part) pair -- part ``len`` (a length),
``len2`` (an inner length), ``elem`` (an element) or ``val`` (the value itself). A limit may
refer to another quantity (``nums.length``, ``n``). Alphabets and the structural facts
(distinct, permutation, sorted, tree, simple graph, sum of n over test cases) are in
:mod:`.facts`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Union

Ref = tuple[str, str]
Limit = Union[int, float, Ref, None]


@dataclass(frozen=True)
class Bound:
    lo: Limit
    hi: Limit

    def merged(self, other: "Bound") -> "Bound":
        """Keeps what this bound says, fills in what it does not from ``other``."""
        return Bound(self.lo if self.lo is not None else other.lo, self.hi if self.hi is not None else other.hi)


_S = r"[ \t]*"  # no newlines: a bullet "*" on the next line is not a multiplication
# Repetitions are bounded (no real constraint needs more) and no pattern starts with optional whitespace:
# an unbounded ``(, name)*`` or a leading ``[ \t]*`` is rescanned from every start inside a long run
# ("a, a, a, ...", "2 * 2 * ...", a[i][i]..., a long run of spaces), quadratic work on an odd statement.
_ATOM = rf"\d+(?:\.\d+)?(?:{_S}\^{_S}\d+)?"
_NUM = rf"(?:-{_S})?{_ATOM}(?:{_S}\*{_S}{_ATOM}){{0,8}}(?:{_S}[+-]{_S}\d+(?:{_S}\^{_S}\d+)?){{0,8}}"
_INDEX = r"(?:\s*\[\s*\w+\s*\]){0,6}"
# indices after the name, or after its .length: one way to read a[i] (two made a failing list of n
# indexed names 2^n ways to backtrack)
_IDENT = rf"[A-Za-z_]\w*{_INDEX}(?:(?:\.length|\.size\(\)){_INDEX}(?:\.length)?)?"
_NAME = rf"(?:\|{_S}{_IDENT}{_S}\||{_IDENT})"
_NAMES = rf"(?:{_NAME})(?:{_S},{_S}{_NAME}){{0,30}}"
_OPERAND = rf"(?:{_NUM}|{_NAME}(?:{_S}[+-]{_S}\d+)?)"
_CHAIN = re.compile(rf"(?<![\w.|])({_OPERAND}){_S}(<=|<){_S}({_NAMES}){_S}(<=|<){_S}({_OPERAND})(?![\w^])")
_UPPER = re.compile(rf"(?<![\w.|<=]{{2}})(?<![\w.|])({_NAMES}){_S}(<=|<){_S}({_NUM})(?![\w^.*])")
_LOWER = re.compile(rf"(?<![\w.|^*])({_NUM}){_S}(<=|<){_S}({_NAMES})(?![\w.\[|])(?!{_S}(?:<|\[|\||\.\w))")
_LONG = re.compile(rf"(?<![\w.|])({_OPERAND})((?:{_S}(?:<=|<){_S}{_NAMES}){{2,8}}){_S}(<=|<){_S}({_OPERAND})(?![\w^])")
_EQUAL = re.compile(rf"(?<![\w.])({_NAME}){_S}==?{_S}({_NAME}(?:{_S}[+-]{_S}\d+)?|\d+)(?![\w.(\[])")
_WORDS = {"and", "or", "of", "the", "is", "if", "for", "all", "each", "where", "then", "at", "most", "least", "to",
          "in", "be", "it", "that", "with", "an", "i", "j", "mod", "pmod", "max", "min", "sum", "le", "ge"}


def normalize(text: str) -> str:
    t = text.replace("≤", "<=").replace("≥", ">=").replace("&lt;", "<").replace("&gt;", ">").replace("⩽", "<=")
    t = t.replace("−", "-").replace("–", "-").replace("\u2009", " ").replace("\xa0", " ")
    t = re.sub(r"\\(?:le|leq|leqslant)\b", "<=", t)
    t = re.sub(r"\\(?:ge|geq|geqslant)\b", ">=", t)
    t = re.sub(r"\\(?:ne|neq)\b|≠", "!=", t)
    t = re.sub(r"\\(?:cdot|times)|·|×|⋅|∙", "*", t)
    t = re.sub(r"\\(?:mathrm|text|mathit|textbf|operatorname)\s*\{([^{}]*)\}", r"\1", t)
    t = re.sub(r"<sup>\s*(\d+)\s*</sup>", r"^\1", t)
    t = re.sub(r"\^\s*\{\s*([^{}]+?)\s*\}", lambda m: "^" + m.group(1).replace(" ", ""), t)
    t = re.sub(r"_\{\s*([^{}]+?)\s*\}", lambda m: "_" + m.group(1).replace(" ", ""), t)
    t = t.replace("$", " ").replace("\\,", "").replace("\\ ", " ").replace("{,}", "").replace("\\{", "{").replace("\\}", "}")
    t = re.sub(r"\\?\|", "|", t)
    t = _join_thousands(t)
    t = re.sub(rf"(?<![\w.|])({_NAME}){_S}>=?{_S}((?:-{_S})?{_ATOM})(?![\w^*.])",
               lambda m: f"{m.group(2)} {'<=' if m.group(0).count('=') else '<'} {m.group(1)}", t)
    t = re.sub(r"(?<=\d)[ \t]*-[ \t]*1\b", "-1", t)  # within a line: "<= 3\n-1 <= x" is two constraints
    return t


def _join_thousands(t: str) -> str:
    """``100 000`` and ``100,000`` after a comparison are one number (``998 244 353`` too)."""
    return re.sub(r"((?:<=|<|>=|>|=)\s*(?:-\s*)?\d{1,3})((?:[ ,]\d{3}(?!\d))+)",
                  lambda m: m.group(1) + m.group(2).replace(" ", "").replace(",", ""), t)


def lost_superscripts(text: str) -> bool:
    """Codeforces statements scraped without markup write 10^5 as ``105``: no caret anywhere,
    and bounds like ``105`` or ``2*109`` (real bounds of 102..1018 are rare)."""
    if "^" in text:
        return False
    plain = re.findall(r"<=\s*(?:-\s*)?10(?:[2-9]|1[0-8])\b", text)
    scaled = re.findall(r"\d\s*\*\s*10(?:[2-9]|1[0-8])\b", text)
    modulus = re.findall(r"\b109\s*\+\s*7\b", text)
    usual = [m for m in plain if re.search(r"10(?:5|6|9|18)$", m)]  # 10^5, 10^6, 10^9, 10^18: the usual bounds
    return bool(scaled or modulus or usual or len(plain) >= 2)  # one "<= 104" alone may be just 104


def evaluate(expr: str, lost: bool = False) -> int | float | None:
    expr = expr.replace(" ", "")
    if not re.fullmatch(r"-?[\d.^*+-]+", expr):
        return None
    if lost:
        expr = re.sub(r"(?<![\d.^])10([2-9]|1[0-8])(?![\d.])", r"10^\1", expr)
    if re.search(r"\^\d{3,}|\^\d+\^", expr):
        return None
    try:
        value = eval(expr.replace("^", "**"), {"__builtins__": {}}, {})  # digits and operators only
    except Exception:  # noqa: BLE001
        return None
    if isinstance(value, float) and value.is_integer() and "." not in expr:
        value = int(value)
    return value if isinstance(value, (int, float)) else None


def key_of(name: str) -> tuple[str, str]:
    name = re.sub(r"\s+", "", name)  # a tab inside |\ta_i| too
    if name.startswith("|") and name.endswith("|"):
        base, part = key_of(name[1:-1])
        return base, {"val": "len", "elem": "len2"}.get(part, part)
    base = re.match(r"[A-Za-z_]\w*", name).group(0)
    if re.fullmatch(r"[A-Za-z_]\w*\[\w+\]\.length", name):
        return base, "len2"
    if name.endswith(".length") or name.endswith(".size()"):
        return base, "len"
    if "[" in name:
        return base, "elem"
    if re.fullmatch(r"[A-Za-z]+_(?:[a-z]|\d+|[a-z][+-]1)", name):  # a_i, b_j, p_1: elements in statements
        return name.split("_")[0], "elem"
    if re.fullmatch(r"[a-z][ij]", name):  # ai, bj: a subscript lost in extraction
        return name[0], "elem"
    return base, "val"


def _limit(token: str, strict: bool, upper: bool, lost: bool) -> Limit:
    token = token.strip()
    value = evaluate(token, lost)
    if value is None:
        offset = re.fullmatch(rf"({_NAME}){_S}([+-]){_S}(\d+)", token)
        if offset:  # k <= n - 1: the name, tightened by the offset (kept as a reference plus a shift)
            base = key_of(offset.group(1))
            shift = int(offset.group(3)) * (1 if offset.group(2) == "+" else -1)
            return (base[0], base[1] + f"{shift:+d}") if _plain_name(offset.group(1)) else None
        if not re.fullmatch(_NAME, token) or not _plain_name(token):
            return None
        ref = key_of(token)
        return (ref[0], ref[1] + ("-1" if upper else "+1")) if strict else ref
    if strict and isinstance(value, int):
        value = value - 1 if upper else value + 1
    return value


def _plain_name(name: str) -> bool:
    word = re.match(r"\|?\s*([A-Za-z_]\w*)", name).group(1)
    return word.lower() not in _WORDS


def parse_constraints(text: str) -> dict[tuple[str, str], Bound]:
    """The bounds the text states, by (name, part); a fresh dict the caller may change."""
    return dict(_parse(text))


@lru_cache(maxsize=32)  # one statement is read for every input checked and every synthesis step
def _parse(text: str) -> tuple[tuple[tuple[str, str], Bound], ...]:
    t = normalize(text)
    lost = lost_superscripts(t)
    out: dict[tuple[str, str], Bound] = {}

    def add(names: str, bound: Bound) -> None:
        if bound.lo is None and bound.hi is None:
            return
        for name in re.split(r"\s*,\s*", names):
            if evaluate(name) is not None or not _plain_name(name):
                continue
            keys = [key_of(name)]
            if name.startswith("|"):  # |s| a length, or |x| an absolute value: -hi <= x <= hi
                inner = key_of(name.strip("| "))
                if isinstance(bound.hi, int) and inner[1] in ("val", "elem"):
                    keys.append(inner)
                    bound_abs = Bound(-bound.hi, bound.hi)
                    out[inner] = out[inner].merged(bound_abs) if inner in out else bound_abs
            key = keys[0]
            out[key] = out[key].merged(bound) if key in out else bound

    spans: list[tuple[int, int]] = []
    for m in _LONG.finditer(t):  # 1 <= a_i < b_i <= n: every middle name between the two ends
        lo, middle, op2, hi = m.groups()
        parts = re.split(rf"{_S}(<=?){_S}", middle.strip())[1:]  # [op, names, op, names, ...]
        groups, ops = parts[1::2], parts[2::2] + [op2]  # ops[k]: the comparison right of groups[k]
        for k, names in enumerate(groups):  # 1 <= k <= n <= 1000: k up to n, n up to 1000
            right = groups[k + 1] if k + 1 < len(groups) and "," not in groups[k + 1] else None
            upper = _limit(right, ops[k] == "<", True, lost) if right else _limit(hi, op2 == "<", True, lost)
            add(names, Bound(_limit(lo, False, False, lost), upper))
        spans.append(m.span())
    in_long = _Spans(spans)
    for m in _CHAIN.finditer(t):
        if m.start() in in_long:
            continue
        lo, op1, names, op2, hi = m.groups()
        add(names, Bound(_limit(lo, op1 == "<", False, lost), _limit(hi, op2 == "<", True, lost)))
        spans.append(m.span())
    covered = _Spans(spans)
    for m in _UPPER.finditer(t):
        if m.start() not in covered:
            add(m.group(1), Bound(None, _limit(m.group(3), m.group(2) == "<", True, lost)))
    for m in _LOWER.finditer(t):
        if m.start() not in covered:
            add(m.group(3), Bound(_limit(m.group(1), m.group(2) == "<", False, lost), None))
    for m in _EQUAL.finditer(t):  # nums.length == n: the two name one quantity
        if re.fullmatch(r"\d+", m.group(2)):  # edges[i].length == 2
            if "len" in key_of(m.group(1))[1] and _plain_name(m.group(1)):
                out.setdefault(key_of(m.group(1)), Bound(int(m.group(2)), int(m.group(2))))
            continue
        left, right = key_of(m.group(1)), _limit(m.group(2), False, True, lost)
        if isinstance(right, tuple) and _plain_name(m.group(1)) and left != right and "len" in left[1] + right[1]:
            out.setdefault(left, Bound(right, right))
            if right[1] in ("val", "len"):
                out.setdefault(right, Bound(left, left))
    return tuple(out.items())


class _Spans:
    """Positions inside any of some (start, end) spans, looked up by bisection (a statement may hold
    thousands of constraints: a scan of every span per match is quadratic)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in sorted(spans):  # merged, so the span starting last at or before a position decides
            if self.starts and start <= self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], end)
            else:
                self.starts.append(start)
                self.ends.append(end)

    def __contains__(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]


def split_ref(ref: Ref) -> tuple[str, str, int]:
    """("n", "val-1") -> ("n", "val", -1)."""
    name, part = ref
    m = re.fullmatch(r"([a-z0-9]+?)([+-]\d+)?", part)
    return name, m.group(1), int(m.group(2) or 0)
