"""Probe: the selection benchmark with small-range random stdin inputs (a proposed synthesizer change).

Why: on current main the oracle judge picks a correct program on fewer problems than before issue 11's
synthesizer was merged. Every miss is a pool where the correct program shares a cluster with wrong ones:
the random inputs draw every value uniformly over the stated range (``1 <= a_i <= 10^9``), so equal
values, small divisors and ties at the minimum -- what the wrong programs get wrong -- almost never occur,
and no judge can tell apart programs that behave identically on every input it is given.

What it changes, for this process only: half of the random stdin inputs (chosen per input, seeded by the
synthesizer's own generator) draw each value from the bottom ten of its stated range and each count from
the bottom six (``lo .. lo + 9`` / ``lo + 5``): still inside every bound, so still checked. Everything else
is ``benchmarks/selection.py`` unchanged, with the same arguments. The synthesizer is issue 11's area
(``sstar/synthesis/stdin.py``, ``_Maker``); this patches it from outside so the effect can be measured
before anyone changes it there, and fails loudly if those internals move.

    .venv/bin/python benchmarks/selection_small_values.py --limit 6 --pools-cache /tmp/pools.jsonl ...
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sstar.synthesis import stdin  # noqa: E402

SMALL_SHARE, VALUE_SPAN, COUNT_SPAN = 0.5, 9, 5


def small_range_random_inputs() -> None:
    maker = stdin._Maker
    if "range_of" not in vars(maker):
        raise SystemExit("sstar.synthesis.stdin._Maker changed: this probe no longer applies")
    original_init, original_range = maker.__init__, maker.range_of

    def init(self, *args, **kwargs) -> None:
        original_init(self, *args, **kwargs)
        self.small = self.mode == "random" and self.rng.random() < SMALL_SHARE

    def range_of(self, slot):
        lo, hi = original_range(self, slot)
        if not getattr(self, "small", False):
            return lo, hi
        return lo, min(hi, lo + (COUNT_SPAN if slot.id in self.counts else VALUE_SPAN))

    maker.__init__, maker.range_of = init, range_of


if __name__ == "__main__":
    small_range_random_inputs()
    sys.argv[0] = str(ROOT / "benchmarks" / "selection.py")
    runpy.run_path(sys.argv[0], run_name="__main__")
