"""The function a functional test calls, found and replaced: the one helper of the wrappers sstar appends to programs.

Two wrappers are appended to a functional program: LeetCode's ``ListNode``/``TreeNode`` arguments
(``sstar/judge/structures.py``) and LiveCodeBench's ``==`` check (``_sstar_strict.py``). Each is source
that runs in the program's namespace after the program, and each replaces the same function: the
``Solution`` method the test names (or a top-level function of that name). ``with_entry`` ends a
wrapper's source with the helper that finds that function, so that each wrapper stays one
self-contained code object that needs nothing from the worker; ``appended`` is the harness's side,
the lines that run a wrapper after the program. Standard library only.
"""

import functools

ENTRY_NAME = "__sstar_wrap_entry"
"""The helper's name in the program's namespace while a wrapper runs (the appended code deletes it)."""

ENTRY_SOURCE = '''
def __sstar_wrap_entry(name, wrap):
    # From sstar's sandbox (sstar/sandbox/guest/_sstar_entry.py): the function a test calls is replaced
    # by wrap(function, bound) -- bound: its first parameter is the test's first argument (no self or
    # cls). Solution's method is found along its MRO and set on Solution itself, a static or class
    # method staying one; without a class Solution, the top-level function of that name.
    import inspect

    namespace = globals()
    solution = namespace.get("Solution")
    if isinstance(solution, type):
        for owner in solution.__mro__:
            raw = owner.__dict__.get(name)
            if raw is None:
                continue
            if isinstance(raw, (staticmethod, classmethod)):  # a classmethod's function gets cls first
                setattr(solution, name, type(raw)(wrap(raw.__func__, isinstance(raw, staticmethod))))
            elif inspect.isfunction(raw):
                setattr(solution, name, wrap(raw, False))
            break
    elif inspect.isfunction(namespace.get(name)):
        namespace[name] = wrap(namespace[name], True)
'''


def with_entry(wrapper_source: str) -> str:
    """A wrapper's source, followed by the helper it calls (``__sstar_wrap_entry(name, wrap)``) to replace the
    function a test calls. After it, so that the wrapper's own line numbers (its traceback frames) stay."""
    return wrapper_source + ENTRY_SOURCE


def appended(code: str, source: str, file: str, cache: str, call: str) -> str:
    """``code`` followed by the lines that run a wrapper on it (the harness's side: what it sends).

    ``source`` (made by ``with_entry``) is executed in the program's namespace, then ``call`` (the
    wrapper's call, as text) runs, then the names the source defined are deleted. Appended, so the
    program's line numbers stay what they are."""
    return f"{code}\n\nexec({_lookup(source, file, cache)})\n{call}\ndel {call.split('(', 1)[0]}, {ENTRY_NAME}\n"


@functools.lru_cache(maxsize=8)
def _lookup(source: str, file: str, cache: str) -> str:
    # The source's code object: compiled under the file name ``file`` (its frames in a traceback say where
    # they come from) once per process and kept on ``sys`` in the dict named ``cache``, keyed by the source
    # (a worker may have compiled it before it forked: about 1 ms a test's process does not pay).
    return (f"(lambda s, c: getattr(s, {cache!r}, {{}}).get(c) or s.__dict__.setdefault({cache!r}, {{}})"
            f".setdefault(c, compile(c, {file!r}, 'exec')))(__import__('sys'), {source!r})")
