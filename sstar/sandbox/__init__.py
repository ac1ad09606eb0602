"""Sandboxes that run untrusted programs: one protocol, several backends."""

from .protocol import ExecRequest, ExecResult, ExecStatus, Limits, Mode, Sandbox, SandboxInfo

__all__ = ["ExecRequest", "ExecResult", "ExecStatus", "Limits", "Mode", "Sandbox", "SandboxInfo",
           "LocalSandbox", "LocalSandboxConfig", "make_sandbox"]


def __getattr__(name: str):
    if name in ("LocalSandbox", "LocalSandboxConfig"):
        from . import local

        return getattr(local, name)
    raise AttributeError(name)


def make_sandbox(name: str = "local", **options) -> Sandbox:
    """A sandbox backend by name: ``local`` (the default)."""
    if name == "local":
        from .local import LocalSandbox

        return LocalSandbox(**options)
    raise ValueError(f"unknown sandbox backend {name!r}; available: local")
