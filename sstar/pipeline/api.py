"""``solve`` and ``select``: the library's front door. Accepts objects, dicts, paths and names."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional, Sequence, Union

from ..models.protocol import Model
from ..problem import Problem, load_problem, problem_from_dict
from ..sandbox.protocol import Sandbox
from .config import SStarConfig
from .records import SolveResult
from .sstar import Event, SStar

ProblemLike = Union[Problem, dict, str, Path]


def as_problem(problem: ProblemLike) -> Problem:
    if isinstance(problem, Problem):
        return problem
    if isinstance(problem, dict):
        return problem_from_dict(problem)
    return load_problem(problem)


def as_config(config: Union[SStarConfig, dict, None], **overrides: Any) -> SStarConfig:
    base = config if isinstance(config, SStarConfig) else SStarConfig(**(config or {}))
    return base.model_copy(update={k: v for k, v in overrides.items() if v is not None}) if overrides else base


def default_model_name() -> str:
    """``SSTAR_MODEL``; else the model an ``OPENAI_BASE_URL`` server serves; else OpenAI with a key; else SmolLM2."""
    if os.environ.get("SSTAR_MODEL"):
        return os.environ["SSTAR_MODEL"]
    if os.environ.get("OPENAI_BASE_URL"):
        return f"openai:{served_model(os.environ['OPENAI_BASE_URL'])}"
    if os.environ.get("OPENAI_API_KEY"):
        return "openai:gpt-4o-mini"
    return "smollm2"


def served_model(base_url: str, api_key: Optional[str] = None) -> str:
    """The first model a local OpenAI-compatible server lists (vLLM, SGLang, Ollama serve one or a few)."""
    from ..models.base import ModelError

    try:
        import openai

        client = openai.OpenAI(base_url=base_url, api_key=api_key or os.environ.get("OPENAI_API_KEY") or "EMPTY",
                               timeout=10, max_retries=1)
        models = client.models.list().data
    except Exception as exc:  # noqa: BLE001 - any failure here is "cannot reach the server"
        raise ModelError(f"cannot list the models of {base_url}: {type(exc).__name__}: {exc}") from None
    if not models:
        raise ModelError(f"{base_url} serves no model")
    return models[0].id


def _model(model: Union[Model, str, None], needed: bool, **options: Any) -> Optional[Model]:
    from ..models import load_model

    if model is None:
        return load_model(default_model_name(), **options) if needed else None
    if isinstance(model, str):
        return None if model == "none" else load_model(model, **options)
    return model


class _Resources:
    """Creates what the caller did not pass, and closes only that."""

    def __init__(self, model, sandbox, needed_model: bool, model_options: dict, judge_model=None,
                 judge_options: Optional[dict] = None) -> None:
        from ..sandbox import make_sandbox

        self.own_model = model is None or isinstance(model, str)
        self.own_judge = isinstance(judge_model, str)
        self.own_sandbox = sandbox is None or isinstance(sandbox, str)
        self.model = _model(model, needed_model, **model_options)
        try:
            self.judge = _model(judge_model, False, **(judge_options or {})) if judge_model is not None else None
        except BaseException:
            self._close_model()
            raise
        self.sandbox = make_sandbox(sandbox or "local") if self.own_sandbox else sandbox

    def _close_model(self) -> None:
        if self.own_model and self.model is not None:
            self.model.close()

    def close(self) -> None:
        if self.own_sandbox:
            self.sandbox.close()
        self._close_model()
        if self.own_judge and self.judge is not None:
            self.judge.close()


def solve(problem: ProblemLike, model: Union[Model, str, None] = None, sandbox: Union[Sandbox, str, None] = None,
          config: Union[SStarConfig, dict, None] = None, on_event: Optional[Event] = None,
          model_options: Optional[dict] = None, judge_model: Union[Model, str, None] = None,
          judge_options: Optional[dict] = None) -> SolveResult:
    """Run S* on one problem: generate, debug, synthesize inputs, select.

    ``judge_model`` (default: ``model``) writes the test inputs, predicts outputs and judges pairs.
    """
    prob, cfg = as_problem(problem), as_config(config)
    res = _Resources(model, sandbox, True, model_options or {}, judge_model, judge_options)
    try:
        return SStar(res.model, res.sandbox, cfg, on_event, judge_model=res.judge).solve(prob)
    finally:
        res.close()


def select(problem: ProblemLike, programs: Sequence[Union[str, Path]], model: Union[Model, str, None] = None,
           sandbox: Union[Sandbox, str, None] = None, config: Union[SStarConfig, dict, None] = None,
           on_event: Optional[Event] = None, model_options: Optional[dict] = None,
           judge_model: Union[Model, str, None] = None, judge_options: Optional[dict] = None) -> SolveResult:
    """Input synthesis and selection over programs you already have (code strings or paths).

    ``model=None`` (or ``"none"``) asks no model: Hypothesis inputs, clustering and the tie rules decide.
    ``judge_model`` judges instead of ``model`` (selection only uses the judge side).
    """
    prob, cfg = as_problem(problem), as_config(config)
    codes, paths = [], []
    for p in programs:
        if isinstance(p, Path) or (isinstance(p, str) and "\n" not in p and p.endswith(".py") and Path(p).is_file()):
            codes.append(Path(p).read_text(encoding="utf-8"))
            paths.append(str(p))
        else:
            codes.append(str(p))
            paths.append(None)
    res = _Resources(model, sandbox, False, model_options or {}, judge_model, judge_options)
    try:
        return SStar(res.model, res.sandbox, cfg, on_event, judge_model=res.judge).select(prob, codes, paths)
    finally:
        res.close()
