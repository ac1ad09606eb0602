"""Numbers too long to hold: their keys must be equal exactly when Decimal's values are."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from hypothesis import given, settings
from hypothesis import strategies as st

from sstar.judge.giant import GiantNumber, GiantReader, key_of

digits = st.text(st.sampled_from("0000123456789_\u0661\uff10"), max_size=8)
exponents = st.one_of(st.integers(-25, 25), st.sampled_from([
    999999999999999999, 999999999999999998, 1000000000000000000, -1999999999999999997, -1999999999999999998,
    -999999999999999999, 9223372036854775807, 9223372036854775808, -9223372036854775809, 10 ** 30]))
finite = st.builds(lambda sign, whole, dot, frac, exp, marker: sign + whole + dot + frac + (
    "" if exp is None else marker + str(exp)), st.sampled_from(["", "-", "+"]), digits, st.sampled_from(["", "."]),
    digits, st.none() | exponents, st.sampled_from(["e", "E", "e+", "e_"]))
tokens = st.one_of(finite, st.sampled_from(["inf", "-Infinity", "+INF", "nan", "sNaN1", "1e", "e5", ".", "-", "",
                                            "1x", "\u00b2", "Infinityy", "1.2.3", "1e+-1", "0x10"]))


def read(token: str, piece: int) -> GiantNumber:
    reader = GiantReader()
    for start in range(0, max(len(token), 1), piece):
        reader.feed(token[start:start + piece])
    return reader.result()


def decimal_or_none(token: str) -> Decimal | None:
    try:
        return Decimal(token)
    except InvalidOperation:
        return None


@settings(max_examples=1500, deadline=None)
@given(tokens, tokens, st.integers(1, 5))
def test_keys_equal_exactly_when_decimals_are(a, b, piece):
    x, y = decimal_or_none(a), decimal_or_none(b)
    if x is None or y is None or x.is_snan() or y.is_snan():
        expected = False
    else:
        expected = x == y
    assert (read(a, piece) == read(b, piece)) is expected, (a, b)
    if y is not None and not y.is_snan():
        assert (read(a, piece) == y) is expected, (a, b)  # a giant token against an ordinary one
    if x is not None:
        assert (read(a, piece).key is None) == (x.is_nan()), a


def test_long_numbers_in_pieces():
    assert read("0" * 100_000 + "1" + "0" * 100_000 + "e-100000", 4096) == Decimal(1)
    assert read("1" * 200_000, 4096) != read("1" * 199_999 + "2", 4096)
    assert key_of(Decimal("-0.000")) == key_of(Decimal("0E+7"))
