"""A batch's end lines read, and a test's result shaped, on the worker's side (see ``_sstar_batch_run``).

The worker handles one end line per test: that is its per-test work, so it is kept to a regular-expression
match and one small dict. The end line of a test that leaves nothing behind is formatted by the child
(``_sstar_batch``) always the same way: ``END_LINE`` reads it whole; any other line on the result pipe (a
retiring test's end, the program's own result, a line a program scribbled there) is read as JSON, with the
same meaning.
"""

from __future__ import annotations

import binascii
import json
import re

STDERR_KEEP = 8192

_INT = rb"(-?(?:0|[1-9][0-9]*))"
_FLOAT = rb"(-?(?:0|[1-9][0-9]*)\.[0-9]+)"
END_LINE = re.compile(rb'\{"end":' + _INT + rb',"exit":' + _INT + rb',"cpu":' + _FLOAT + rb',"wall":' + _FLOAT
                      + rb',"rss_kb":' + _INT + rb',"retire":"","nonce":"([0-9a-f]*)"\}')
"""The child's end line without ``retire`` (JSON numbers as JSON writes them, so a line it matches reads the same
as ``json.loads`` would read it)."""
RESULT_LINE = re.compile(rb'\{"result": "([ !#-\[\]-~]*(?:\\"[ !#-\[\]-~]*)*)"\}')
"""A functional test's result line, ``json.dumps({"result": text})``, where the text is printable ASCII whose only
escapes are quotes (a returned string's): the text is the bytes between the quotes, ``\\"`` read as ``"``."""


LINE = re.compile(rb"(?:" + END_LINE.pattern + rb"|" + RESULT_LINE.pattern + rb"|[^\n]*)\n")
"""One line of the result pipe: an end line (groups 1 to 6, those of ``END_LINE``), a result line (group 7, that
of ``RESULT_LINE``), or any other (neither)."""


def result_text(escaped: bytes) -> str:
    """The text a ``RESULT_LINE`` carries (its group)."""
    text = escaped.decode()
    return text.replace('\\"', '"') if '\\' in text else text


def end_of_match(m: re.Match) -> tuple:
    """``(index, exit status, cpu, wall, peak kB, retire, nonce)`` of a line ``END_LINE`` (or ``LINE``'s first
    alternative) matched."""
    return int(m[1]), int(m[2]), float(m[3]), float(m[4]), int(m[5]), "", m[6]


def read_json_line(line: bytes) -> dict | None:
    """A line on the result pipe that is not a plain end line: a dict, or None (a program may scribble on its
    own result pipe; it only hurts itself)."""
    try:
        item = json.loads(line) if line.strip() else None
    except (ValueError, UnicodeDecodeError):
        return None
    return item if isinstance(item, dict) else None


def end_of_json(item: dict) -> tuple:
    """The same tuple as ``end_of_match`` from an end line read as JSON (``"exit"`` in it)."""
    status = item.get("exit")
    return (item.get("end"), status if isinstance(status, int) else 1, float(item.get("cpu") or 0.0),
            float(item.get("wall") or 0.0), int(item.get("rss_kb") or 0), item.get("retire"),
            str(item.get("nonce") or "").encode())


def ended(end: tuple, out: bytes, err: bytes, memory: bool, cpu_limit: float, out_cap: int, report: dict,
          res_left: int) -> dict:
    """A test that reported its end: its result as a batch's reply carries it, only what differs from a clean,
    silent exit (the fields and defaults of ``_sstar_batch_files.compact``, made directly: this runs once a
    test). ``res_left``: what is still on the result pipe (over the cap: output exceeded)."""
    _, status, cpu, wall, rss, _, _ = end
    result = {"exit_code": status}
    cpu_s, wall_s = round(cpu, 6), round(wall, 6)
    if cpu_s:
        result["cpu_s"] = cpu_s
    if wall_s:
        result["wall_s"] = wall_s
    if rss:
        result["max_rss_kb"] = rss
    if memory:
        result["memory_exceeded"] = True
    if cpu > cpu_limit:
        result["cpu_exceeded"] = True
    if out:
        encoded = binascii.b2a_base64(out[:out_cap], newline=False).decode()
        if encoded:
            result["stdout_b64"] = encoded
    if err:
        result["stderr"] = err[-STDERR_KEEP:].decode("utf-8", "replace")
    for key, value in report.items():
        if value is not None:
            result[key] = value
    if len(out) > out_cap or res_left > out_cap:
        result["output_exceeded"] = True
    return result
