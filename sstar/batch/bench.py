"""``sstar bench``: S* over many problems at once, sharing one sandbox pool and one model client.

Resumable by default: problems already in ``results.jsonl`` are skipped, so a run killed at any
point (``kill -9`` included) is completed by running the same command again. ``redo`` starts over.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from ..datasets.livecodebench import Selection, load_dataset
from ..models.protocol import Model
from ..pipeline.config import SStarConfig
from ..pipeline.sstar import SStar
from ..problem import Problem
from ..sandbox.protocol import Sandbox
from .results import ResultsLog, write_json_atomic

log = logging.getLogger(__name__)
IDENTITY_KEYS = ("dataset", "selection", "model", "sstar")


class BenchError(RuntimeError):
    pass


@dataclass
class Progress:
    total: int
    done: int = 0
    skipped: int = 0
    failed: int = 0
    public_ok: int = 0
    tokens: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def eta_s(self) -> Optional[float]:
        finished = self.done - self.skipped
        if finished <= 0:
            return None
        rate = (time.monotonic() - self.started) / finished
        return rate * (self.total - self.done - self.failed)


@dataclass
class Bench:
    """One batch run. ``model`` and ``sandbox`` may be names or ready objects (shared, not closed)."""

    dataset: str
    out: Path
    model: Any = None
    sandbox: Any = "local"
    config: SStarConfig = field(default_factory=SStarConfig)
    selection: Selection = field(default_factory=Selection)
    concurrency: int = 2
    cache: bool = True
    redo: bool = False
    model_options: dict = field(default_factory=dict)
    ray: Optional[str] = None
    """Run the problems as tasks on a Ray cluster: ``auto``, ``local`` or a cluster address (None: here)."""

    def identity(self, model: Model) -> dict:
        model_config = {k: v for k, v in model.config().items() if k not in ("cache",)}
        return {"dataset": str(Path(self.dataset).resolve()), "selection": asdict(self.selection),
                "model": model_config, "sstar": self.config.model_dump(mode="json")}

    def _resolve_dataset(self) -> str:
        """``hf:`` (or ``hf:REVISION``) reads the release's files from the Hugging Face hub into the cache."""
        if self.dataset != "hf" and not self.dataset.startswith("hf:"):
            return self.dataset
        from ..datasets.livecodebench import download_release
        from ..models.cache import default_cache_dir

        revision = self.dataset[3:] or "main"  # "hf" and "hf:" alike
        folder, commit = download_release(self.selection.release or "release_latest",
                                          default_cache_dir() / "livecodebench" / revision, revision)
        log.warning("LiveCodeBench %s at commit %s", self.selection.release or "release_latest", commit)
        self.dataset = str(folder)
        return self.dataset

    def run(self, on_progress: Optional[Callable[[Progress], None]] = None) -> Progress:
        try:
            problems = load_dataset(self._resolve_dataset(), self.selection)
        except RuntimeError as exc:
            raise BenchError(str(exc)) from None
        if not problems:
            raise BenchError(f"{self.dataset}: no problem matches the filters")
        self.out.mkdir(parents=True, exist_ok=True)
        results = self.out / "results.jsonl"
        if self.redo and results.exists():
            results.rename(self.out / f"results.{int(time.time())}.jsonl.bak")
        model, own_model = self._model()
        # With Ray, programs run on the workers' own sandboxes; none is needed here.
        sandbox, own_sandbox = (None, False) if self.ray else self._sandbox()
        try:
            self._write_config(model)
            progress = Progress(total=len(problems))
            results_log = ResultsLog(results)
            todo = [p for p in problems if p.question_id not in results_log.done]
            progress.done = progress.skipped = len(problems) - len(todo)
            wanted = {p.question_id for p in problems}
            progress.public_ok = sum(bool(r.get("public_passed")) for r in results_log.records()
                                     if r["question_id"] in wanted)
            if self.ray:
                from .ray_runner import run_on_ray

                run_on_ray(self, todo, results_log, progress, on_progress)
            else:
                asyncio.run(self._run_all(todo, model, sandbox, results_log, progress, on_progress))
            return progress
        finally:
            if own_sandbox and sandbox is not None:
                sandbox.close()
            if own_model:
                model.close()

    def _model(self) -> tuple[Model, bool]:
        from ..models import load_model
        from ..pipeline.api import default_model_name

        if self.model is not None and not isinstance(self.model, str):
            return self.model, False
        cache = str(self.out / "completions.sqlite") if self.cache else False
        return load_model(self.model or default_model_name(), cache=cache, **self.model_options), True

    def _sandbox(self) -> tuple[Sandbox, bool]:
        from ..sandbox import make_sandbox

        if isinstance(self.sandbox, str):
            return make_sandbox(self.sandbox), True
        return self.sandbox, False

    def _write_config(self, model: Model) -> None:
        import json

        path = self.out / "config.json"
        identity = self.identity(model)
        if path.exists() and not self.redo:
            before = json.loads(path.read_text())
            changed = [k for k in IDENTITY_KEYS if before.get(k) != json.loads(json.dumps(identity[k]))]
            if changed:
                raise BenchError(f"{self.out} holds a run with another {', '.join(changed)}: resume it with the same "
                                 "settings, start over with --redo, or choose another --out")
        write_json_atomic(path, {**identity, "concurrency": self.concurrency, "cache": self.cache, "ray": self.ray,
                                 "sandbox": self.sandbox if isinstance(self.sandbox, str) else type(self.sandbox).__name__})

    async def _run_all(self, todo: Sequence[Problem], model: Model, sandbox: Sandbox, results: ResultsLog,
                       progress: Progress, on_progress) -> None:
        gate = asyncio.Semaphore(self.concurrency)
        engine = SStar(model, sandbox, self.config)

        async def one(problem: Problem) -> None:
            async with gate:
                try:
                    record = make_record(problem, await engine.asolve(problem))
                except Exception as exc:  # noqa: BLE001 - one broken problem must not end the batch
                    log.error("%s failed: %s: %s (it will be retried on resume)", problem.question_id,
                              type(exc).__name__, exc)
                    record = None
            account(results, progress, record, on_progress)

        await asyncio.gather(*(one(p) for p in todo))


def make_record(problem: Problem, result) -> dict:
    """One line of results.jsonl for a finished problem."""
    trace = result.to_dict()
    trace.pop("config", None)  # recorded once, in config.json
    chosen = result.chosen
    return {"question_id": problem.question_id, "program": result.program,
            "chosen_index": result.chosen_index, "public_passed": bool(chosen and chosen.passes_public),
            "difficulty": problem.difficulty.value if problem.difficulty else None,
            "platform": problem.platform.value, "contest_date": problem.contest_date,
            "usage": result.usage, "timings": result.timings, "trace": trace}


def account(results: ResultsLog, progress: Progress, record: Optional[dict], on_progress) -> None:
    """Write a finished problem (None: it failed and will be retried on resume) and update the progress."""
    if record is None:
        progress.failed += 1
    elif results.append(record):
        progress.done += 1
        progress.public_ok += record["public_passed"]
        total = record["usage"].get("total", {})
        progress.tokens += total.get("prompt_tokens", 0) + total.get("completion_tokens", 0)
    if on_progress:
        on_progress(progress)
