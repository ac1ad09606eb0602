"""Constraints stated in a problem's text: ``1 <= nums.length <= 10^5``, ``-10^9 <= nums[i] <= 10^9``,
``1 <= k <= nums.length``, ``1 ≤ a_i ≤ 10^9``, ``s consists of lowercase English letters``.

Each becomes a :class:`Bound` on a (name, part) pair -- part ``len`` (a length),
``len2`` (an inner length), ``elem`` (an element) or ``val`` (the value itself).
An upper bound may refer to another quantity (``nums.length``).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Union

Ref = tuple[str, str]
Limit = Union[int, float, Ref, None]


@dataclass(frozen=True)
class Bound:
    lo: Limit
    hi: Limit


_S = r"[ \t]*"  # no newlines: a bullet "*" on the next line is not a multiplication
_NUM = rf"-?{_S}\d+(?:\.\d+)?(?:{_S}\^{_S}\d+)?(?:{_S}\*{_S}\d+(?:{_S}\^{_S}\d+)?)*(?:{_S}[+-]{_S}\d+)?"
_NAME = r"[A-Za-z_][\w]*(?:\s*\[\s*\w+\s*\])*(?:\.length|\.size\(\))?(?:\s*\[\s*\w+\s*\])*(?:\.length)?"
_CHAIN = re.compile(rf"({_NUM}|{_NAME}){_S}(<=|<){_S}((?:{_NAME})(?:{_S},{_S}{_NAME})*){_S}(<=|<){_S}({_NUM}|{_NAME})")


def normalize(text: str) -> str:
    t = text.replace("≤", "<=").replace("≥", ">=").replace("&lt;", "<").replace("&gt;", ">")
    t = re.sub(r"\\le(q)?\b", "<=", t)
    t = re.sub(r"\\ge(q)?\b", ">=", t)
    t = re.sub(r"\\(cdot|times)|·|×", "*", t)
    t = re.sub(r"<sup>\s*(\d+)\s*</sup>", r"^\1", t)
    t = re.sub(r"\^\s*\{\s*(\d+)\s*\}", r"^\1", t)
    t = re.sub(r"_\{\s*(\w+)\s*\}", r"_\1", t)
    t = t.replace("$", " ").replace("\\,", "").replace("\\ ", " ")
    return t


def evaluate(expr: str) -> int | float | None:
    expr = expr.replace(" ", "")
    if not re.fullmatch(r"-?[\d.^*+-]+", expr):
        return None
    try:
        value = eval(expr.replace("^", "**"), {"__builtins__": {}}, {})  # digits and operators only
    except Exception:  # noqa: BLE001
        return None
    return value if isinstance(value, (int, float)) else None


def key_of(name: str) -> tuple[str, str]:
    name = name.replace(" ", "")
    base = re.match(r"[A-Za-z_]\w*", name).group(0)
    if re.fullmatch(r"[A-Za-z_]\w*\[\w+\]\.length", name):
        return _strip_index(base), "len2"
    if name.endswith(".length") or name.endswith(".size()"):
        return _strip_index(base), "len"
    if "[" in name:
        return _strip_index(base), "elem"
    if re.fullmatch(r"[A-Za-z]+_[a-z]", name):  # a_i, b_j: elements in statements
        return name.split("_")[0], "elem"
    return base, "val"


def _strip_index(name: str) -> str:
    return name


def _limit(token: str, strict: bool, upper: bool) -> Limit:
    value = evaluate(token)
    if value is None:
        return key_of(token) if re.fullmatch(_NAME, token.strip()) else None
    if strict and isinstance(value, int):
        value = value - 1 if upper else value + 1
    return value


def parse_constraints(text: str) -> dict[tuple[str, str], Bound]:
    out: dict[tuple[str, str], Bound] = {}
    for lo, op1, names, op2, hi in _CHAIN.findall(normalize(text)):
        lo_v = _limit(lo, op1 == "<", upper=False)
        hi_v = _limit(hi, op2 == "<", upper=True)
        if lo_v is None and hi_v is None:
            continue
        for name in re.split(r"\s*,\s*", names):
            if evaluate(name) is not None:
                continue
            out.setdefault(key_of(name), Bound(lo_v, hi_v))
    return out


_ALPHABETS = [
    (r"lower\s*-?\s*case english letters|lowercase letters|lowercase latin letters", string.ascii_lowercase),
    (r"upper\s*-?\s*case english letters|uppercase letters|uppercase latin letters", string.ascii_uppercase),
    (r"\bdigits\b", string.digits),
]


def parse_alphabets(text: str) -> dict[str, str]:
    """Characters allowed in each string variable, where the text says."""
    out: dict[str, str] = {}
    for sentence in re.split(r"(?<=[.\n])\s*", normalize(text)):
        match = re.match(r"\W*([A-Za-z_]\w*)(?:\[i\])?\s+(?:consists|is either|contains only|only contains)",
                         sentence)
        if not match or match.group(1) in out:
            continue
        chars = ""
        for pattern, alphabet in _ALPHABETS:
            if re.search(pattern, sentence, re.I):
                chars += alphabet
        chars += "".join(re.findall(r"'(.)'", sentence))
        if chars:
            out[match.group(1)] = "".join(dict.fromkeys(chars))
    return out
