"""Sandboxes that run untrusted programs: one protocol, several backends."""

from .protocol import ExecRequest, ExecResult, ExecStatus, Limits, Mode, Sandbox, SandboxInfo

__all__ = ["ExecRequest", "ExecResult", "ExecStatus", "Limits", "Mode", "Sandbox", "SandboxInfo",
           "LocalSandbox", "LocalSandboxConfig", "DockerSandbox", "DockerSandboxConfig", "make_sandbox"]


def __getattr__(name: str):
    if name in ("LocalSandbox", "LocalSandboxConfig"):
        from . import local

        return getattr(local, name)
    if name in ("DockerSandbox", "DockerSandboxConfig"):
        from . import docker_backend

        return getattr(docker_backend, name)
    raise AttributeError(name)


def make_sandbox(name: str = "local", **options) -> Sandbox:
    """A sandbox by name (``local``, the default, or ``docker``) or by import path ``package.module:Class``."""
    from ..backends import make_sandbox as from_registry

    return from_registry(name, **options)
