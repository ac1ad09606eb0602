"""What a statement says beyond numeric ranges: alphabets, distinct values, permutations, sorted
arrays, trees, simple and connected graphs, sums over test cases, and the guarantees we could not read.

A guarantee we cannot read ("it is guaranteed that the answer exists") means inputs built from
the constraints might break it, so they are not marked as valid by construction.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from .constraints import _NUM, evaluate, lost_superscripts, normalize

_ALPHABETS = [
    (r"lower\s*-?\s*case (?:english |latin )?(?:letters|characters)|small (?:english |latin )?letters", string.ascii_lowercase),
    (r"upper\s*-?\s*case (?:english |latin )?(?:letters|characters)|capital (?:english |latin )?letters", string.ascii_uppercase),
    (r"(?<!non-)\bdigits\b", string.digits),
    (r"binary string|consist\w* (?:only )?of (?:characters |the characters |digits )?['\"]?0['\"]? and ['\"]?1\b"
     r"|(?:either|only) ['\"]?0['\"]? (?:or|and) ['\"]?1\b", "01"),
]

_KNOWN_GUARANTEES = re.compile(
    r"tree|distinct|different|permutation|sorted|increasing|decreasing|self.?loops?|multiple edges|connected"
    r"|\bsum\b|total|exceed|<=|<|>=|!=|consist|letters|digits|integer|at most|at least|no (?:two|more)|unique"
    r"|reach|path|valid|length|from any|to any other", re.I)


@dataclass
class Facts:
    alphabets: dict[str, str] = field(default_factory=dict)
    """Characters allowed in a string variable; key "" for the statement's general alphabet."""
    sums: dict[str, int] = field(default_factory=dict)
    """Upper bound on the sum of a quantity over all test cases; key "" when the quantity is unnamed."""
    distinct: bool = False
    permutation: bool = False
    sorted: bool = False
    tree: bool = False
    simple_graph: bool = False
    connected: bool = False
    unread: list[str] = field(default_factory=list)
    """Guarantees the statement makes that no rule here understands."""


def parse_alphabets(text: str) -> dict[str, str]:
    """Characters allowed in each string variable, where the text says ("" for an unnamed string)."""
    out: dict[str, str] = {}
    for sentence in re.split(r"(?<=[.\n])\s*", normalize(text)):
        chars = ""
        for pattern, alphabet in _ALPHABETS:
            if re.search(pattern, sentence, re.I):
                chars += alphabet
        if not chars:
            continue
        chars += "".join(c for c in re.findall(r"['\"«](\S)['\"»]", sentence) if c not in chars)
        chars = "".join(dict.fromkeys(chars))
        named = re.findall(r"\b(?:string|strings|word|words)\s+([A-Za-z_]\w*)\b|\b([A-Za-z_]\w*)(?:\[i\])?\s+"
                           r"(?:consists|consisting|is either|contains only|only contains|is a binary)", sentence)
        names = [a or b for a, b in named if (a or b).lower() not in ("of", "only", "and", "the", "a", "it", "each")]
        for name in names or [""]:
            out.setdefault(name, chars)
        out.setdefault("", chars)
    return out


def parse_sums(text: str) -> dict[str, int]:
    t = normalize(text)
    lost = lost_superscripts(t)
    out: dict[str, int] = {}
    pattern = (rf"(?:sum|total)\s+(?:of\s+)?(?:the\s+)?(?:all\s+)?(?:values\s+of\s+)?(?:\|\s*)?([A-Za-z_]\w*)?(?:\s*\|)?"
               rf"[^.<]{{0,80}}?(?:does not exceed|doesn't exceed|do not exceed|is at most|will not exceed|won't exceed"
               rf"|is not greater than|<=|is less than or equal to|not exceeding)\s*({_NUM})")
    for name, number in re.findall(pattern, t, re.I):
        value = evaluate(number, lost)
        if isinstance(value, int):
            key = "" if not name or name.lower() in ("all", "the", "lengths", "length", "sizes", "over") else name
            out.setdefault(key, value)
            out.setdefault("", value)
    for name, number in re.findall(rf"(?:∑|\\sum)\s*(?:_\S+\s*)?\|?\s*([A-Za-z_]\w*)\|?\s*<=\s*({_NUM})", t):
        value = evaluate(number, lost)
        if isinstance(value, int):
            out.setdefault(name, value)
            out.setdefault("", value)
    return out


def parse_facts(text: str) -> Facts:
    t = normalize(text)
    low = t.lower()
    facts = Facts(alphabets=parse_alphabets(text), sums=parse_sums(text))
    facts.distinct = bool(re.search(r"\b(?:pairwise )?distinct\b|pairwise different|all different|strictly (?:in|de)creasing"
                                    r"|\bno two\b[^.]{0,40}\bsame\b|[a-z]_?1\s*<\s*[a-z]_?2\s*<", low))
    facts.permutation = "permutation" in low
    facts.sorted = bool(re.search(r"sorted|non-?decreasing order|increasing order|[a-z]_?1\s*<=?\s*[a-z]_?2\s*<=?", low))
    facts.tree = bool(re.search(r"\btree\b", low))
    facts.simple_graph = bool(re.search(r"self.?loops?|multiple edges|at most one (?:edge|road)|!=", low))
    facts.connected = bool(re.search(r"\bconnected\b|reach any|from any (?:vertex|city|node)", low))
    for sentence in re.split(r"(?<=[.!?])\s+", t):
        if re.search(r"guaranteed that|it is guaranteed|we guarantee|guarantees that|generated such that"
                     r"|(?:you|we) (?:may|can) (?:safely )?assume", sentence, re.I) and \
                not _KNOWN_GUARANTEES.search(sentence):
            facts.unread.append(sentence.strip()[:160])
    return facts
