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
    """A sandbox backend by name: ``local`` (the default) or ``docker``."""
    if name == "local":
        from .local import LocalSandbox

        return LocalSandbox(**options)
    if name == "docker":
        from .docker_backend import DockerSandbox

        return DockerSandbox(**options)
    raise ValueError(f"unknown sandbox backend {name!r}; available: local, docker")
