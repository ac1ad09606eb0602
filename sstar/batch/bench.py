"""``sstar bench``: S* over many problems at once, sharing one sandbox pool and one model client.

Resumable by default: problems finished in ``results.jsonl`` are skipped, failed ones are tried again, so
a run killed at any point (``kill -9`` included) or hit by an outage is completed by running the same
command again. ``redo`` starts over. One command at a time writes a run folder (a lock). ``reselect_from``
redoes only selection over the candidates an earlier run produced (``sstar reselect``).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from ..datasets.livecodebench import Selection, load_dataset
from ..models.protocol import Model
from ..pipeline.config import SStarConfig
from ..problem import ProblemFormatError
from .identity import differences, identity, provenance
from .results import Progress, ResultsLog, RunLock, read_records, write_json_atomic
from .solving import RunSpec
from ..backends import sandbox_for_workers

log = logging.getLogger(__name__)


class BenchError(RuntimeError):
    pass


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
    judge_model: Any = None
    """A separate judge model, name or ready object (None: the generator judges too)."""
    judge_options: dict = field(default_factory=dict)
    ray: Optional[str] = None
    """Run the problems as tasks on a Ray cluster: ``auto``, ``local`` or a cluster address (None: here)."""
    reselect_from: Optional[Path] = None
    """An earlier run folder: take its finished problems' candidates and redo only selection."""
    stop_after_failures: int = 10
    """Start no more problems after this many failed in a row (the server looks down); 0: never stop."""

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
        except (RuntimeError, ProblemFormatError) as exc:
            raise BenchError(str(exc)) from None
        if not problems:
            raise BenchError(f"{self.dataset}: no problem matches the filters")
        earlier = self._earlier_records()
        if earlier is not None:
            problems = [p for p in problems if p.question_id in earlier]
            if not problems:
                raise BenchError(f"{self.reselect_from}: no finished problem to select from")
        with RunLock(self.out, "sstar reselect" if self.reselect_from else "sstar bench"):
            results = self.out / "results.jsonl"
            if self.redo and results.exists():
                results.rename(self.out / f"results.{int(time.time())}.jsonl.bak")
            spec = self._spec()
            model, own_model = spec.load_model()
            judge, own_judge, sandbox, own_sandbox = None, False, None, False
            try:
                # Inside the try: a judge or sandbox that fails to load still closes the generator model.
                judge, own_judge = spec.load_judge()
                # With Ray, programs run on the workers' own sandboxes; none is needed here.
                sandbox, own_sandbox = (None, False) if self.ray else self._sandbox()
                self._write_config(model, judge)
                log_ = ResultsLog(results)
                for warning in log_.contents.warnings():
                    log.warning("%s: %s", results, warning)
                todo = [p for p in problems if p.question_id not in log_.done]
                progress = Progress(total=len(problems), stop_after=self.stop_after_failures)
                progress.done = progress.skipped = len(problems) - len(todo)
                wanted = {p.question_id for p in problems}
                progress.public_ok = sum(bool(r.get("public_passed")) for q, r in log_.contents.finished.items()
                                         if q in wanted)

                def emit(record: dict) -> None:
                    progress.account(record, log_.append(record))
                    if on_progress:
                        on_progress(progress)

                work = [(p, earlier[p.question_id] if earlier is not None else None) for p in todo]
                if self.ray:
                    from .ray_runner import run_on_ray

                    run_on_ray(spec, work, emit, self.concurrency, self.ray, lambda: progress.stopped)
                else:
                    from .executor import run_local

                    run_local(spec, work, emit, self.concurrency, model, sandbox, lambda: progress.stopped, judge)
                self._finish_config(progress)
                return progress
            finally:
                if own_sandbox and sandbox is not None:
                    sandbox.close()
                if own_model:
                    model.close()
                if own_judge and judge is not None:
                    judge.close()

    def _earlier_records(self) -> Optional[dict[str, dict]]:
        if self.reselect_from is None:
            return None
        path = Path(self.reselect_from) / "results.jsonl"
        if not path.is_file():
            raise BenchError(f"{self.reselect_from}: no results.jsonl here (is it a run folder made by sstar bench?)")
        return read_records(path).finished

    def _spec(self) -> RunSpec:
        ready = self.model is not None and not isinstance(self.model, str)
        return RunSpec(config=self.config.model_dump(mode="json"), model_name=None if ready else self.model,
                       model_options=dict(self.model_options), model_object=self.model if ready else None,
                       cache=str(self.out / "completions.sqlite") if self.cache else None,
                       sandbox=sandbox_for_workers(self.sandbox),
                       judge_name=self.judge_model if isinstance(self.judge_model, str) else None,
                       judge_options=dict(self.judge_options),
                       judge_object=None if isinstance(self.judge_model, str) else self.judge_model)

    def _sandbox(self):
        from ..sandbox import make_sandbox

        if isinstance(self.sandbox, str):
            return make_sandbox(self.sandbox), True
        return self.sandbox, False

    def describe(self, model: Model, judge: Optional[Model] = None) -> dict:
        """``config.json``: the experiment (what identity compares) and how this session ran it."""
        return {"dataset": str(Path(self.dataset).resolve()), "selection": asdict(self.selection),
                "model": {k: v for k, v in model.config().items() if k != "api_key"},
                "judge_model": None if judge is None else {k: v for k, v in judge.config().items() if k != "api_key"},
                "sstar": self.config.model_dump(mode="json"),
                "reselect_from": str(Path(self.reselect_from).resolve()) if self.reselect_from else None,
                "concurrency": self.concurrency, "cache": self.cache, "ray": self.ray,
                "sandbox": self.sandbox if isinstance(self.sandbox, str) else type(self.sandbox).__name__}

    def _write_config(self, model: Model, judge: Optional[Model] = None) -> None:
        path = self.out / "config.json"
        current = self.describe(model, judge)
        sessions: list = []
        if path.exists() and not self.redo:
            before = json.loads(path.read_text())
            changed = differences(identity(before), identity(current))
            if changed:
                raise BenchError(f"{self.out} holds another experiment ({'; '.join(changed)}): resume it with its "
                                 "settings, start over with --redo, or choose another --out")
            sessions = before.get("sessions", [])
        self._session = {**provenance(), "started": _now(), "finished": None}
        self._config = {**current, **{k: self._session[k] for k in ("sstar_version", "git_commit")},
                        "sessions": sessions + [self._session]}
        write_json_atomic(path, self._config)

    def _finish_config(self, progress: Progress) -> None:
        self._session.update(finished=_now(), problems=progress.total, done=progress.done, failed=progress.failed,
                             not_attempted=progress.not_attempted)
        write_json_atomic(self.out / "config.json", self._config)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
