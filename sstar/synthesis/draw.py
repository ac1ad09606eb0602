"""Where synthesized values come from: Hypothesis, or a seeded ``random.Random``."""

from __future__ import annotations

import random
from typing import Callable


class Draw:
    """Where values come from: Hypothesis's ``data`` object, or a seeded ``random.Random``."""

    def __init__(self, data=None, rng: random.Random | None = None) -> None:
        self.data, self.rng = data, rng

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


def draw_many(make: Callable[["Draw"], str], count: int, seed: int) -> list[str]:
    """``count`` inputs: half uniform draws (varied values), half from Hypothesis (which
    favours small, simple, boundary-ish ones), both seeded, so the same seed gives the same inputs."""
    rng = random.Random(seed)
    texts = [make(Draw(rng=rng)) for _ in range(count - count // 2)]
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
    return texts
