"""Words for string arguments made of tokens (``'three one five'``, ``'o o| .|'``, ``"circle"``).

Characters drawn one by one from the samples' alphabet never spell ``'seven'``, so a program that maps
words to values crashes on every such input (no evidence) or every candidate agrees on the few inputs
that are samples. Where the samples' strings split into tokens, or the statement quotes values that
include a sample's token (``Valid choices are 'zero', 'one', ...``), part of the random strings are
drawn as sequences of those tokens instead: new combinations of values the problem is known to use.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

_QUOTED = re.compile(r"'([^'\n]{1,60})'|\"([^\"\n]{1,60})\"")
_SPACED = re.compile(r"space[- ](?:delimited|separated)|separated by (?:a )?(?:single )?(?:spaces?|whitespace)", re.I)
MAX_WORDS = 40


def vocabulary(statement: str, samples: Sequence[str], alphabet: str = "") -> tuple[list[str], str]:
    """(tokens, separator) for drawing a string argument, or ``([], "")`` where it is not made of tokens.

    Tokens come from the samples' strings split on spaces, and from the statement's quoted literals when
    one of them shares a token with the samples (or the samples hold no token): quotes about other
    things are left out. ``alphabet`` (a stated one) drops tokens with other characters, and a space
    separates tokens only where the samples, quotes or the statement's words show one and the alphabet allows it. Worth using
    where at least two distinct tokens are known and one has several characters (single characters are
    what the character-wise draw already does)."""
    own = [s for s in samples if isinstance(s, str)]
    sample_tokens = {t for s in own for t in s.split()}
    quoted = [a or b for a, b in _QUOTED.findall(re.sub(r"\"\"\"|'''", " ", statement))]
    texts = list(own)
    if any(set(q.split()) & sample_tokens for q in quoted) or not sample_tokens:
        # literals that share a token with the samples, and single tokens beside them ('zero', 'one', ...);
        # longer quoted text sharing nothing is prose between apostrophes ("you're given ... 'a'")
        # (of the samples' kinds of character: 'Yes'/'No' quoted as answers are no brackets' values)
        kinds = {_kind(c) for t in sample_tokens for c in t}
        texts += [q for q in quoted if set(q.split()) & sample_tokens or
                  len(q.split()) == 1 and (not kinds or {_kind(c) for c in q} <= kinds)]
    tokens = sorted({t for s in texts for t in s.split()}, key=lambda t: (len(t), t))
    if alphabet:
        tokens = [t for t in tokens if set(t) <= set(alphabet)]
    tokens = tokens[:MAX_WORDS]
    if len(tokens) < 2 or max(map(len, tokens)) < 2:
        return [], ""
    spaced = (any(" " in s.strip() for s in texts) or bool(_SPACED.search(statement))) and \
        (not alphabet or " " in alphabet)
    return tokens, " " if spaced else ""


def _kind(char: str) -> str:
    return "letter" if char.isalpha() else "digit" if char.isdigit() else char


def draw_words(rnd: Any, words: Sequence[str], sep: str, lo: int, hi: int | None, count: int) -> str | None:
    """Up to ``count`` tokens joined by ``sep`` (one token where there is no separator), at least ``lo``
    and at most ``hi`` characters long (``None``: no stated limit); ``None`` where no such string was drawn."""
    pool = words[:2] if getattr(rnd, "scale", "") == "tiny" else words  # repeats, equal neighbours
    n = rnd.integer(1, max(1, count)) if sep else 1
    picked = [rnd.choice(pool) for _ in range(n)]
    if hi is not None:  # the longest prefix within hi, summed as it grows (a join per dropped token is quadratic)
        length = -len(sep)
        for k, word in enumerate(picked):
            length += len(sep) + len(word)
            if length > hi:
                picked = picked[:k]
                break
    text = sep.join(picked)
    return text if picked and lo <= len(text) and (hi is None or len(text) <= hi) else None
