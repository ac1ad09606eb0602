"""The allow-listed view, remembered on disk between processes.

Computing the view asks the interpreter where its library lives and runs ``ldd`` over the interpreter
and every extension module (about 0.6 s): every ``sstar`` command that starts a sandbox would pay it.
Each answer is kept in a small JSON file under ``$SSTAR_CACHE_DIR`` (default
``$XDG_CACHE_HOME/sstar`` or ``~/.cache/sstar``, as the completion cache), with the size, mtime and
inode of every file and directory it was computed from: the interpreter, the directories walked, every
extension module, every library ``ldd`` named, ``/etc/ld.so.cache`` (rewritten by ``ldconfig`` whenever
a library is installed). An entry is used only when every one of those is unchanged (a missing path
must still be missing), so upgrading Python, a library or a package recomputes it. Entries are written
atomically (a temporary file renamed into place); one that cannot be read or parsed, or a cache
directory that cannot be written, is ignored: the view is then computed as if there were no cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable

log = logging.getLogger(__name__)
FORMAT = 1


def cache_dir() -> Path:
    base = os.environ.get("SSTAR_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "sstar")
    return Path(base) / "sandbox-view"


def strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def stamp(path: str) -> list[int] | None:
    """What changes when ``path`` does (None: it does not exist)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _file(kind: str, key: list) -> Path:
    digest = hashlib.sha256(json.dumps([FORMAT, kind, key]).encode()).hexdigest()[:32]
    return cache_dir() / f"{kind}-{digest}.json"


def _load(path: Path, key: list) -> Any:
    try:
        entry = json.loads(path.read_text())
        if entry.get("format") != FORMAT or entry.get("key") != key:
            return None
        if any(stamp(p) != s for p, s in entry["stamps"].items()):
            return None  # something it was computed from changed
        return entry["value"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # unreadable or not ours: computed again


def _store(path: Path, key: list, value: Any, paths: Iterable[str]) -> None:
    entry = {"format": FORMAT, "key": key, "value": value, "stamps": {p: stamp(p) for p in dict.fromkeys(paths)}}
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # it decides what the sandbox binds: ours only
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w") as f:
                json.dump(entry, f)
            os.replace(tmp, path)  # readers see the old entry or the new one, never half of one
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        log.debug("sandbox view cache not written (%s): %s", path, exc)


def cached(kind: str, key: list, compute: Callable[[], tuple[Any, Iterable[str]]],
           valid: Callable[[Any], bool] = lambda value: True) -> Any:
    """``compute()`` returns (a JSON value, the paths it depends on); its value is reused while none changed
    (and while ``valid`` accepts its shape: an entry edited by hand is computed again, never half used)."""
    path = _file(kind, key)
    value = _load(path, key)
    if value is None or not valid(value):
        value, paths = compute()
        _store(path, key, value, paths)
    return value
