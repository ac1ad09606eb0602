"""A disk cache of completions, so an interrupted or repeated run pays once.

Keyed by backend, model, messages, sampling parameters and the sample's index
(the i-th of n samples), in SQLite with WAL so that threads and processes can
share one file. A request for n samples takes the cached ones and asks the
model only for the rest.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Sequence

from .base import ModelBase
from .protocol import Completion, Message, SamplingParams, Stage


def default_cache_dir() -> Path:
    base = os.environ.get("SSTAR_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "sstar")
    return Path(base)


class CompletionCache:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_cache_dir() / "completions.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS completions (key TEXT PRIMARY KEY, value TEXT NOT NULL, "
                       "created REAL NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    @staticmethod
    def key(identity: dict[str, Any], messages: Sequence[Message], params: SamplingParams, index: int) -> str:
        blob = json.dumps({"model": identity, "messages": list(messages), "params": params.key(), "index": index},
                          sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, Completion]:
        if not keys:
            return {}
        db = self._connect()
        marks = ",".join("?" * len(keys))
        rows = db.execute(f"SELECT key, value FROM completions WHERE key IN ({marks})", keys).fetchall()
        return {k: Completion.from_dict(json.loads(v)) for k, v in rows}

    def put_many(self, items: dict[str, Completion]) -> None:
        db = self._connect()
        now = time.time()
        db.executemany("INSERT OR REPLACE INTO completions VALUES (?, ?, ?)",
                       [(k, json.dumps(c.to_dict()), now) for k, c in items.items()])

    def __len__(self) -> int:
        return self._connect().execute("SELECT COUNT(*) FROM completions").fetchone()[0]


class CachedModel(ModelBase):
    """Wraps a model with a :class:`CompletionCache`. Failed completions are never cached."""

    def __init__(self, model: ModelBase, cache: CompletionCache) -> None:
        super().__init__(model.name)
        self.inner, self.cache = model, cache
        self.backend = model.backend

    def _identity(self) -> dict[str, Any]:
        return {k: v for k, v in self.inner.config().items() if k not in ("max_concurrency", "timeout_s",
                                                                          "max_retries", "base_url")}

    def _split(self, messages, params):
        keys = [self.cache.key(self._identity(), messages, params, i) for i in range(params.n)]
        hits = self.cache.get_many(keys)
        missing = [k for k in keys if k not in hits]
        return keys, hits, missing

    def _merge(self, keys, hits, missing, fresh: list[Completion]) -> list[Completion]:
        self.cache.put_many({k: c for k, c in zip(missing, fresh) if not c.failed})
        by_key = {**{k: Completion(**{**c.__dict__, "cached": True}) for k, c in hits.items()},
                  **dict(zip(missing, fresh))}
        return [by_key[k] for k in keys]

    def _sample(self, messages: list[Message], params: SamplingParams, stage: Stage) -> list[Completion]:
        keys, hits, missing = self._split(messages, params)
        fresh = self.inner._sample(messages, _with_n(params, len(missing)), stage) if missing else []
        return self._merge(keys, hits, missing, fresh)

    async def _asample(self, messages: list[Message], params: SamplingParams, stage: Stage) -> list[Completion]:
        keys, hits, missing = self._split(messages, params)
        fresh = await self.inner._asample(messages, _with_n(params, len(missing)), stage) if missing else []
        return self._merge(keys, hits, missing, fresh)

    def config(self) -> dict[str, Any]:
        return {**self.inner.config(), "cache": str(self.cache.path)}

    def close(self) -> None:
        self.inner.close()


def _with_n(params: SamplingParams, n: int) -> SamplingParams:
    from dataclasses import replace

    return replace(params, n=n)
