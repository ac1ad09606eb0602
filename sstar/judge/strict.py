"""Functional return values judged as strictly as LiveCodeBench's grader judges them.

LiveCodeBench (``grade_call_based``) compares the returned Python object with ``==``
against the expected JSON value, after turning a tuple at the top into a list. So a
tuple *inside* the result (``[(1, 2)]``), a set, or a dict with non-string keys
(``{1: 2}``) is a wrong answer there. The sandbox hands results back as JSON, which
would erase exactly those differences (tuples become lists, keys become strings), so
the check runs inside the sandbox, before serialisation: ``with_strict_results``
appends to the program a wrapper around the called function that replaces such a
value by a marker the judge reports as a wrong answer. The wrapper checks only the
outermost call (recursive calls of the function see their real return values).
"""

from __future__ import annotations

from typing import Any

MARKER = "__sstar_not_comparable__"
"""The one key of the object that stands for a result LiveCodeBench's == would reject."""
CHECK_FILE = "<sstar: LiveCodeBench == check>"

_CHECK = '''
def __sstar_strict_results(name, marker):
    # From sstar's judge (sstar/judge/strict.py): LiveCodeBench's grader compares the return
    # value with ==, so a tuple inside it, a set or a non-string dict key is a wrong answer;
    # JSON would hide them, so they are reported before the value is serialised.
    import functools, inspect
    from itertools import chain

    scalars = {int, float, str, bool, type(None)}

    def offence(value):  # its time counts against the program: containers of plain scalars go at C speed
        # Entries: (value, its parent's path, its key there); paths are only spelt out for a report.
        stack = [(x, "", i) for i, x in enumerate(value)] if isinstance(value, tuple) else [(value, "", None)]
        while stack:
            item, parent, key = stack.pop()
            if type(item) in scalars:
                continue
            if isinstance(item, list):
                kinds = set(map(type, item))
                if kinds == {list} and not set(map(type, chain(*item))) - scalars:
                    continue  # a list of lists of scalars (a matrix, pairs): one pass in C
                if kinds - scalars:
                    stack.extend((x, (parent, key), i) for i, x in enumerate(item))
                continue
            if isinstance(item, dict):
                bad = next((k for k in item if not isinstance(k, str)), None) if set(map(type, item)) - {str} else None
                if bad is not None or (set(map(type, item)) - {str} and None in item):
                    return "a %s dict key %.40r at %s" % (type(bad).__name__, bad, path(parent, key))
                if set(map(type, item.values())) - scalars:
                    stack.extend((x, (parent, key), k) for k, x in item.items())
                continue
            if isinstance(item, (tuple, set, frozenset)) or getattr(item, "ndim", 0):
                return "a %s at %s" % (type(item).__name__, path(parent, key))
        return None

    def path(parent, key):
        keys = []
        while key is not None:
            keys.append("[%d]" % key if isinstance(key, int) else "[%.40r]" % (key,))
            parent, key = parent if parent else ("", None)
        return "".join(reversed(keys)) or "the top"

    depth = [0]

    def strict(function):
        @functools.wraps(function)
        def call(*args, **kwargs):
            depth[0] += 1
            try:
                value = function(*args, **kwargs)
            finally:
                depth[0] -= 1
            found = offence(value) if depth[0] == 0 else None
            return {marker: found} if found else value
        return call

    namespace = globals()
    solution = namespace.get("Solution")
    if isinstance(solution, type):
        for owner in solution.__mro__:
            raw = owner.__dict__.get(name)
            if raw is None:
                continue
            if isinstance(raw, (staticmethod, classmethod)):
                setattr(solution, name, type(raw)(strict(raw.__func__)))
            elif inspect.isfunction(raw):
                setattr(solution, name, strict(raw))
            break
    elif inspect.isfunction(namespace.get(name)):
        namespace[name] = strict(namespace[name])


__sstar_strict_results(@ARGS@)
del __sstar_strict_results
'''


def with_strict_results(code: str, func_name: str) -> str:
    """``code`` with the wrapper that reports results LiveCodeBench's ``==`` would reject.

    One line is appended; the wrapper is compiled under its own file name, so that its frame in a
    traceback (between the caller and the program's function) says where it comes from."""
    check = _CHECK.replace("@ARGS@", f"{func_name!r}, {MARKER!r}")
    # Compiled once per process, not once per test (about 1 ms): a program's tests share a process and
    # run its module afresh each time. The code object is kept on ``sys``, keyed by its source.
    return (f"{code}\n\nexec((lambda s, c: s.__dict__.setdefault('_sstar_strict_checks', {{}}).get(c) or "
            f"s._sstar_strict_checks.setdefault(c, compile(c, {CHECK_FILE!r}, 'exec')))(__import__('sys'), {check!r}))\n")


def rejected(value: Any) -> str | None:
    """What the wrapper found (None: a value to compare), from the decoded JSON result."""
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get(MARKER), str):
        return value[MARKER]
    return None


def rejection_message(found: str) -> str:
    return (f"returned {found}: LiveCodeBench's grader compares return values with == against JSON values "
            "(lists, string-keyed dicts), so this is a wrong answer")
