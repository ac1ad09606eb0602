"""stdin/stdout comparison with LiveCodeBench's grader semantics, in bounded memory.

LiveCodeBench's grader (``grade_stdio``): strip the whole output, split it on "\\n",
strip each line; the line counts must be equal; each pair of lines must be equal, or
else both must split into tokens that all parse as ``Decimal`` and the two lists be
equal. Stripping and splitting use Python's notion of whitespace (``str.isspace``).

Done literally, a 32 MB line of 16M tokens is 16M ``Decimal`` objects (GBs). Here the
two outputs are read in place as UTF-8 bytes: lines come in batches of at most
``BLOCK`` bytes; a longer line is compared in pieces of ``BLOCK`` bytes, its tokens
parsed one piece at a time and compared in lockstep with the other side's; a token
longer than ``giant.MAX_TOKEN_CHARS`` is read into a small key (see ``giant``). Harness
memory stays a few MB whatever the output's shape, besides the expected output's
UTF-8 copy.
"""

from __future__ import annotations

import codecs
import math
import re
from decimal import Context, Decimal, localcontext
from typing import Iterator

from . import giant

BLOCK = 1 << 16
"""Bytes read at a time: a batch of lines, or a piece of a longer line."""

# Every character for which str.isspace() holds (tests/judge check the list), as UTF-8.
WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) \
    + "\u2028\u2029\u202f\u205f\u3000"
_WS_RUN = re.compile(b"(?:" + b"|".join(re.escape(c.encode()) for c in WHITESPACE) + b")+")
_decode = codecs.utf_8_decode  # "surrogatepass": an expected output may hold a lone surrogate (JSON "\\ud800")


class _Big:
    """A line longer than a block, by position in its buffer (not yet stripped)."""

    __slots__ = ("buf", "start", "end")

    def __init__(self, buf: bytes, start: int, end: int):
        self.buf, self.start, self.end = buf, start, end


def invalid_utf8(data: bytes) -> bool:
    if len(data) <= 1 << 20:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return True
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for pos in range(0, len(data), 1 << 20):
            decoder.decode(data[pos:pos + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return True
    return False


def _content_end(buf: bytes, start: int, end: int) -> int:
    """The end of the last non-whitespace character in buf[start:end] (start if none)."""
    high = end
    while high > start:
        low = max(start, high - 4096)
        while low > start and 0x80 <= buf[low] < 0xC0:  # a character boundary
            low -= 1
        last = None
        for last in _WS_RUN.finditer(buf, low, high):
            pass
        if last is None or last.end() < high:
            return high
        if last.start() > low:
            return last.start()
        high = low
    return start


def _content(buf: bytes, start: int, end: int) -> tuple[int, int]:
    """buf[start:end] stripped, as positions."""
    lead = _WS_RUN.match(buf, start, end)
    start = lead.end() if lead else start
    return start, _content_end(buf, start, end)


def _lines(buf: bytes) -> Iterator[list[str] | _Big]:
    """The stripped lines of the stripped output: batches of short lines, or one long line."""
    pos, end = _content(buf, 0, len(buf))
    if pos >= end:
        yield [""]
        return
    view = memoryview(buf)
    while True:
        high = min(end, pos + BLOCK)
        if high == end:
            yield [line.strip() for line in _decode(view[pos:end], "surrogatepass", True)[0].split("\n")]
            return
        cut = buf.rfind(b"\n", pos, high + 1)
        if cut == -1:  # the line starting here is longer than a block
            cut = buf.find(b"\n", high, end)
            if cut == -1:
                yield _Big(buf, pos, end)
                return
            yield _Big(buf, pos, cut)
        else:
            yield [line.strip() for line in _decode(view[pos:cut], "surrogatepass", True)[0].split("\n")]
        pos = cut + 1


class _Cursor:
    """Reads a stream of line batches one line or one slice at a time."""

    def __init__(self, items: Iterator[list[str] | _Big]):
        self._items, self.batch, self.index = items, None, 0

    def ready(self) -> bool:
        while self.batch is None or (isinstance(self.batch, list) and self.index >= len(self.batch)):
            self.batch, self.index = next(self._items, None), 0
            if self.batch is None:
                return False
        return True

    def take(self) -> str | _Big:
        if isinstance(self.batch, list):
            self.index += 1
            return self.batch[self.index - 1]
        line, self.batch = self.batch, None
        return line

    def remaining(self) -> int:
        count = 0
        while self.ready():
            count += len(self.batch) - self.index if isinstance(self.batch, list) else 1
            self.batch = None
        return count


def compare_stdout(actual: bytes | str, expected: str, float_tolerance: float | None = None) -> tuple[bool, str]:
    """(matches, why not) for a stdin/stdout test; ``actual`` is the program's raw stdout."""
    if isinstance(actual, str):
        actual = actual.encode("utf-8", "surrogatepass")
    elif invalid_utf8(actual):
        return False, "output is not valid UTF-8"
    wanted = expected.encode("utf-8", "surrogatepass")
    if len(actual) <= BLOCK and len(wanted) <= BLOCK and actual.rstrip(b"\n") == wanted.rstrip(b"\n"):
        return True, ""  # the same text but for trailing newlines, which the grader strips: most accepted tests
    with localcontext(Context()):  # Decimal's default traps, whatever the caller's context
        return _compare(_Cursor(_lines(actual)), _Cursor(_lines(wanted)), float_tolerance)


def _compare(got: _Cursor, want: _Cursor, tol: float | None) -> tuple[bool, str]:
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


def _mismatch(number: int, got: str | _Big, want: str | _Big) -> str:
    return f"line {number}: expected {_preview(want)!r}, got {_preview(got)!r}"


def _preview(line: str | _Big) -> str:
    if isinstance(line, str):
        return line[:80]
    start, end = _content(line.buf, line.start, line.end)
    return _decode(memoryview(line.buf)[start:min(end, start + 400)], "ignore", False)[0][:80]


def _short_lines_equal(got: str, want: str, tol: float | None) -> bool:
    if got == want:
        return True
    try:
        mine, theirs = [Decimal(t) for t in got.split()], [Decimal(t) for t in want.split()]
        return mine == theirs or (tol is not None and _close(mine, theirs, tol))
    except ArithmeticError:  # not numbers, or a signalling NaN compared
        return False


def _lines_equal(got: str | _Big, want: str | _Big, tol: float | None) -> bool:
    if isinstance(got, str) and isinstance(want, str):
        return _short_lines_equal(got, want, tol)
    a, b = _stripped(got), _stripped(want)
    return _same_bytes(a, b) or _numbers_equal(_pieces(*a), _pieces(*b), tol)


def _stripped(line: str | _Big) -> tuple[bytes, int, int]:
    if isinstance(line, str):
        data = line.encode("utf-8", "surrogatepass")
        return data, 0, len(data)
    return (line.buf, *_content(line.buf, line.start, line.end))


def _same_bytes(a: tuple[bytes, int, int], b: tuple[bytes, int, int]) -> bool:
    (abuf, astart, aend), (bbuf, bstart, bend) = a, b
    if aend - astart != bend - bstart:
        return False
    return all(abuf[astart + off:min(aend, astart + off + BLOCK)] == bbuf[bstart + off:min(bend, bstart + off + BLOCK)]
               for off in range(0, aend - astart, BLOCK))


def _pieces(buf: bytes, start: int, end: int) -> Iterator[str]:
    """buf[start:end] decoded a block at a time, cut on character boundaries."""
    view = memoryview(buf)
    while start < end:
        cut = min(end, start + BLOCK)
        while cut < end and 0x80 <= buf[cut] < 0xC0:
            cut += 1
        yield _decode(view[start:cut], "surrogatepass", True)[0]
        start = cut


# Tokens of ASCII digits only are always valid Decimals, so equal texts are equal numbers:
# Decimal is needed only where the texts differ (the common case costs no parsing at all).
_DIGITS_AND_SPACES = b"0123456789\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "


def _plain(text: str) -> bool:
    return text.isascii() and not text.encode("ascii").translate(None, _DIGITS_AND_SPACES)


def _numbers(pieces: Iterator[str]) -> Iterator[list]:
    """A line's tokens, a batch per piece: texts where all are plain decimals, else Decimals
    (GiantNumber for the longest tokens); InvalidOperation for a token that is not a number."""
    pending, reader = "", None
    for piece in pieces:
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
