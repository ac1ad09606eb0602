"""Backends built from names, shared by the calls that run at the same time.

``await asyncio.gather(sstar.aselect(p1, a), sstar.aselect(p2, b))`` with the default sandbox starts
one sandbox pool, not two: each call leases the backend its name stands for, and the last call to
finish closes it. Objects the caller passes are used as they are and never closed here.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from typing import Any, Callable, Hashable, Optional, Union

from ..models.protocol import Model
from ..sandbox.protocol import Sandbox


class Shared:
    """A reference-counted table of live backends, keyed by what built them."""

    def __init__(self, build: Callable[..., Any]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._live: dict[Hashable, list] = {}  # key -> [backend, users]

    def acquire(self, key: Hashable, *args: Any, **kwargs: Any) -> Any:
        with self._lock:  # building under the lock: a second caller waits, then shares
            entry = self._live.get(key)
            if entry is None:
                entry = self._live[key] = [self._build(*args, **kwargs), 0]
            entry[1] += 1
            return entry[0]

    def release(self, key: Hashable) -> None:
        with self._lock:
            entry = self._live[key]
            entry[1] -= 1
            if entry[1] > 0:
                return
            del self._live[key]
        entry[0].close()

    def live(self) -> int:
        with self._lock:
            return len(self._live)


def _build_sandbox(spec: str) -> Sandbox:
    from ..sandbox import make_sandbox

    return make_sandbox(spec)


def _build_model(name: str, options: dict) -> Model:
    from ..models import load_model

    return load_model(name, **options)


SANDBOXES = Shared(_build_sandbox)
MODELS = Shared(_build_model)


def default_model_name() -> str:
    """``SSTAR_MODEL``; else the model an ``OPENAI_BASE_URL`` server serves; else OpenAI with a key; else SmolLM2."""
    if os.environ.get("SSTAR_MODEL"):
        return os.environ["SSTAR_MODEL"]
    if os.environ.get("OPENAI_BASE_URL"):
        return f"openai:{served_model(os.environ['OPENAI_BASE_URL'])}"
    if os.environ.get("OPENAI_API_KEY"):
        return "openai:gpt-4o-mini"
    return "smollm2"


def served_model(base_url: str, api_key: Optional[str] = None) -> str:
    """The first model a local OpenAI-compatible server lists (vLLM, SGLang, Ollama serve one or a few)."""
    from ..models.base import ModelError

    try:
        import openai

        client = openai.OpenAI(base_url=base_url, api_key=api_key or os.environ.get("OPENAI_API_KEY") or "EMPTY",
                               timeout=10, max_retries=1)
        models = client.models.list().data
    except Exception as exc:  # noqa: BLE001 - any failure here is "cannot reach the server"
        raise ModelError(f"cannot list the models of {base_url}: {type(exc).__name__}: {exc}") from None
    if not models:
        raise ModelError(f"{base_url} serves no model")
    return models[0].id


def _model_key(name: str, options: dict) -> Hashable:
    try:
        return (name, json.dumps(options, sort_keys=True))
    except TypeError:  # a script function, a client object...: this call gets its own
        return (name, object())


class Leases:
    """The model and sandbox of one call: leased by name, or the caller's objects."""

    def __init__(self, model: Union[Model, str, None], sandbox: Union[Sandbox, str, None], needs_model: bool,
                 model_options: Optional[dict] = None, judge_model: Union[Model, str, None] = None,
                 judge_options: Optional[dict] = None) -> None:
        self._stack = contextlib.ExitStack()
        try:
            self.sandbox = self._lease_sandbox(sandbox)
            self.model = self._lease_model(model, needs_model, model_options or {})
            # None: the model judges too. A name is leased like the model; "none" means no judge model.
            self.judge = None if judge_model is None else self._lease_model(judge_model, False, judge_options or {})
        except BaseException:
            self._stack.close()
            raise

    def _lease_sandbox(self, sandbox: Union[Sandbox, str, None]) -> Sandbox:
        if sandbox is not None and not isinstance(sandbox, str):
            return sandbox
        spec = (sandbox or "local").strip()
        built = SANDBOXES.acquire(spec, spec)
        self._stack.callback(SANDBOXES.release, spec)
        return built

    def _lease_model(self, model: Union[Model, str, None], needed: bool, options: dict) -> Optional[Model]:
        if model is not None and not isinstance(model, str):
            return model
        if model == "none" or (model is None and not needed):
            return None
        name = model or default_model_name()
        key = _model_key(name, options)
        built = MODELS.acquire(key, name, options)
        self._stack.callback(MODELS.release, key)
        return built

    def close(self) -> None:
        self._stack.close()
