"""``load_model(name, **options)``: a model by its one-string name."""

from __future__ import annotations

from typing import Any

from .base import ModelBase, ModelError

BACKENDS = ("openai", "transformers", "scripted")


def load_model(name: str, *, cache: bool | str = False, **options: Any) -> ModelBase:
    """``openai:MODEL``, ``transformers:PATH_OR_HUB_ID``, ``scripted`` or ``smollm2`` (the embedded default).

    ``cache=True`` (or a path) keeps completions on disk, so a repeated or
    resumed run pays once. Options go to the backend's config (see
    :class:`OpenAIConfig`, :class:`TransformersConfig`).
    """
    model = _load(name.strip(), options)
    if cache:
        from .cache import CachedModel, CompletionCache

        return CachedModel(model, CompletionCache(None if cache is True else cache))
    return model


def _load(name: str, options: dict[str, Any]) -> ModelBase:
    from . import embedded

    if name == embedded.NAME:
        folder = embedded.pull()  # automatic on first use, idempotent after
        from .transformers_backend import TransformersModel

        model = TransformersModel(str(folder), **options)
        model.name = embedded.NAME
        return model
    backend, sep, target = name.partition(":")
    if backend == "scripted":
        from .scripted import ScriptedModel

        return ScriptedModel(options.pop("script", ()), **options)
    if not sep or not target:
        raise ModelError(f"unknown model {name!r}: use BACKEND:MODEL with a backend in "
                         f"{', '.join(BACKENDS)}, or '{embedded.NAME}' for the embedded default")
    if backend == "openai":
        from .openai_backend import OpenAIModel

        return OpenAIModel(target, **options)
    if backend == "transformers":
        from .transformers_backend import TransformersModel

        return TransformersModel(target, **options)
    raise ModelError(f"unknown model backend {backend!r} in {name!r}: choose one of {', '.join(BACKENDS)}")
