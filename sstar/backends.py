"""One registry of backends: a name, or ``package.module:Class``, gives a model or a sandbox class.

Built in: models ``openai``, ``transformers``, ``smollm2``, ``scripted``; sandboxes ``local``, ``docker``.
Anything else importable works the same way (``mypkg.models:MyClient``), in the library, the CLI and
Ray workers, so an agent can plug in its own model client or sandbox without touching sstar.
Classes are imported only when asked for: naming a backend never imports the others' heavy packages.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import sys
from typing import Any, Callable

MODELS: dict[str, str] = {
    "openai": "sstar.models.openai_backend:OpenAIModel",
    "transformers": "sstar.models.transformers_backend:TransformersModel",
    "smollm2": "sstar.models.registry:load_embedded",
    "scripted": "sstar.models.registry:load_scripted",
}
SANDBOXES: dict[str, str] = {
    "local": "sstar.sandbox.local:LocalSandbox",
    "docker": "sstar.sandbox.docker_backend:DockerSandbox",
}
REGISTRY: dict[str, dict[str, str]] = {"model": MODELS, "sandbox": SANDBOXES}

log = logging.getLogger(__name__)
# ``package.module:Attribute`` (dotted attribute allowed); a bare ``name:arg`` is a backend name plus its argument.
_IMPORT_PATH = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


class BackendError(ValueError):
    """A backend name or import path that does not resolve; the message says what to write instead."""


def register_backend(kind: str, name: str, target: str | Callable[..., Any]) -> None:
    """Add a backend under a short name (``target``: ``package.module:Class`` or the class itself)."""
    if kind not in REGISTRY:
        raise BackendError(f"unknown backend kind {kind!r}: use one of {', '.join(REGISTRY)}")
    REGISTRY[kind][name] = target if isinstance(target, str) else f"{target.__module__}:{target.__qualname__}"


def is_import_path(spec: str) -> bool:
    """``package.module:Class``: not a registered name; a dotted module, or a capitalised attribute."""
    head, _, attribute = spec.partition(":")
    if not _IMPORT_PATH.match(spec) or head in MODELS or head in SANDBOXES:
        return False
    # ``vllm:qwen`` reads as a misspelt backend, ``mymodule:MyModel`` and ``pkg.mod:factory`` as import paths.
    return "." in head or attribute[:1].isupper()


def import_path_of(obj: Any) -> str:
    """The ``module:QualName`` of an object's class, for sending it by name (to a Ray worker)."""
    cls = obj if isinstance(obj, type) else type(obj)
    return f"{cls.__module__}:{cls.__qualname__}"


def sandbox_for_workers(sandbox: Any) -> str:
    """The sandbox spec a worker process (a Ray actor) builds: the chosen name or import path, never a silent
    substitute. A sandbox object cannot travel (it holds processes): its class goes by import path instead."""
    if sandbox is None or isinstance(sandbox, str):
        return sandbox or "local"
    spec = import_path_of(sandbox)
    if "<locals>" in spec:
        raise BackendError(f"the sandbox {spec} is defined inside a function, so worker processes cannot import it; "
                           "give a name (local, docker) or an import path package.module:Class")
    log.warning("worker processes each build their own %s with its default options (a sandbox object cannot be "
                "sent to them); pass a name or an import path to say so", spec)
    return spec


def resolve(kind: str, spec: str) -> Callable[..., Any]:
    """The class (or factory) a name or an import path stands for."""
    table = REGISTRY[kind]
    if spec not in table and not is_import_path(spec):
        raise BackendError(f"unknown {kind} {spec!r}: use one of {', '.join(sorted(table))}, "
                           f"or an import path package.module:Class")
    return import_object(table.get(spec, spec), kind)


def import_object(path: str, kind: str = "backend") -> Any:
    module_name, _, attribute = path.partition(":")
    try:
        module = _import(module_name)
    except ImportError as exc:
        raise BackendError(f"{kind} {path!r}: cannot import {module_name!r} ({exc})") from None
    obj: Any = module
    for part in attribute.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise BackendError(f"{kind} {path!r}: module {module_name!r} has no attribute {attribute!r}") from None
    return obj


def _import(module_name: str):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Like uvicorn and mini-swe-agent: a module in the current directory is found even when sstar
        # runs as an installed script (whose sys.path lacks the working directory).
        here = os.getcwd()
        if here in sys.path or not (exc.name and module_name.startswith(exc.name)):
            raise
        sys.path.append(here)
        return importlib.import_module(module_name)


def make_sandbox(spec: str = "local", **options: Any):
    """A sandbox by name (``local``, ``docker``) or import path, built with ``options``."""
    from .sandbox.protocol import Sandbox

    spec = spec.strip()
    factory = resolve("sandbox", spec)
    sandbox = build(factory, options, "sandbox", spec) if is_import_path(spec) else factory(**options)
    if not isinstance(sandbox, Sandbox):
        _close(sandbox)
        raise BackendError(f"sandbox {spec!r} gave a {type(sandbox).__name__}, which lacks the Sandbox methods "
                           "(run, run_many, info, close)")
    return sandbox


def build(factory: Any, options: dict, kind: str, spec: str) -> Any:
    """Call a class or factory named by import path; its failure is one line naming it (an instance is used as is)."""
    if not callable(factory):
        return factory
    try:
        return factory(**options)
    except Exception as exc:  # noqa: BLE001 - someone else's code: any failure is "could not build it"
        from .models.base import ModelError

        if isinstance(exc, (ModelError, BackendError)):
            raise
        raise BackendError(f"{kind} {spec!r} could not be built: {type(exc).__name__}: {exc}") from exc


def check_model(model: Any, spec: str):
    from .models.protocol import Model

    if not isinstance(model, Model):
        _close(model)
        raise BackendError(f"model {spec!r} gave a {type(model).__name__}, which lacks the Model methods "
                           "(generate, agenerate, config, close)")
    return model


def _close(obj: Any) -> None:
    close = getattr(obj, "close", None)
    if callable(close):
        close()
