"""Two counters read in place, in C memory, by a batch's process after each test (see ``_sstar_fresh``): the
builtins dict's version tag and the ``random`` generator's position. Each reader is checked against what the
interpreter itself reports before it is trusted, by the worker before it forks (``prepare``); where the check
fails (another interpreter or layout), ``_sstar_fresh`` compares values instead. Also made here, once: the
counter of SysV IPC objects (three libc calls through ctypes). Standard library only."""

from __future__ import annotations

import builtins
import sys


def dict_version(d: dict):
    """A live view of ``d``'s version tag (``.value``), or None where this interpreter offers none to trust.

    CPython (3.6-3.13) gives every dict a 64-bit tag, the word after its size, that changes whenever an entry
    is added, removed or replaced by another object (PEP 509), and not when an entry is set to the object it
    already holds. Reading it costs ~0.3 us against ~12 us for comparing the ~600 builtins (the prelude's
    names included) one by one. Where the layout or the behaviour differs (another interpreter, a
    free-threaded build, 3.14's watcher tag), the probe below sees it and the caller compares the values.
    """
    if sys.implementation.name != "cpython" or sys.version_info < (3, 6) or sys.version_info >= (3, 14):
        return None
    try:
        import ctypes

        word = ctypes.sizeof(ctypes.c_ssize_t)
        used = ctypes.c_ssize_t.from_address(id(d) + 2 * word)  # after the reference count and the type
        tag = ctypes.c_uint64.from_address(id(d) + 3 * word)
        probe = "__sstar_version_probe__"
        if word != 8 or used.value != len(d) or probe in d:
            return None
        before = tag.value
        d[probe] = None
        added = tag.value
        d[probe] = None  # the same object again: no change
        same = tag.value
        del d[probe]
        removed = tag.value
        if used.value != len(d) or added == before or same != added or removed in (added, before):
            return None
        return tag
    except Exception:  # noqa: BLE001 - no ctypes, an unreadable address: compare the values instead
        return None


def random_view():
    """A reader of ``random``'s generator position (its index and two words of its state), or None where its
    layout is not the one checked here: a test that drew nothing from it needs no reseeding (~5 us)."""
    import random

    try:
        import ctypes

        inst = random._inst
        base = id(inst) + 2 * ctypes.sizeof(ctypes.c_ssize_t)  # after the reference count and the type
        index = ctypes.c_int.from_address(base)
        words = (ctypes.c_uint32 * 3).from_address(base + ctypes.sizeof(ctypes.c_int))
        state = inst.getstate()[1]
        if (index.value, *words) != (state[-1], *state[:3]):
            return None
        inst.random()
        state = inst.getstate()[1]
        if (index.value, *words) != (state[-1], *state[:3]):
            return None
        return lambda: (index.value, words[1], words[2])  # (word 0 is the same after every seeding)
    except Exception:  # noqa: BLE001 - reseed every test instead
        return None


def ipc_counter():
    """A function counting the SysV IPC objects in this namespace: three libc calls into one buffer, looked up
    and cast once (by the worker before it forks: ``prepare``), not at every call."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    buf = ctypes.create_string_buffer(256)
    ints = (ctypes.c_int * 64).from_buffer(buf)
    shmctl, semctl, msgctl = libc.shmctl, libc.semctl, libc.msgctl

    def count() -> int:
        if shmctl(0, 14, buf) < 0:  # SHM_INFO: struct shm_info, used_ids first
            raise OSError(ctypes.get_errno(), "shmctl(SHM_INFO)")
        n = ints[0]
        if semctl(0, 0, 19, buf) < 0:  # SEM_INFO: struct seminfo, semusz (sets in use) eighth
            raise OSError(ctypes.get_errno(), "semctl(SEM_INFO)")
        n += ints[7]
        if msgctl(0, 12, buf) < 0:  # MSG_INFO: struct msginfo, msgpool (queues in use) first
            raise OSError(ctypes.get_errno(), "msgctl(MSG_INFO)")
        return n + ints[0]

    return count


VIEWS: dict = {}
"""The builtins' version tag and the generator's position, as ``prepare`` found them readable, and the SysV IPC
counter."""


def prepare() -> None:
    """Called by the worker before it forks: checking how to read the two views costs ~0.3 ms, and loading the
    IPC counter's functions ~0.1 ms, which every batch's process would otherwise pay (the views, at the same
    addresses, hold in every forked process)."""
    VIEWS.clear()
    try:
        VIEWS["ipc"] = ipc_counter()
    except Exception:  # noqa: BLE001 - no ctypes: made (and failing, so trusting nothing) in the test's process
        pass
    for name, view in (("builtins", dict_version(builtins.__dict__)), ("random", random_view())):
        if view is not None:
            VIEWS[name] = view
