"""Where synthesized values come from: Hypothesis, or a seeded ``random.Random``."""

from __future__ import annotations

import random
from itertools import repeat
from typing import Callable


class Draw:
    """Where values come from: Hypothesis's ``data`` object, or a seeded ``random.Random``; ``scale``
    (see ``SCALES``) narrows :meth:`value` and :meth:`size` to the bottom of their ranges."""

    def __init__(self, data=None, rng: random.Random | None = None, scale: str = "full") -> None:
        self.data, self.rng, self.scale = data, rng, scale

    def value(self, lo: int, hi: int) -> int:
        """An integer value (an element, a scalar argument), from this draw's window of ``[lo, hi]``."""
        return self.integer(*window(lo, hi, self.scale))

    def size(self, lo: int, hi: int) -> int:
        """A length or count, at most ``lo + c - 1`` where this draw's scale caps counts at ``c``."""
        cap = scale_limits(self.scale)[1]
        return self.integer(lo, max(lo, min(hi, lo + cap - 1)) if cap else hi)

    def integer(self, lo: int, hi: int) -> int:
        if self.data is not None:
            from hypothesis import strategies as st

            return self.data.draw(st.integers(lo, hi))
        return self.rng.randint(lo, hi)

    def floating(self, lo: float, hi: float) -> float:
        if self.data is not None:
            from hypothesis import strategies as st

            return self.data.draw(st.floats(lo, hi, allow_nan=False, allow_infinity=False))
        return self.rng.uniform(lo, hi)

    def choice(self, options: str):
        if self.data is not None:
            from hypothesis import strategies as st

            return self.data.draw(st.sampled_from(options))
        return self.rng.choice(options)

    def string(self, alphabet: str, n: int) -> str:
        """``n`` characters of ``alphabet``; from a ``random.Random`` in one call (a maximum-size input
        may hold 10^5 of them)."""
        if self.data is not None:
            return "".join(self.choice(alphabet) for _ in range(n))
        return "".join(self.rng.choices(alphabet, k=n))


def draw_many(make: Callable[["Draw"], str | None], count: int, seed: int) -> list[str]:
    """``count`` inputs: half uniform draws at a mix of scales (``SCALES``: tiny, small and full-range
    values), half from Hypothesis (which favours small, simple, boundary-ish ones), both seeded, so the
    same seed gives the same inputs. ``make`` returns None for an input it gave up on (its time budget
    is spent): left out."""
    rng = random.Random(seed)
    texts = [make(Draw(rng=rng, scale=pick_scale(rng))) for _ in range(count - count // 2)]
    if count // 2:
        from hypothesis import HealthCheck, Phase, given, settings
        from hypothesis import seed as hypothesis_seed
        from hypothesis import strategies as st

        @hypothesis_seed(seed)
        @settings(max_examples=count // 2, database=None, phases=[Phase.generate], deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(st.data())
        def collect(data) -> None:
            texts.append(make(Draw(data=data)))

        collect()
    return [t for t in texts if t is not None]


def uniform_ints(rng: random.Random, lo: int, hi: int, n: int) -> list[int]:
    """n uniform integers in [lo, hi], several times faster than randint (a maximum-size input has
    2*10^5 of them): one 64-bit word of ``randbytes`` per value, reduced modulo the span -- the
    modulo bias is below span / 2^64, under 2^-32 for the spans taken this way; wider spans use
    exact ``randrange``."""
    span = hi - lo + 1
    if span <= 1:
        return [lo] * n
    if span > 2**32:
        return [rng.randrange(lo, hi + 1) for _ in repeat(None, n)]
    return [lo + word % span for word in memoryview(rng.randbytes(8 * n)).cast("Q")]


def distinct_ints(rng: random.Random, lo: int, hi: int, n: int) -> list[int]:
    """n distinct integers in [lo, hi] (n <= hi - lo + 1), in random order: a shuffled range where the range
    is small, else uniform batches with repeats dropped (``random.sample`` stalls on 10^9-wide ranges)."""
    span = hi - lo + 1
    if span <= 4 * n:
        out = list(range(lo, hi + 1))
        rng.shuffle(out)
        return out[:n]
    seen: dict[int, None] = {}
    while len(seen) < n:
        seen.update(dict.fromkeys(uniform_ints(rng, lo, hi, n - len(seen))))
    return list(seen)


def uniform_tokens(rng: random.Random, lo: int, hi: int, n: int) -> list[str]:
    """:func:`uniform_ints` as the text tokens an input is written with, built in one pass
    (turning the numbers into text is most of a maximum-size input's cost)."""
    span = hi - lo + 1
    if span <= 1:
        return [str(lo)] * n
    if span > 2**32:
        return [str(v) for v in uniform_ints(rng, lo, hi, n)]
    return [str(lo + word % span) for word in memoryview(rng.randbytes(8 * n)).cast("Q")]


# Scales of the random inputs: (name, share, values window, largest count). Values drawn uniformly over a
# stated range like 1 <= a_i <= 10^9 are almost never equal, small or tied at the minimum -- where wrong
# programs go wrong -- so correct and wrong programs behave alike on them. A share of the random inputs
# therefore draws from the bottom of each range ("tiny": ~10 values and counts of a few, "small": ~100
# values and counts up to ~10); the rest keep the full range. Edge and maximum-size inputs are not scaled.
SCALES = (("tiny", 0.5, 10, 6), ("small", 0.25, 100, 10), ("full", 0.25, None, None))


def pick_scale(rng: random.Random) -> str:
    """One scale for one random input, drawn from ``rng`` (so seeded and deterministic)."""
    return rng.choices([s[0] for s in SCALES], weights=[s[1] for s in SCALES])[0]


def scale_limits(scale: str) -> tuple[int | None, int | None]:
    """(values window, largest count) of a scale; ``None`` where it does not narrow."""
    return next(((w, c) for name, _, w, c in SCALES if name == scale), (None, None))


def window(lo: int, hi: int, scale: str, need: int = 1) -> tuple[int, int]:
    """The sub-range of ``[lo, hi]`` a scale draws values from: the bottom of the range, or around 0
    where the range holds 0 and negative values (0, ±1 are the small values there); at least ``need``
    values wide (distinct values need room: the window widens rather than break the statement)."""
    width = scale_limits(scale)[0]
    if width is None or hi - lo + 1 <= max(width, need):
        return lo, hi
    width = max(width, need)
    start = max(lo, -(width // 2)) if lo < 0 <= hi else lo
    start = min(start, hi - width + 1)
    return start, start + width - 1
