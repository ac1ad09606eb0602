"""The value of a number token too long to hold as a ``Decimal``, read in pieces.

The stdout judge compares tokens as ``decimal.Decimal(token)`` does (LiveCodeBench's
grader). A single token can be as long as the whole output (32 MB): holding it, its
``Decimal`` and the other side's at once would cost several times the output. A token
longer than ``MAX_TOKEN_CHARS`` is instead read piece by piece into a small key
(sign, a digest of its significant digits, its exponent) that is equal exactly when the
``Decimal`` values are. The acceptance rules are libmpdec's for an exact conversion
(``Decimal(str)``): underscores are ignored, any Unicode decimal digit counts, the
exponent is clamped like ``strtoll`` and the value must fit the maximum context; a NaN
is never equal to anything, so NaN and "not a number" share the key ``None``.
"""

from __future__ import annotations

import decimal
import hashlib
import re
import sys
import unicodedata
from decimal import Decimal

MAX_TOKEN_CHARS = 1 << 20
"""Tokens up to this long become ``Decimal`` objects; longer ones are read in pieces."""

_SSIZE_MAX, _SSIZE_MIN = sys.maxsize, -sys.maxsize - 1
_EXP_INF = 2 * decimal.MAX_EMAX + 3  # libmpdec's MPD_EXP_INF on 64-bit builds
_ETINY = decimal.MIN_EMIN - (decimal.MAX_PREC - 1)
_DIGITS = re.compile(r"[0-9]+")
_INFINITY = re.compile(r"[+-]?inf(inity)?")
_ZERO = ("zero",)
_ZEROS = "0" * 65536


def key_of(value: Decimal) -> tuple | None:
    """The key of a ``Decimal``: equal keys exactly when the values compare equal."""
    if value.is_nan():
        return None
    if value.is_infinite():
        return ("inf", value.is_signed())
    if value.is_zero():
        return _ZERO
    sign, digits, exponent = value.as_tuple()
    text = "".join(map(str, digits))
    core = text.rstrip("0")
    return ("num", bool(sign), hashlib.sha256(core.encode()).digest(), exponent + len(text) - len(core))


class GiantNumber:
    """A token's value by key; compares equal to a ``Decimal`` or another of its kind like ``Decimal`` would."""

    __slots__ = ("key",)
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, key: tuple | None):
        self.key = key

    def __eq__(self, other: object) -> bool:
        if isinstance(other, GiantNumber):
            key = other.key
        elif isinstance(other, Decimal):
            key = key_of(other)
        else:
            return NotImplemented
        return self.key is not None and self.key == key

    def __repr__(self) -> str:
        return f"GiantNumber({self.key!r})"


class GiantReader:
    """Reads one token in pieces (``feed``), then ``result()`` gives its ``GiantNumber``."""

    def __init__(self) -> None:
        self._state = "sign"
        self._ok = True
        self._head = ""  # the first characters, to recognise "Infinity" (finite tokens are the long ones)
        self._negative = False
        self._digest = hashlib.sha256()
        self._nonzero = False  # a nonzero digit seen: leading zeros are over
        self._significant = 0  # coefficient digits from the first nonzero one
        self._zeros = 0  # trailing zeros not yet hashed (hashed only when a nonzero digit follows)
        self._fraction = 0
        self._any_digit = False
        self._exp_negative = False
        self._exp_digits = ""  # the exponent's digits after leading zeros, at most 25 kept
        self._exp_any = False

    def feed(self, text: str) -> None:
        text = text.replace("_", "")
        if len(self._head) < 16:
            self._head += text[: 16 - len(self._head)]
        if not self._ok:
            return
        if not text.isascii():
            text = _ascii_digits(text)
            if text is None:
                self._ok = False
                return
        text = text.lower()
        pos, end = 0, len(text)
        while pos < end and self._ok:
            pos = self._step(text, pos)

    def _step(self, text: str, pos: int) -> int:
        state, char = self._state, text[pos]
        if state == "sign":
            self._state = "int"
            if char in "+-":
                self._negative = char == "-"
                return pos + 1
            return pos
        if state in ("int", "frac"):
            match = _DIGITS.match(text, pos)
            if match:
                self._mantissa(match.group(), state == "frac")
                return match.end()
            if char == "." and state == "int":
                self._state = "frac"
            elif char == "e" and self._any_digit:
                self._state = "exp_sign"
            else:
                self._ok = False
            return pos + 1
        if state == "exp_sign":
            self._state = "exp"
            if char in "+-":
                self._exp_negative = char == "-"
                return pos + 1
            return pos
        match = _DIGITS.match(text, pos)
        if not match:
            self._ok = False
            return pos
        self._exponent(match.group())
        return match.end()

    def _mantissa(self, run: str, fraction: bool) -> None:
        self._any_digit = True
        if fraction:
            self._fraction += len(run)
        if not self._nonzero:
            run = run.lstrip("0")
            if not run:
                return
            self._nonzero = True
        self._significant += len(run)
        core = run.rstrip("0")
        if not core:
            self._zeros += len(run)
            return
        while self._zeros:
            step = min(self._zeros, len(_ZEROS))
            self._digest.update(_ZEROS[:step].encode())
            self._zeros -= step
        self._digest.update(core.encode())
        self._zeros = len(run) - len(core)

    def _exponent(self, run: str) -> None:
        self._exp_any = True
        if not self._exp_digits:
            run = run.lstrip("0")
        if len(self._exp_digits) < 25:
            self._exp_digits += run[:25]

    def result(self) -> GiantNumber:
        return GiantNumber(self._key())

    def _key(self) -> tuple | None:
        if not self._ok or not self._any_digit or self._state == "exp_sign" \
                or (self._state == "exp" and not self._exp_any):
            head = self._head.lower() if self._head.isascii() else ""
            return ("inf", head.startswith("-")) if _INFINITY.fullmatch(head) else None
        # libmpdec: the exponent as strtoll reads it (clamped on overflow), less the fraction's digits.
        literal = int(self._exp_digits or "0") * (-1 if self._exp_negative else 1)
        literal = max(_SSIZE_MIN, min(_SSIZE_MAX, literal))
        exponent = _SSIZE_MIN if literal < _SSIZE_MIN + self._fraction else literal - self._fraction
        exponent = min(exponent, _EXP_INF)
        if exponent == _SSIZE_MIN:
            exponent += 1
        # An exact conversion in the maximum context: no overflow, no rounding, no clamping.
        if not self._nonzero:
            return _ZERO if _ETINY <= exponent <= decimal.MAX_EMAX else None
        if exponent + self._significant - 1 > decimal.MAX_EMAX or exponent < _ETINY:
            return None
        return ("num", self._negative, self._digest.digest(), exponent + self._zeros)


def _ascii_digits(text: str) -> str | None:
    """Unicode decimal digits as ASCII ones, as ``Decimal`` reads them; None for any other non-ASCII character."""
    table = {}
    for char in set(text):
        if not char.isascii():
            digit = unicodedata.decimal(char, None)
            if digit is None:
                return None
            table[ord(char)] = str(digit)
    return text.translate(table)
