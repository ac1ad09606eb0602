"""What a batch's process reads about itself after each test (see ``_sstar_fresh``): its threads, memory and
kernel-kept state from ``/proc/self/stat``, its peak from ``/proc/self/status``, its SysV IPC objects, whether a
scratch directory's size counts its entries. Standard library only.

A trivial test costs well under 0.1 ms of CPU in all, so each read is one ``pread`` of a ``/proc`` file opened
once (a pread of a /proc file regenerates it), parsed no further than needed.
"""

from __future__ import annotations

import operator
import os
import resource

from _sstar_views import VIEWS, ipc_counter

PAGE = os.sysconf("SC_PAGE_SIZE")
# From /proc/self/stat (its fields after the command, from field 3, split once), what the kernel keeps for the
# process that a test could change and the next would see, all read with the facts: the process group, session
# and terminal (5-8), nice (19), RLIMIT_RSS (25), the signals pending, blocked, ignored and caught (31-34, the
# standard ones), the real-time priority and the scheduling policy (40, 41).
KERNEL_STATE = operator.itemgetter(2, 3, 4, 5, 16, 22, 28, 29, 30, 31, 37, 38)
# The children's faults and CPU (11, 13, 16, 17) are counted only as each is reaped (by anyone): where they did
# not move, the CPU of the reaped children did not either.
REAPED = operator.itemgetter(8, 10, 13, 14)


def stat_fields(fd: int) -> list[bytes]:
    """/proc/self/stat (``fd``), split into its fields after the command's closing parenthesis: field 3 (state)
    first, up to field 42."""
    return os.pread(fd, 1024, 0).rsplit(b")", 1)[1].split(None, 39)


def stat_facts(fd: int, peak_kb: int | None) -> dict:
    """What ``status()`` gives, from /proc/self/stat (a fifth of the kernel's work): threads (field 20), vsize
    (23, bytes), rss (24, pages), and ``KERNEL_STATE`` and ``REAPED``; the peak is ``peak_kb`` (getrusage's)."""
    fields = stat_fields(fd)
    facts = {b"VmSize:": int(fields[20]) // 1024, b"VmRSS:": int(fields[21]) * PAGE // 1024,
             b"Threads:": int(fields[17]), b"kernel": KERNEL_STATE(fields), b"reaped": REAPED(fields)}
    if peak_kb is not None:
        facts[b"VmHWM:"] = peak_kb
    return facts


def statm() -> tuple[int, int]:
    """The process's virtual and resident size now, in bytes."""
    with open("/proc/self/statm", "rb") as f:
        data = f.read()
    size, resident = data.split()[:2]
    return int(size) * PAGE, int(resident) * PAGE


def status(fd: int) -> dict[bytes, int]:
    """This test's peak resident size (VmHWM), the threads now, and the memory now (VmSize, VmRSS), in kB:
    one read of /proc/self/status (``fd``)."""
    try:
        data = os.pread(fd, 4096, 0)
        fields = {}
        for key in (b"VmHWM:", b"VmSize:", b"VmRSS:", b"Threads:"):
            at = data.index(key) + len(key)
            fields[key] = int(data[at: data.index(b"\n", at)].split()[0])
        return fields
    except (OSError, ValueError, IndexError):
        return {b"VmHWM:": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def sysv_objects() -> int:
    """SysV shared memory segments, semaphore sets and message queues in this IPC namespace (three calls)."""
    count = VIEWS.get("ipc")
    if count is None:  # (not prepared by a worker: made here, once)
        count = VIEWS["ipc"] = ipc_counter()
    return count()


def _size_counts_entries(path: str) -> bool:
    """Whether ``path``'s size tells how many entries it holds (tmpfs adds 20 bytes an entry): tried with a
    file made and removed while it is empty."""
    probe = os.path.join(path, ".sstar-size-probe")
    try:
        if os.listdir(path):
            return False
        empty = os.stat(path).st_size
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        try:
            one = os.stat(path).st_size
        finally:
            os.unlink(probe)
        return one != empty and os.stat(path).st_size == empty and not os.listdir(path)
    except OSError:
        return False


def _agree(from_stat: dict[bytes, int], from_status: dict[bytes, int]) -> bool:
    """The two files read alike (the memory may move by a few pages between the reads)."""
    return from_stat[b"Threads:"] == from_status.get(b"Threads:") and all(
        abs(from_stat[k] - from_status.get(k, -1 << 40)) < 1024 for k in (b"VmSize:", b"VmRSS:"))
