"""One problem of a batch, the same wherever it runs: the resolved run spec, the engine, the record.

Both executors (here, and Ray actors) build their model and engine from a :class:`RunSpec` and turn a
problem into exactly one results line with :func:`solve_record`, so a local and a Ray run of the same
configuration write the same records.
"""

from __future__ import annotations

import inspect
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from ..errors import GenerationFailed
from ..models.protocol import Completion, Stage
from ..pipeline.config import SStarConfig
from ..pipeline.sstar import SStar
from ..problem import Problem
from .results import Status

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunSpec:
    """The resolved run configuration an executor needs (picklable, for Ray)."""

    config: dict
    """The :class:`SStarConfig`, as JSON."""
    model_name: Optional[str] = None
    model_options: dict = field(default_factory=dict)
    model_object: Any = None
    """A ready model object (the scripted model in tests); else the model is loaded by name."""
    cache: Optional[str] = None
    """The completion cache file (None: no cache)."""
    sandbox: str = "local"
    judge_name: Optional[str] = None
    """A separate judge model (None: the generator judges too)."""
    judge_options: dict = field(default_factory=dict)
    judge_object: Any = None

    def load_model(self):
        """(model, owned): owned models are closed by whoever loaded them."""
        if self.model_object is not None:
            return self.model_object, False
        from ..models import load_model
        from ..pipeline.api import default_model_name

        return load_model(self.model_name or default_model_name(), cache=self.cache or False,
                          **self.model_options), True

    def load_judge(self):
        """(judge model or None, owned): the separate judge, cached in the same run folder as the generator."""
        if self.judge_object is not None:
            return self.judge_object, False
        if not self.judge_name:
            return None, False
        from ..models import load_model

        return load_model(self.judge_name, cache=self.cache or False, **self.judge_options), True

    def engine(self, model, sandbox, judge=None) -> SStar:
        return _TimedSStar(model, sandbox, SStarConfig(**self.config), judge_model=judge)


class _TimedSStar(SStar):
    """S* with synthesis timed on its own (it runs inside selection), for the trace's per-stage wall times."""

    async def synthesize(self, run, *args, **kwargs):
        start = time.perf_counter()
        try:
            made = super().synthesize(run, *args, **kwargs)
            return await made if inspect.isawaitable(made) else made
        finally:
            run.timings.setdefault("synthesize", round(time.perf_counter() - start, 3))  # the pipeline's own wins


class CallRecorder:
    """A per-problem view of a shared model that keeps one record per call, for the trace.

    Used until the pipeline records its own calls (``SolveResult.calls``); then those win.
    """

    def __init__(self, model) -> None:
        self.inner = model
        self.calls: list[dict] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def generate(self, messages, **kwargs) -> list[Completion]:
        start = time.perf_counter()
        out = self.inner.generate(messages, **kwargs)
        self._record(kwargs, out, time.perf_counter() - start)
        return out

    async def agenerate(self, messages, **kwargs) -> list[Completion]:
        start = time.perf_counter()
        out = await self.inner.agenerate(messages, **kwargs)
        self._record(kwargs, out, time.perf_counter() - start)
        return out

    def _record(self, kwargs: dict, out: Sequence[Completion], seconds: float) -> None:
        stage = kwargs.get("stage", Stage.OTHER)
        for comp in out:
            self.calls.append({
                "stage": Stage(stage).value, "model": getattr(self.inner, "name", ""),
                "finish_reason": comp.finish_reason.value, "prompt_tokens": comp.prompt_tokens,
                "completion_tokens": comp.completion_tokens, "text": comp.text, "thinking": comp.thinking,
                "error": comp.error, "cached": comp.cached, "seconds": round(seconds, 3)})


def problem_fields(problem: Problem) -> dict:
    return {"question_id": problem.question_id,
            "difficulty": problem.difficulty.value if problem.difficulty else None,
            "platform": problem.platform.value, "contest_date": problem.contest_date}


def make_record(problem: Problem, result, calls: Sequence[dict] = ()) -> dict:
    """The results line of a finished problem."""
    trace = result.to_dict()
    trace.pop("config", None)  # recorded once, in config.json
    if not trace.get("calls"):
        trace["calls"] = list(calls)
    chosen = result.chosen
    return {**problem_fields(problem), "status": Status.FINISHED.value, "program": result.program,
            "chosen_index": result.chosen_index, "public_passed": bool(chosen and chosen.passes_public),
            "usage": result.usage, "timings": result.timings, "trace": trace}


def failed_record(problem: Problem, error: BaseException | str, calls: Sequence[dict] = ()) -> dict:
    """The results line of a problem that could not be run (retried on resume)."""
    if isinstance(error, BaseException):
        kind = "generation_failed" if isinstance(error, GenerationFailed) else type(error).__name__
        text = str(error).splitlines()[0][:500] if str(error) else type(error).__name__
    else:
        kind, text = "error", str(error)[:500]
    return {**problem_fields(problem), "status": Status.FAILED.value, "error": text, "error_type": kind,
            "failed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "calls": [c for c in calls if c.get("error")]}


async def solve_record(engine: SStar, recorder: CallRecorder, problem: Problem,
                       given: Optional[dict] = None) -> dict:
    """Run S* on one problem (or, with ``given``, only its selection over an earlier run's candidates)."""
    try:
        if given is None:
            result = await engine.asolve(problem)
        else:
            result = await reselect(engine, problem, given)
        return make_record(problem, result, recorder.calls)
    except Exception as exc:  # noqa: BLE001 - one broken problem must not end the batch
        log.error("%s failed: %s: %s (it will be retried on resume)", problem.question_id, type(exc).__name__,
                  str(exc)[:300])
        return failed_record(problem, exc, recorder.calls)


async def reselect(engine: SStar, problem: Problem, earlier: dict):
    """Selection alone over the candidates an earlier run produced (no generation, no debugging)."""
    candidates = earlier.get("trace", {}).get("candidates", [])
    result = await engine.aselect(problem, [c.get("code") for c in candidates])
    return _WithHistory(result, candidates)


class _WithHistory:
    """A finished selection whose trace shows the earlier run's candidates (with their debugging histories),
    so that baselines and pass@k read the same samples as the run it came from."""

    def __init__(self, result, candidates: list[dict]) -> None:
        self._result, self._candidates = result, candidates

    def __getattr__(self, name: str) -> Any:
        return getattr(self._result, name)

    def to_dict(self) -> dict:
        data = self._result.to_dict()
        data["candidates"] = self._candidates
        return data
