"""``sstar mcp``: serve sstar's tools to coding agents over the Model Context Protocol (stdio)."""

from __future__ import annotations

from typing import Optional

import typer


def mcp(
    model: Optional[str] = typer.Option(None, "--model", help="Default model of solve (and select's judge): "
                                        "openai:MODEL, smollm2, scripted:FILE, package.module:Class. Default for "
                                        "solve: as for sstar solve; select asks no model unless given one."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI-compatible server URL for --model."),
    sandbox: str = typer.Option("local", "--sandbox", help="Sandbox: local, docker or package.module:Class."),
) -> None:
    """Serve the tools test, select and solve over stdio (for Claude Code, Codex, Cursor, ...)."""
    from ..backends import BackendError, resolve
    from ..mcp_server import MissingExtra, serve
    from .common import fail

    try:
        resolve("sandbox", sandbox)  # a misspelt sandbox fails now, not at the first tool call
        serve(sandbox=sandbox, model=model, model_options={"base_url": base_url} if base_url else {})
    except (MissingExtra, BackendError) as exc:
        fail(str(exc))
