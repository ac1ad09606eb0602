"""``sstar sandbox check``: the hostile-program catalogue against a backend."""

from __future__ import annotations

import os

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="Inspect and check the sandbox.", no_args_is_help=True)


@app.command("build")
def build(force: bool = typer.Option(False, "--force", help="Build again even if the image is there.")) -> None:
    """Build the Docker sandbox image offline (docker import of a root filesystem); idempotent."""
    from ..sandbox.docker_backend import _client
    from ..sandbox.docker_image import ImageError, build_image
    from ..sandbox.pool import SandboxStartError
    from .common import fail

    try:
        client = _client("")
        typer.echo(build_image(client, force=force))
    except (SandboxStartError, ImageError) as exc:
        fail(str(exc), code=1)


@app.command("check")
def check(
    backend: str = typer.Option("local", "--backend", help="local or docker."),
    isolation: str = typer.Option("auto", "--isolation", help="Local backend: auto, bwrap, unshare or none."),
    workers: int = typer.Option(2, "--workers", min=1, help="Workers (processes or containers)."),
) -> None:
    """Run the built-in hostile programs; exit 0 only if every one gets its expected verdict."""
    import sstar

    from ..sandbox.hostile import run_catalogue
    from ..sandbox.pool import SandboxStartError
    from .common import fail

    if isolation not in ("auto", "bwrap", "unshare", "none"):
        fail(f"unknown isolation {isolation!r}: use auto, bwrap, unshare or none")
    if backend not in ("local", "docker"):
        fail(f"unknown backend {backend!r}: use local or docker")
    console = Console()
    if backend == "docker":
        from ..sandbox.docker_backend import DockerSandbox

        sandbox = DockerSandbox(workers=workers)
    else:
        from ..sandbox.local import LocalSandbox

        sandbox = LocalSandbox(workers=workers, isolation=isolation)
    try:
        info = sandbox.info()
    except SandboxStartError as exc:
        fail(str(exc), code=1)
    console.print(f"backend [bold]{info.backend}[/], isolation [bold]{info.isolation}[/], {info.workers} workers, "
                  f"uid drop: {info.uid_drop}, network isolated: {info.network_isolated}, "
                  f"read-only filesystem: {info.filesystem_readonly}")
    console.print(f"per test: cgroup: {info.cgroup or 'none (rlimits only)'}, seccomp: {info.seccomp}, "
                  f"IPC namespace: {info.ipc_namespace}, session keyring: {info.session_keyring}")
    for warning in info.warnings:
        console.print(f"[bold yellow]WARNING:[/] {warning}")
    table = Table(title="hostile programs")
    for column in ("case", "expected", "got", "time (s)", "ok"):
        table.add_column(column)
    project = os.path.dirname(os.path.abspath(sstar.__file__))
    try:
        results = run_catalogue(sandbox, project)
    finally:
        sandbox.close()
    bad = 0
    for case, result in results:
        ok = result.verdict in case.expected
        bad += not ok
        table.add_row(case.name, " | ".join(sorted(v.value for v in case.expected)), result.verdict.value,
                      f"{result.time_s:.2f}", "[green]yes[/]" if ok else f"[red]NO[/] {result.message[:60]}")
    console.print(table)
    intact = os.path.isfile(os.path.join(project, "__init__.py"))
    if not intact:
        console.print("[bold red]the project directory was damaged by a program[/]")
    console.print(f"{len(results) - bad} passed, {bad} failed")
    raise typer.Exit(0 if bad == 0 and intact and not info.warnings else 1)
