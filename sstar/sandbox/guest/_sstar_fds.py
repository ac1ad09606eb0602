"""The descriptor table of a batch's process, checked after each test (``FdTable``): no descriptor opened,
closed or replaced. Standard library only.

Listing ``/proc/self/fd`` costs an open, two ``getdents``, a close and a sorted list of strings, and an
``fstat`` of each descriptor builds a 20-field result: together ~8 us a test in the sandbox. Here:

- how many: since Linux 6.2 the size of ``/proc/self/fd`` is the number of open descriptors, so one ``fstat``
  of it (opened once) says whether any was opened or closed;
- which: each descriptor is still the open file it was. A pipe is registered (with no events) in an epoll
  set, whose entries are keyed by descriptor *and* open file: ``EPOLL_CTL_MOD`` on the descriptor succeeds
  only while it is that same file. A file epoll refuses (a /proc file, a regular file) carries an owner set
  with ``F_SETOWN_EX``, different for each (a new open file has none; a copy of another of ours has that
  one's), read back with ``F_GETOWN_EX``; where no distinct owner is left, its device and inode are compared.
  (An owner only says where SIGIO would go for a file opened with O_ASYNC, which none of these is.)

As many descriptors, each present and the same open file: the table is unchanged. Where the size does not
count descriptors (older kernels), or when the count differs (a test that closed its standard input, say),
the table is listed as before.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct

F_SETOWN_EX, F_GETOWN_EX = 15, 16  # (Linux; not in the fcntl module)
F_OWNER_TID, F_OWNER_PID, F_OWNER_PGRP = 0, 1, 2
NO_OWNER = bytes(8)  # struct f_owner_ex {int type; pid_t pid;}, as F_GETOWN_EX's buffer


def _listed() -> list[int]:
    return sorted(int(fd) for fd in os.listdir("/proc/self/fd"))


class FdTable:
    """The process's descriptors as they were when it was made (descriptor 0, each test's input, aside)."""

    def __init__(self, known: tuple[int, ...] = ()) -> None:
        """``known``: descriptors the caller itself checks are what they were (they are counted here)."""
        self.dir = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        self.epoll = select.epoll()
        # (The listing shows its own descriptor too, closed by the time it is returned.)
        self.listing = [fd for fd in _listed() if fd != 0]
        fds = [fd for fd in self.listing if fd not in (self.dir, self.epoll.fileno()) and _is_open(fd)]
        known = [fd for fd in fds if fd in known]
        self.pipes, self.tagged, self.tags, self.stat = [], [], [], []
        owners = _owners()
        for fd in fds:
            if fd in known:
                continue
            try:
                self.epoll.register(fd, 0)
                self.pipes.append(fd)
                continue
            except OSError:  # (EPERM: a regular file)
                pass
            while owners and not _tag(fd, owners[0]):
                owners.pop(0)
            if owners:
                self.tagged.append(fd)
                owners.pop(0)
            else:
                self.stat.append(fd)
        # Read back after all were set: descriptors that share an open file (dup) share its owner too.
        self.tags = self._tags()
        self.ids = self._ids()
        st = os.fstat(self.dir)
        self.dir_id = (st.st_dev, st.st_ino)
        # The table's size (descriptor 0 open), or None where the size does not count descriptors.
        self.count = st.st_size if st.st_size == len(fds) + 2 + _is_open(0) else None

    def _tags(self) -> list[bytes]:
        return [fcntl.fcntl(fd, F_GETOWN_EX, NO_OWNER) for fd in self.tagged]

    def _ids(self) -> list[tuple[int, int]]:
        return [(st.st_dev, st.st_ino) for st in map(os.fstat, self.stat)]

    def still(self, fd: int) -> bool:
        """Whether ``fd`` is still the open file it was (one call; False for a descriptor not watched)."""
        try:
            if fd in self.pipes:
                self.epoll.modify(fd, 0)
                return True
            if fd in self.tagged:
                return fcntl.fcntl(fd, F_GETOWN_EX, NO_OWNER) == self.tags[self.tagged.index(fd)]
            if fd in self.stat:
                st = os.fstat(fd)
                return (st.st_dev, st.st_ino) == self.ids[self.stat.index(fd)]
        except OSError:
            pass
        return False

    def changed(self) -> bool:
        """Whether a descriptor other than 0 was opened, closed or replaced since the table was made."""
        try:
            st = os.fstat(self.dir)
            modify = self.epoll.modify
            for fd in self.pipes:
                modify(fd, 0)  # (ENOENT: another file; EBADF: closed)
            if (st.st_dev, st.st_ino) != self.dir_id or self._tags() != self.tags or self._ids() != self.ids:
                return True
            if st.st_size == self.count and _is_open(0):
                return False
            return [fd for fd in _listed() if fd != 0] != self.listing
        except OSError:
            return True


def _owners() -> list[bytes]:
    """Owners an open file can be given (``F_SETOWN_EX``: a thread, a process or a group, by id), each of a
    process that outlives this process's use of it: this process, its parent (the worker, without which it is
    killed) and their groups."""
    me, parent = os.getpid(), os.getppid()
    found = [(kind, who) for who in (me, parent) for kind in (F_OWNER_TID, F_OWNER_PID)]
    for who in (me, parent):
        try:
            found.append((F_OWNER_PGRP, os.getpgid(who)))
        except OSError:
            pass
    packed = [struct.pack("ii", kind, who) for kind, who in found if who > 0]
    return [owner for i, owner in enumerate(packed) if owner not in packed[:i]]


def _tag(fd: int, owner: bytes) -> bool:
    try:
        fcntl.fcntl(fd, F_SETOWN_EX, owner)
        return fcntl.fcntl(fd, F_GETOWN_EX, NO_OWNER) == owner
    except OSError:
        return False


def _is_open(fd: int) -> bool:
    try:
        os.get_inheritable(fd)  # one fcntl(F_GETFD)
    except OSError:
        return False
    return True
