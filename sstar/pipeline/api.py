"""The library's front door: ``solve``, ``select``, ``test`` and their async twins.

Accepts objects, dicts, paths and names (see :mod:`.arguments`). The async twins (``asolve``,
``aselect``, ``atest``) run inside an agent's event loop; concurrent calls share one sandbox and one
model (see :mod:`.leases`). The sync functions run their own loop, so inside a running one they
refuse with a message naming the twin to await instead.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Optional, Sequence, Union

from ..judge.verdict import JudgeReport
from ..models.protocol import Model
from ..problem import TestCase
from ..sandbox.protocol import Sandbox
from .arguments import (CandidateError, ProblemLike, ProgramLike, as_config, as_problem, read_candidate,
                        read_candidates)
from .config import SStarConfig
from .leases import Leases, default_model_name, served_model
from .records import SolveResult
from .sstar import Event, SStar

__all__ = ["CandidateError", "InsideEventLoopError", "ProblemLike", "ProgramLike", "aselect", "asolve", "as_config",
           "as_problem", "atest", "default_model_name", "select", "served_model", "solve", "test"]

ModelLike = Union[Model, str, None]
SandboxLike = Union[Sandbox, str, None]
ConfigLike = Union[SStarConfig, dict, None]


class InsideEventLoopError(RuntimeError):
    """A sync function called where an event loop already runs (an agent framework, Jupyter)."""


def _outside_loop(name: str) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise InsideEventLoopError(f"sstar.{name}() cannot run inside a running event loop; "
                               f"use `await sstar.a{name}(...)` there")


async def _leases(model: ModelLike, sandbox: SandboxLike, needs_model: bool, model_options: Optional[dict],
                  judge_model: ModelLike = None, judge_options: Optional[dict] = None) -> Leases:
    # Starting a sandbox pool or loading weights blocks: keep the caller's loop responsive meanwhile.
    return await asyncio.to_thread(Leases, model, sandbox, needs_model, model_options, judge_model, judge_options)


def _engine(leases: Leases, config: SStarConfig, on_event: Optional[Event]) -> SStar:
    judge = {} if leases.judge is None else {"judge_model": leases.judge}
    return SStar(leases.model, leases.sandbox, config, on_event, **judge)


async def asolve(problem: ProblemLike, model: ModelLike = None, sandbox: SandboxLike = None,
                 config: ConfigLike = None, on_event: Optional[Event] = None, model_options: Optional[dict] = None,
                 judge_model: ModelLike = None, judge_options: Optional[dict] = None) -> SolveResult:
    """Run S* on one problem: generate, debug, synthesize inputs, select.

    ``model``: a :class:`Model`, a name (``openai:gpt-4o-mini``, ``scripted:FILE``, ``package.module:Class``)
    or None for the default; ``sandbox``: a :class:`Sandbox`, ``local``, ``docker`` or an import path;
    ``judge_model`` (default: ``model``) writes the test inputs, predicts outputs and judges pairs.
    """
    prob, cfg = as_problem(problem), as_config(config)
    leases = await _leases(model, sandbox, True, model_options, judge_model, judge_options)
    try:
        return await _engine(leases, cfg, on_event).asolve(prob)
    finally:
        await asyncio.to_thread(leases.close)


async def aselect(problem: ProblemLike, programs: Sequence[ProgramLike], model: ModelLike = None,
                  sandbox: SandboxLike = None, config: ConfigLike = None, on_event: Optional[Event] = None,
                  model_options: Optional[dict] = None, judge_model: ModelLike = None,
                  judge_options: Optional[dict] = None) -> SolveResult:
    """Input synthesis and selection over programs you already have (their text, or Paths).

    ``model=None`` (or ``"none"``) asks no model: synthesized inputs, clustering and the tie rules decide;
    the result's ``decided_by`` says which. ``judge_model`` judges instead of ``model``.
    """
    prob, cfg = as_problem(problem), as_config(config)
    codes, paths = read_candidates(programs)
    leases = await _leases(model, sandbox, False, model_options, judge_model, judge_options)
    try:
        return await _engine(leases, cfg, on_event).aselect(prob, codes, paths)
    finally:
        await asyncio.to_thread(leases.close)


async def atest(problem: ProblemLike, program: ProgramLike, sandbox: SandboxLike = None,
                tests: Union[str, Sequence[TestCase]] = "all", time_limit_s: Optional[float] = None,
                memory_limit_mb: Optional[int] = None, float_tolerance: Optional[float] = None) -> JudgeReport:
    """Run one program on a problem's tests (``public``, ``private``, ``all`` or a list); the per-test verdicts."""
    from ..judge import effective_limits, run_tests

    prob = as_problem(problem)
    code, _ = read_candidate(program)
    cases = prob.tests(tests) if isinstance(tests, str) else tuple(tests)
    limits = effective_limits(prob, time_s=time_limit_s, memory_mb=memory_limit_mb)
    leases = await _leases(None, sandbox, False, None)
    try:
        return await asyncio.to_thread(run_tests, code, prob, leases.sandbox, cases, limits, float_tolerance)
    finally:
        await asyncio.to_thread(leases.close)


def solve(problem: ProblemLike, model: ModelLike = None, sandbox: SandboxLike = None, config: ConfigLike = None,
          on_event: Optional[Event] = None, model_options: Optional[dict] = None, judge_model: ModelLike = None,
          judge_options: Optional[dict] = None) -> SolveResult:
    """:func:`asolve`, for code that runs no event loop."""
    _outside_loop("solve")
    return asyncio.run(asolve(problem, model, sandbox, config, on_event, model_options, judge_model, judge_options))


def select(problem: ProblemLike, programs: Sequence[Union[str, Path]], model: ModelLike = None,
           sandbox: SandboxLike = None, config: ConfigLike = None, on_event: Optional[Event] = None,
           model_options: Optional[dict] = None, judge_model: ModelLike = None,
           judge_options: Optional[dict] = None) -> SolveResult:
    """:func:`aselect`, for code that runs no event loop."""
    _outside_loop("select")
    return asyncio.run(aselect(problem, programs, model, sandbox, config, on_event, model_options, judge_model,
                               judge_options))


def test(problem: ProblemLike, program: ProgramLike, sandbox: SandboxLike = None,
         tests: Union[str, Sequence[TestCase]] = "all", time_limit_s: Optional[float] = None,
         memory_limit_mb: Optional[int] = None, float_tolerance: Optional[float] = None) -> JudgeReport:
    """:func:`atest`, for code that runs no event loop."""
    _outside_loop("test")
    return asyncio.run(atest(problem, program, sandbox, tests, time_limit_s, memory_limit_mb, float_tolerance))


test.__test__ = False  # type: ignore[attr-defined]  # not a pytest test when imported into one
