"""An output's stripped lines, read in place as UTF-8 bytes in bounded memory (see ``stdout_compare``).

The whole output is stripped, then split on "\\n", each line stripped, as LiveCodeBench's grader does,
with Python's notion of whitespace (``str.isspace``). Lines come in batches of at most ``BLOCK``
bytes; a longer line stays a ``LongLine`` (positions in the buffer), read a block at a time.
"""

from __future__ import annotations

import codecs
import re
from typing import Iterator

BLOCK = 1 << 16
"""Bytes read at a time: a batch of lines, or a piece of a longer line."""

# Every character for which str.isspace() holds (tests/judge check the list), as UTF-8.
WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) \
    + "\u2028\u2029\u202f\u205f\u3000"
_WS_RUN = re.compile(b"(?:" + b"|".join(re.escape(c.encode()) for c in WHITESPACE) + b")+")
_decode = codecs.utf_8_decode  # "surrogatepass": an expected output may hold a lone surrogate (JSON "\\ud800")


class LongLine:
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


def content(buf: bytes, start: int, end: int) -> tuple[int, int]:
    """buf[start:end] stripped, as positions."""
    lead = _WS_RUN.match(buf, start, end)
    start = lead.end() if lead else start
    return start, _content_end(buf, start, end)


def lines(buf: bytes) -> Iterator[list[str] | LongLine]:
    """The stripped lines of the stripped output: batches of short lines, or one long line."""
    pos, end = content(buf, 0, len(buf))
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
                yield LongLine(buf, pos, end)
                return
            yield LongLine(buf, pos, cut)
        else:
            yield [line.strip() for line in _decode(view[pos:cut], "surrogatepass", True)[0].split("\n")]
        pos = cut + 1


class Cursor:
    """Reads a stream of line batches one line or one slice at a time."""

    def __init__(self, items: Iterator[list[str] | LongLine]):
        self._items, self.batch, self.index = items, None, 0

    def ready(self) -> bool:
        while self.batch is None or (isinstance(self.batch, list) and self.index >= len(self.batch)):
            self.batch, self.index = next(self._items, None), 0
            if self.batch is None:
                return False
        return True

    def take(self) -> str | LongLine:
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


def same_short_output(actual: bytes, wanted: bytes) -> bool:
    """Both at most a block and the same text but for trailing newlines, which the grader strips: most
    accepted tests, decided with no line split and no parsing."""
    return len(actual) <= BLOCK and len(wanted) <= BLOCK and actual.rstrip(b"\n") == wanted.rstrip(b"\n")


def stripped(line: str | LongLine) -> tuple[bytes, int, int]:
    """A line as (buffer, start, end), stripped; a long line stays where it is in its buffer."""
    if isinstance(line, str):
        data = line.encode("utf-8", "surrogatepass")
        return data, 0, len(data)
    return (line.buf, *content(line.buf, line.start, line.end))


def same_bytes(a: tuple[bytes, int, int], b: tuple[bytes, int, int]) -> bool:
    """Whether two ``stripped`` lines hold the same bytes, compared a block at a time."""
    (abuf, astart, aend), (bbuf, bstart, bend) = a, b
    if aend - astart != bend - bstart:
        return False
    return all(abuf[astart + off:min(aend, astart + off + BLOCK)] == bbuf[bstart + off:min(bend, bstart + off + BLOCK)]
               for off in range(0, aend - astart, BLOCK))


def pieces(buf: bytes, start: int, end: int) -> Iterator[str]:
    """buf[start:end] decoded a block at a time, cut on character boundaries."""
    view = memoryview(buf)
    while start < end:
        cut = min(end, start + BLOCK)
        while cut < end and 0x80 <= buf[cut] < 0xC0:
            cut += 1
        yield _decode(view[start:cut], "surrogatepass", True)[0]
        start = cut


def preview(line: str | LongLine) -> str:
    """The start of a line, for a message (a long line's first 80 characters, read from its buffer)."""
    if isinstance(line, str):
        return line[:80]
    start, end = content(line.buf, line.start, line.end)
    return _decode(memoryview(line.buf)[start:min(end, start + 400)], "ignore", False)[0][:80]
