"""``sstar mcp``: sstar as a Model Context Protocol server over stdio, on the official ``mcp`` SDK.

Tools (a problem is a LiveCodeBench record object, a minimal dict -- statement and tests -- or a path;
a program is its text or a path):

- ``test``: problem + program -> verdict and per-test results;
- ``select``: problem + candidate programs -> chosen index, program, how the choice was decided;
- ``solve``: problem (+ n, model) -> the chosen program and a summary of the run.

One sandbox pool serves every call for the server's lifetime; long runs report progress through MCP
progress notifications (stage, each candidate's public-test count, clusters, comparisons).
"""

# No ``from __future__ import annotations``: the SDK reads the tools' annotations (Context included) at
# registration, and they name classes imported inside build_server.

import asyncio
import functools
import logging
import threading
from typing import Any, Callable, Optional, Union

log = logging.getLogger(__name__)
INSTALL_HINT = "sstar mcp needs the mcp package: pip install 'sstar[mcp]'"
NAME = "sstar"


class MissingExtra(RuntimeError):
    pass


def _sdk():
    """(server class, Context, ToolError): the v2 names, else the v1 ones (FastMCP)."""
    try:
        from mcp.server.mcpserver import Context, MCPServer
        from mcp.server.mcpserver.exceptions import ToolError

        return MCPServer, Context, ToolError
    except ImportError:
        pass
    try:
        from mcp.server.fastmcp import Context, FastMCP
        from mcp.server.fastmcp.exceptions import ToolError

        return FastMCP, Context, ToolError
    except ImportError:
        raise MissingExtra(INSTALL_HINT) from None


class Backends:
    """The server's sandbox (and default model), built on first use and closed when the server stops."""

    def __init__(self, sandbox: str = "local", model: Optional[str] = None, model_options: Optional[dict] = None):
        self.sandbox_spec, self.model_name, self.model_options = sandbox, model, model_options or {}
        self._sandbox = None
        self._models: dict[str, Any] = {}
        self._lock = threading.Lock()

    def sandbox(self):
        from .sandbox import make_sandbox

        with self._lock:
            if self._sandbox is None:
                self._sandbox = make_sandbox(self.sandbox_spec)
            return self._sandbox

    def model(self, name: Optional[str], needed: bool):
        """A model object for a name (kept for later calls), None for 'none' or when none is needed."""
        from .models import load_model
        from .pipeline.leases import default_model_name

        name = name or self.model_name
        if name == "none" or (name is None and not needed):
            return None
        if name is None and self.model_options.get("base_url"):  # --base-url alone: the model that server serves
            from .pipeline.leases import served_model

            name = f"openai:{served_model(self.model_options['base_url'])}"
        name = name or default_model_name()
        with self._lock:
            if name not in self._models:
                self._models[name] = load_model(name, **self.model_options)
            return self._models[name]

    def close(self) -> None:
        with self._lock:
            for model in self._models.values():
                model.close()
            if self._sandbox is not None:
                self._sandbox.close()
            self._models, self._sandbox = {}, None


class Progress:
    """S* events -> MCP progress notifications (a no-op when the client asked for none)."""

    def __init__(self, ctx: Any) -> None:
        self.ctx, self.count = ctx, 0
        self.loop = asyncio.get_running_loop()
        self.sent: list[asyncio.Future] = []

    def __call__(self, kind: str, data: dict) -> None:
        self.count += 1
        count, message = self.count, describe_event(kind, data)
        self.loop.call_soon_threadsafe(self._send, count, message)

    def _send(self, count: int, message: str) -> None:
        self.sent.append(asyncio.ensure_future(self.ctx.report_progress(count, None, message)))

    async def flush(self) -> None:
        await asyncio.gather(*self.sent, return_exceptions=True)


def describe_event(kind: str, data: dict) -> str:
    if kind == "stage":
        return f"stage: {data.get('stage')}"
    if kind == "candidate":
        if not data.get("code"):
            return f"candidate {data.get('index')}: no code"
        return f"candidate {data.get('index')}: {data.get('passed')}/{data.get('total')} public tests " \
               f"(round {data.get('round', 0)})"
    if kind == "clusters":
        return f"clusters of sizes {data.get('sizes')} on {data.get('inputs')} valid inputs"
    if kind == "comparison":
        return f"compared clusters {data.get('cluster_a')} and {data.get('cluster_b')}: winner {data.get('winner')}"
    if kind == "chosen":
        return f"chose candidate {data.get('index')}"
    return kind


def build_server(backends: Backends):
    server_class, Context, ToolError = _sdk()
    from . import __version__
    from .models import ModelError
    from .pipeline import api
    from .pipeline.summary import decision, summary

    server = server_class(NAME, instructions=(
        "S* test-time scaling for code generation. `test` runs a program on a problem's tests; `select` picks "
        "the best of several candidate programs by differential execution; `solve` samples, debugs and selects. "
        "A problem is a LiveCodeBench record, a dict {statement, tests: [[input, output], ...], starter_code?, "
        "function_name?}, or a path to a .json/.jsonl file."))

    async def run(ctx: Any, work: Callable[[Callable], Any]):
        progress = Progress(ctx)
        try:
            return await work(progress)
        finally:
            await progress.flush()

    def sandbox():
        return backends.sandbox()

    def bad_input_is_a_tool_error(tool):
        """A broken problem, a missing candidate file, a model that is down: the message, not a traceback."""
        @functools.wraps(tool)
        async def wrapped(*args, **kwargs):
            try:
                return await tool(*args, **kwargs)
            except (ValueError, ModelError) as exc:
                raise ToolError(str(exc)) from None

        return wrapped

    @server.tool(name="test", description="Run one program on a problem's tests; returns the verdict and each "
                 "test's result. `program` is the code or a file path; `tests` is public, private or all.")
    @bad_input_is_a_tool_error
    async def test_tool(problem: Union[dict[str, Any], str], program: str, tests: str = "all",
                        time_limit_s: Optional[float] = None, ctx: Context = None) -> dict[str, Any]:
        sb = await asyncio.to_thread(sandbox)
        report = await api.atest(problem, program, sandbox=sb, tests=tests, time_limit_s=time_limit_s)
        data = report.to_dict()
        return {"accepted": report.accepted, **data}

    @server.tool(name="select", description="Choose the best of several candidate programs (code or file paths) "
                 "for a problem: public tests, synthesized inputs, clustering and pairwise comparison. Returns the "
                 "chosen index (0-based), its program, how the choice was decided (decided_by: judge, execution, "
                 "tie_break, public_tests, none) and which candidates were never told apart from it. `model` "
                 "(a model name, or 'none') judges pairs; default: the server's --model, else none.")
    @bad_input_is_a_tool_error
    async def select_tool(problem: Union[dict[str, Any], str], candidates: list[str], model: Optional[str] = None,
                          seed: Optional[int] = None, ctx: Context = None) -> dict[str, Any]:
        sb, judge = await asyncio.gather(asyncio.to_thread(sandbox), asyncio.to_thread(backends.model, model, False))
        config = api.as_config(None, seed=seed)
        result = await run(ctx, lambda p: api.aselect(problem, candidates, model=judge or "none", sandbox=sb,
                                                      config=config, on_event=p))
        chosen = result.chosen
        return {"index": result.chosen_index, "program": result.program, "path": chosen.path if chosen else None,
                **decision(result), "summary": summary(result), "sstar": __version__}

    @server.tool(name="solve", description="Solve a problem with S*: sample n programs from a model, debug them on "
                 "the public tests, synthesize inputs, select one. Returns the program and a summary (how the "
                 "choice was decided, candidates, clusters, model calls). `model`: openai:MODEL, smollm2, "
                 "scripted:FILE, package.module:Class; default: the server's --model.")
    @bad_input_is_a_tool_error
    async def solve_tool(problem: Union[dict[str, Any], str], n: Optional[int] = None, model: Optional[str] = None,
                         rounds: Optional[int] = None, seed: Optional[int] = None,
                         ctx: Context = None) -> dict[str, Any]:
        sb, generator = await asyncio.gather(asyncio.to_thread(sandbox), asyncio.to_thread(backends.model, model, True))
        config = api.as_config(None, n=n, rounds=rounds, seed=seed)
        result = await run(ctx, lambda p: api.asolve(problem, model=generator, sandbox=sb, config=config, on_event=p))
        return {"program": result.program, "summary": summary(result), "config": result.config, "sstar": __version__}

    return server


def serve(sandbox: str = "local", model: Optional[str] = None, model_options: Optional[dict] = None) -> None:
    """Serve over stdio until the client closes the connection."""
    backends = Backends(sandbox, model, model_options)
    server = build_server(backends)
    try:
        server.run("stdio")
    finally:
        backends.close()
