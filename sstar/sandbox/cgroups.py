"""Harness-side housekeeping of the per-test cgroups the workers make.

Each worker makes ``sstar-<harness pid>-<index>`` under the cgroup it was
started in (the harness's own) and removes it when it exits; a harness
killed with ``kill -9`` leaves empty ones behind, removed here at the next start.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)
CGROUP_ROOT = "/sys/fs/cgroup"


def worker_cgroup_name(index: int) -> str:
    return f"sstar-{os.getpid()}-{index}"


def _own_dirs() -> list[str]:
    """This process's cgroup directory in every mounted hierarchy it can see."""
    dirs = []
    try:
        lines = open("/proc/self/cgroup").read().splitlines()
    except OSError:
        return dirs
    for line in lines:
        _, controllers, path = line.split(":", 2)
        names = controllers.split(",") if controllers else ["unified", ""]
        for name in names:
            base = os.path.join(CGROUP_ROOT, name) if name else CGROUP_ROOT
            candidate = os.path.join(base, path.lstrip("/"))
            if os.path.isfile(os.path.join(candidate, "cgroup.procs")):
                dirs.append(candidate)
                break
    return list(dict.fromkeys(dirs))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_tree(path: str) -> bool:
    try:
        for child in os.listdir(path):
            if os.path.isdir(os.path.join(path, child)):
                os.rmdir(os.path.join(path, child))
        os.rmdir(path)
        return True
    except FileNotFoundError:
        return True
    except OSError:
        return False


def remove_worker(name: str, attempts: int = 20) -> None:
    """Remove a killed worker's cgroups (its processes may take a moment to die)."""
    import time

    for parent in _own_dirs():
        path = os.path.join(parent, name)
        for _ in range(attempts):
            if _remove_tree(path):
                break
            time.sleep(0.025)
        else:
            log.debug("cannot remove the cgroup %s of a killed worker yet", path)


def reap_stale() -> int:
    """Remove cgroups left by harnesses that died; returns how many were removed."""
    removed = 0
    for parent in _own_dirs():
        try:
            entries = os.listdir(parent)
        except OSError:
            continue
        for entry in entries:
            parts = entry.split("-")
            if len(parts) != 3 or parts[0] != "sstar" or not parts[1].isdigit() or _alive(int(parts[1])):
                continue
            if _remove_tree(os.path.join(parent, entry)):
                removed += 1
    return removed
