"""``load_model(name, **options)``: a model by its one-string name, through :mod:`sstar.backends`.

``BACKEND:TARGET`` for the built-in backends (``openai:gpt-4o-mini``, ``transformers:PATH``,
``scripted:answers.jsonl``), ``smollm2`` for the embedded default, or ``package.module:Class`` for a
class of your own (called with the options; it must satisfy :class:`sstar.models.Model`).
"""

from __future__ import annotations

from typing import Any

from .base import ModelBase, ModelError

NEEDS_TARGET = {"openai": "openai:MODEL (e.g. openai:gpt-4o-mini)",
                "transformers": "transformers:PATH_OR_HUB_ID"}


def load_model(name: str, *, cache: bool | str = False, **options: Any) -> ModelBase:
    """A model by name. ``cache=True`` (or a path) keeps completions on disk, so a repeated or
    resumed run pays once. Options go to the backend (see :class:`OpenAIConfig`,
    :class:`TransformersConfig`; ``script=`` for ``scripted``).
    """
    model = _load(name.strip(), options)
    if cache:
        from .cache import CachedModel, CompletionCache

        return CachedModel(model, CompletionCache(None if cache is True else cache))
    return model


def _load(name: str, options: dict[str, Any]) -> ModelBase:
    from .. import backends

    if backends.is_import_path(name):
        try:
            factory = backends.resolve("model", name)
        except backends.BackendError as exc:
            raise ModelError(str(exc)) from None
        try:
            return backends.check_model(backends.build(factory, options, "model", name), name)
        except backends.BackendError as exc:
            raise ModelError(str(exc)) from None
    backend, sep, target = name.partition(":")
    if backend not in backends.MODELS:
        if sep:
            raise ModelError(f"unknown model backend {backend!r} in {name!r}: choose one of "
                             f"{', '.join(sorted(backends.MODELS))}, or give package.module:Class")
        raise ModelError(f"unknown model {name!r}: use BACKEND:MODEL with a backend in "
                         f"{', '.join(sorted(set(backends.MODELS) - {'smollm2'}))}, 'smollm2' for the embedded "
                         "default, or package.module:Class")
    if backend in NEEDS_TARGET and not target:
        raise ModelError(f"unknown model {name!r}: write {NEEDS_TARGET[backend]}")
    factory = backends.resolve("model", backend)
    return factory(target, **options) if target else factory(**options)


def load_embedded(target: str = "", **options: Any) -> ModelBase:
    """The embedded SmolLM2-135M-Instruct (fetched on first use, idempotent after)."""
    from . import embedded
    from .transformers_backend import TransformersModel

    if target:
        raise ModelError(f"'{embedded.NAME}' takes no argument (got {embedded.NAME}:{target})")
    model = TransformersModel(str(embedded.pull()), **options)
    model.name = embedded.NAME
    return model


def load_scripted(target: str = "", script: Any = None, **options: Any) -> ModelBase:
    """``scripted:FILE`` reads answers from a JSON/JSONL file; ``scripted`` takes ``script=`` (a list or a function)."""
    from .scripted import ScriptedModel

    if target:
        if script is not None:
            raise ModelError("give the scripted model a file or a script, not both")
        return ScriptedModel.from_file(target, **options)
    if script is None:
        raise ModelError("the scripted model needs its answers: --model scripted:FILE (a JSON or JSONL file of answers, "
                         "by stage or in order) or, from Python, load_model('scripted', script=[...])")
    return ScriptedModel(script, **options)
