"""The wrapper that reports functional results LiveCodeBench's ``==`` would reject (see ``sstar/judge/strict.py``).

Its source is appended to a functional program by the harness; here, beside the worker, so that the
worker compiles it once, before it forks any test's process (``precompile``): compiling it costs about
1 ms, which a test's process would otherwise pay. The program looks the code object up on ``sys`` by its
source and compiles it only when it is not there (a Docker image built before, say). Standard library only.
"""

import sys

if __package__:  # the harness's import, as sstar.sandbox.guest._sstar_strict
    from ._sstar_entry import with_entry
else:  # the worker's, from its own folder
    from _sstar_entry import with_entry

CHECK_FILE = "<sstar: LiveCodeBench == check>"
CHECK_CACHE = "_sstar_strict_checks"  # on sys: {source: code object}

CHECK_SOURCE = with_entry('''
def __sstar_strict_results(name, marker):
    # From sstar's judge (sstar/judge/strict.py): LiveCodeBench's grader compares the return
    # value with ==, so a tuple inside it, a set or a non-string dict key is a wrong answer;
    # JSON would hide them, so they are reported before the value is serialised.
    import functools
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

    def strict(function, bound):  # bound or not, only the returned value is read
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

    __sstar_wrap_entry(name, strict)

''')


def precompile() -> None:
    sys.__dict__.setdefault(CHECK_CACHE, {})[CHECK_SOURCE] = compile(CHECK_SOURCE, CHECK_FILE, "exec")
