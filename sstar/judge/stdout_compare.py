"""stdin/stdout comparison with LiveCodeBench's grader semantics, in bounded memory.

LiveCodeBench's grader (``grade_stdio``): strip the whole output, split it on "\\n",
strip each line; the line counts must be equal; each pair of lines must be equal, or
else both must split into tokens that all parse as ``Decimal`` and the two lists be
equal. Stripping and splitting use Python's notion of whitespace (``str.isspace``).

Done literally, a 32 MB line of 16M tokens is 16M ``Decimal`` objects (GBs). Here the
two outputs are read in place as UTF-8 bytes (``stdout_lines``): lines come in batches
of at most ``BLOCK`` bytes; a longer line is compared in pieces of ``BLOCK`` bytes, its tokens
parsed one piece at a time and compared in lockstep with the other side's; a token
longer than ``giant.MAX_TOKEN_CHARS`` is read into a small key (see ``giant``). Harness
memory stays a few MB whatever the output's shape, besides the expected output's
UTF-8 copy.
"""

from __future__ import annotations

import math
from decimal import Context, Decimal, localcontext
from typing import Iterator

from . import giant
from .stdout_lines import WHITESPACE, Cursor, LongLine, invalid_utf8, lines, pieces, preview, same_bytes, \
    same_short_output, stripped

# What callers import from here (the whitespace list and the UTF-8 check are ``stdout_lines``'s).
__all__ = ["WHITESPACE", "compare_stdout", "invalid_utf8"]


def compare_stdout(actual: bytes | str, expected: str, float_tolerance: float | None = None) -> tuple[bool, str]:
    """(matches, why not) for a stdin/stdout test; ``actual`` is the program's raw stdout."""
    if isinstance(actual, str):
        actual = actual.encode("utf-8", "surrogatepass")
    elif invalid_utf8(actual):
        return False, "output is not valid UTF-8"
    wanted = expected.encode("utf-8", "surrogatepass")
    if same_short_output(actual, wanted):
        return True, ""
    with localcontext(Context()):  # Decimal's default traps, whatever the caller's context
        return _compare(Cursor(lines(actual)), Cursor(lines(wanted)), float_tolerance)


def _compare(got: Cursor, want: Cursor, tol: float | None) -> tuple[bool, str]:
    number, why = 0, ""
    while got.ready() and want.ready():
        if isinstance(got.batch, list) and isinstance(want.batch, list):
            size = min(len(got.batch) - got.index, len(want.batch) - want.index)
            mine, theirs = got.batch[got.index:got.index + size], want.batch[want.index:want.index + size]
            if mine != theirs:
                bad = next((i for i, (g, w) in enumerate(zip(mine, theirs)) if not _short_lines_equal(g, w, tol)), None)
                if bad is not None:
                    got.index, want.index = got.index + bad, want.index + bad
                    number += bad + 1
                    why = _mismatch(number, got.take(), want.take())
                    break
            got.index, want.index = got.index + size, want.index + size
            number += size
        else:
            number += 1
            g, w = got.take(), want.take()
            if not _lines_equal(g, w, tol):
                why = _mismatch(number, g, w)
                break
    # The line counts first, as LiveCodeBench's grader reports them.
    got_lines, want_lines = number + got.remaining(), number + want.remaining()
    if got_lines != want_lines:
        return False, f"expected {want_lines} line(s), got {got_lines}"
    return (False, why) if why else (True, "")


def _mismatch(number: int, got: str | LongLine, want: str | LongLine) -> str:
    return f"line {number}: expected {preview(want)!r}, got {preview(got)!r}"


def _short_lines_equal(got: str, want: str, tol: float | None) -> bool:
    if got == want:
        return True
    try:
        mine, theirs = [Decimal(t) for t in got.split()], [Decimal(t) for t in want.split()]
        return mine == theirs or (tol is not None and _close(mine, theirs, tol))
    except ArithmeticError:  # not numbers, or a signalling NaN compared
        return False


def _lines_equal(got: str | LongLine, want: str | LongLine, tol: float | None) -> bool:
    if isinstance(got, str) and isinstance(want, str):
        return _short_lines_equal(got, want, tol)
    a, b = stripped(got), stripped(want)
    return same_bytes(a, b) or _numbers_equal(pieces(*a), pieces(*b), tol)


# Tokens of ASCII digits only are always valid Decimals, so equal texts are equal numbers:
# Decimal is needed only where the texts differ (the common case costs no parsing at all).
_DIGITS_AND_SPACES = b"0123456789\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "


def _plain(text: str) -> bool:
    return text.isascii() and not text.encode("ascii").translate(None, _DIGITS_AND_SPACES)


def _numbers(chunks: Iterator[str]) -> Iterator[list]:
    """A line's tokens, a batch per piece: texts where all are plain decimals, else Decimals
    (GiantNumber for the longest tokens); InvalidOperation for a token that is not a number."""
    pending, reader = "", None
    for piece in chunks:
        if reader is not None:  # inside a giant token: feed it up to the next whitespace
            parts = piece.split(None, 1)
            head = parts[0] if parts and not piece[0].isspace() else ""
            reader.feed(head)
            if len(head) == len(piece):
                continue
            yield [reader.result()]
            reader, piece = None, piece[len(head):]
        text = pending + piece if pending else piece
        tail = "" if not text or text[-1].isspace() else text.rsplit(None, 1)[-1]
        head, pending = text[:len(text) - len(tail)], tail
        if head:
            yield head.split() if _plain(head) else [Decimal(t) for t in head.split()]
        if len(pending) > giant.MAX_TOKEN_CHARS:
            reader = giant.GiantReader()
            reader.feed(pending)
            pending = ""
    if reader is not None:
        yield [reader.result()]
    elif pending:
        yield [pending] if _plain(pending) else [Decimal(pending)]


def _number(token: object) -> object:
    return Decimal(token) if isinstance(token, str) else token


def _numbers_equal(a: Iterator[str], b: Iterator[str], tol: float | None) -> bool:
    """Whether both token streams parse as numbers and are equal, one batch at a time."""
    mine, theirs = _numbers(a), _numbers(b)
    got, want, i, j = [], [], 0, 0
    try:
        while True:
            while got is not None and i >= len(got):
                got, i = next(mine, None), 0
            while want is not None and j >= len(want):
                want, j = next(theirs, None), 0
            if got is None or want is None:
                return got is None and want is None
            size = min(len(got) - i, len(want) - j)
            x, y = got[i:i + size], want[j:j + size]
            if x != y:
                for p, q in zip(x, y):
                    if p != q and not _same_number(_number(p), _number(q), tol):
                        return False
            i, j = i + size, j + size
    except ArithmeticError:  # a token that is not a number, or a signalling NaN compared
        return False


def _same_number(x: object, y: object, tol: float | None) -> bool:
    return x == y or (tol is not None and _close([x], [y], tol))


def _close(a: list, b: list, tol: float) -> bool:
    """Equal within an opt-in tolerance (sstar's option; LiveCodeBench has none)."""
    return len(a) == len(b) and all(
        x == y or (isinstance(x, Decimal) and isinstance(y, Decimal) and x.is_finite() and y.is_finite()
                   and math.isclose(float(x), float(y), rel_tol=tol, abs_tol=tol))
        for x, y in zip(a, b))
