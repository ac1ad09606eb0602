"""The S* algorithm, top to bottom: generate -> debug -> synthesize -> select.

Each stage is a method you can read and override. A run keeps all its state
in a :class:`Run` (no globals), so several runs may share one model and one
sandbox at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Optional, Sequence

from ..judge import JudgeReport, effective_limits, run_tests
from ..models.protocol import Completion, Model, Stage, Usage
from ..problem import Problem
from ..sandbox.protocol import Limits, Sandbox
from .. import synthesis
from ..synthesis.kinds import InputKind
from ..synthesis.model_inputs import parse_model_inputs
from . import prompts
from .config import SelectionMethod, SStarConfig
from .execution import Outcome, run_matrix
from .extract import extract_code
from .records import Candidate, Comparison, RoundRecord, SolveResult, SynthesizedInput
from .selection import cluster, pick, tournament, valid_inputs
from .shrink import shrink_input

log = logging.getLogger(__name__)
Event = Callable[[str, dict], None]


@dataclass
class Run:
    """The state of one S* run."""

    problem: Problem
    usage: Usage = field(default_factory=Usage)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    inputs: list[SynthesizedInput] = field(default_factory=list)
    clusters: list[tuple[int, ...]] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    reports: dict[int, JudgeReport] = field(default_factory=dict)
    """The latest public-test report of each candidate (for its debugging prompt)."""
    gate: Optional[asyncio.Semaphore] = None


class SStar:
    def __init__(self, model: Optional[Model], sandbox: Sandbox, config: SStarConfig | None = None,
                 on_event: Optional[Event] = None) -> None:
        self.model, self.sandbox = model, sandbox
        self.config = config or SStarConfig()
        self.on_event = on_event or (lambda kind, data: None)

    # -- entry points -----------------------------------------------------------
    async def asolve(self, problem: Problem) -> SolveResult:
        run = Run(problem, gate=asyncio.Semaphore(self.config.concurrency))
        await self._timed(run, "generate", self.generate(run))
        await self._timed(run, "debug", self.debug(run))
        return await self._finish(run)

    async def aselect(self, problem: Problem, programs: Sequence[str], paths: Sequence[str] = ()) -> SolveResult:
        run = Run(problem, gate=asyncio.Semaphore(self.config.concurrency))
        start = time.perf_counter()
        reports = await asyncio.gather(*(self._public(run, code, i) for i, code in enumerate(programs)))
        run.candidates = [Candidate(i, code, "given", (report,), paths[i] if i < len(paths) else None)
                          for i, (code, report) in enumerate(zip(programs, reports))]
        run.timings["public_tests"] = round(time.perf_counter() - start, 3)
        return await self._finish(run)

    def solve(self, problem: Problem) -> SolveResult:
        return asyncio.run(self.asolve(problem))

    def select(self, problem: Problem, programs: Sequence[str], paths: Sequence[str] = ()) -> SolveResult:
        return asyncio.run(self.aselect(problem, programs, paths))

    async def _finish(self, run: Run) -> SolveResult:
        chosen = await self._timed(run, "select", self.select_program(run))
        candidate = run.candidates[chosen] if chosen is not None else None
        self.on_event("chosen", {"index": chosen})
        return SolveResult(
            question_id=run.problem.question_id, program=candidate.code if candidate else None, chosen_index=chosen,
            selection=self.config.selection.value, candidates=tuple(run.candidates),
            synthesized_inputs=tuple(run.inputs), clusters=tuple(run.clusters), comparisons=tuple(run.comparisons),
            usage=run.usage.to_dict(), timings=run.timings, config=self.resolved_config(),
            notes=tuple(run.notes))

    def resolved_config(self) -> dict:
        """The S* settings, plus what model and sandbox actually ran (no secrets)."""
        config = self.config.model_dump(mode="json")
        config["model"] = self.model.config() if self.model is not None else None
        info = getattr(self.sandbox, "info", None)
        try:
            config["sandbox"] = info().__dict__ if callable(info) else type(self.sandbox).__name__
        except Exception as exc:  # noqa: BLE001 - a sandbox that cannot describe itself still ran
            config["sandbox"] = f"{type(self.sandbox).__name__} ({exc})"
        return config

    # -- stage 1: generation ------------------------------------------------------
    async def generate(self, run: Run) -> None:
        c = self.config
        self.on_event("stage", {"stage": "generate", "n": c.n})
        completions = await self._complete(run, prompts.generation(run.problem), Stage.GENERATE, n=c.n)
        codes = [None if comp.failed else extract_code(comp.text) for comp in completions]
        reports = await asyncio.gather(*(self._public(run, code, i) for i, code in enumerate(codes)))
        run.candidates = [Candidate(i, code, "generated", (report,)) for i, (code, report) in enumerate(zip(codes, reports))]
        for cand in run.candidates:
            self.on_event("candidate", {"index": cand.index, "round": 0, "passed": cand.last.passed,
                                        "total": cand.last.total, "code": cand.code is not None})
        if not any(codes):
            run.notes.append("no candidate produced code")

    # -- stage 2: iterative debugging on the public tests ------------------------------
    async def debug(self, run: Run) -> None:
        self.on_event("stage", {"stage": "debug", "rounds": self.config.rounds})
        run.candidates = list(await asyncio.gather(*(self._debug_one(run, cand) for cand in run.candidates)))

    async def _debug_one(self, run: Run, cand: Candidate) -> Candidate:
        history = list(cand.history)
        code = cand.code
        for round_no in range(1, self.config.rounds + 1):
            last = history[-1]
            if code is None or last.passed == last.total:
                break
            prompt = prompts.debugging(run.problem, code, run.reports[cand.index], history)
            reply = await self._complete(run, prompt, Stage.DEBUG, n=1, seed=self.config.seed + 1000 * round_no + cand.index)
            fixed = None if reply[0].failed else extract_code(reply[0].text)
            if fixed is None:  # the model gave no program: keep the last one, record the round
                history.append(RoundRecord(round_no, code, "no_code", last.passed, last.total, last.tests))
                continue
            code = fixed
            history.append(await self._public(run, code, cand.index, round_no))
            self.on_event("candidate", {"index": cand.index, "round": round_no, "passed": history[-1].passed,
                                        "total": history[-1].total, "code": True})
        return Candidate(cand.index, code, cand.source, tuple(history), cand.path)

    # -- stage 3: adaptive input synthesis ------------------------------------------
    async def synthesize(self, run: Run, kept: Sequence[int]) -> list[str]:
        """Inputs from the statement (edge, random, maximum-size; checked where built from constraints
        read in the text) and from the model; the notes say what could not be read."""
        c, problem = self.config, run.problem
        self.on_event("stage", {"stage": "synthesize"})
        made, notes = await asyncio.to_thread(synthesis.synthesize, problem, c.hypothesis_inputs, c.seed,
                                              c.max_input_chars)
        run.notes += [f"synthesis: {note}" for note in notes]
        found: dict[str, SynthesizedInput] = {}
        for item in made:  # edge and maximum-size cases come even with hypothesis_inputs=0
            found.setdefault(item.text, SynthesizedInput(item.text, "hypothesis", kind=item.kind, checked=item.checked))
        if c.model_inputs and self.model is not None:
            arity = synthesis.arity(problem)
            msgs = prompts.input_synthesis(problem, c.model_inputs, [f"arg{i + 1}" for i in range(arity)])
            reply = await self._complete(run, msgs, Stage.SYNTHESIZE, n=1, temperature=0.0)
            if not reply[0].failed:
                for text in parse_model_inputs(reply[0].text, problem, arity, c.max_input_chars):
                    found.setdefault(text, SynthesizedInput(text, "model", kind=InputKind.MODEL))
        public = {t.input for t in problem.public_test_cases}
        run.inputs = [item for text, item in found.items() if text not in public]
        return [item.text for item in run.inputs]

    # -- stage 4: selection ---------------------------------------------------------
    async def select_program(self, run: Run) -> Optional[int]:
        c, cands = self.config, run.candidates
        with_code = [x for x in cands if x.code is not None]
        if not with_code:
            return None
        best = max(x.pass_rate for x in with_code)
        kept = [x.index for x in with_code if x.pass_rate == best]
        method = c.selection
        if method is SelectionMethod.FIRST or len(kept) == 1:
            return kept[0]
        if method is SelectionMethod.RANDOM:
            return random.Random(c.seed).choice(kept)
        if method is SelectionMethod.LLM_JUDGE:
            return await self._llm_judge(run, kept)
        inputs = await self.synthesize(run, kept)
        limits = self._synth_limits(run.problem)
        matrix = await asyncio.to_thread(run_matrix, [cands[k].code for k in kept], run.problem, inputs,
                                         self.sandbox, limits) if inputs else [[] for _ in kept]
        valid = valid_inputs(matrix, [s.checked for s in run.inputs]) if inputs else []
        run.inputs = [replace(s, valid=ok, reason=why) for s, (ok, why) in zip(run.inputs, valid)]
        groups = cluster(kept, matrix, [ok for ok, _ in valid])
        run.clusters = [tuple(g.members) for g in groups]
        self.on_event("clusters", {"sizes": [g.size for g in groups], "inputs": sum(ok for ok, _ in valid)})
        if method is SelectionMethod.MAJORITY or len(groups) == 1:
            return groups[0].rep if len(groups) == 1 else groups[pick(groups, [0] * len(groups))].rep
        top = groups[: c.max_clusters]
        reps = {g.rep: matrix[kept.index(g.rep)] for g in top}

        async def shrink(ra: int, rb: int, text: str, out_a: Outcome, out_b: Outcome):
            async def run_pair(candidate: str) -> tuple[Outcome, Outcome]:
                rows = await asyncio.to_thread(run_matrix, [cands[ra].code, cands[rb].code], run.problem,
                                               [candidate], self.sandbox, limits)
                return rows[0][0], rows[1][0]

            return await shrink_input(run.problem, text, out_a, out_b, run_pair, c.shrink_steps)

        ask = None if self.model is None else (lambda msgs, stage: self._ask(run, msgs, stage))
        wins, comparisons = await tournament(run.problem, top, inputs, reps, [ok for ok, _ in valid], ask, shrink,
                                             c.judge_expected_output,
                                             lambda rec: self.on_event("comparison", rec.to_dict()))
        run.comparisons = comparisons
        return top[pick(top, wins)].rep

    async def _llm_judge(self, run: Run, kept: Sequence[int]) -> int:
        """Pairwise judging of the programs themselves, without running them."""
        unique: dict[str, int] = {}
        for k in kept:
            unique.setdefault(run.candidates[k].code, k)
        reps = list(unique.values())[: self.config.max_clusters]
        wins = {k: 0 for k in reps}
        if self.model is not None:
            from .selection import parse_verdict

            for i, a in enumerate(reps):
                for b in reps[i + 1:]:
                    ca, cb = run.candidates[a].code, run.candidates[b].code
                    v1 = parse_verdict(await self._ask(run, prompts.judge_programs(run.problem, ca, cb), Stage.JUDGE))
                    v2 = parse_verdict(await self._ask(run, prompts.judge_programs(run.problem, cb, ca), Stage.JUDGE))
                    if (v1, v2) == ("A", "B"):
                        wins[a] += 1
                    elif (v1, v2) == ("B", "A"):
                        wins[b] += 1
        return max(reps, key=lambda k: (wins[k], -reps.index(k)))

    # -- helpers --------------------------------------------------------------------
    def _limits(self, problem: Problem) -> Limits:
        return effective_limits(problem, time_s=self.config.time_limit_s)

    def _synth_limits(self, problem: Problem) -> Limits:
        base = self._limits(problem)
        return base.with_overrides(time_s=min(base.time_s, self.config.synth_time_limit_s))

    async def _public(self, run: Run, code: Optional[str], index: int, round_no: int = 0) -> RoundRecord:
        problem = run.problem
        total = len(problem.public_test_cases)
        if code is None:
            return RoundRecord(round_no, None, "no_code", 0, total)
        report = await asyncio.to_thread(run_tests, code, problem, self.sandbox, "public", self._limits(problem))
        run.reports[index] = report
        tests = tuple({"verdict": t.verdict.value, "time_s": t.time_s, "message": t.message} for t in report.tests)
        return RoundRecord(round_no, code, report.verdict.value, report.passed, report.total, tests)

    async def _complete(self, run: Run, messages: list, stage: Stage, n: int = 1, temperature: float | None = None,
                        seed: int | None = None) -> list[Completion]:
        if self.model is None:
            raise RuntimeError(f"the {stage.value} stage needs a model")
        c = self.config
        async with run.gate:
            start = time.perf_counter()
            out = await self.model.agenerate(messages, n=n, temperature=c.temperature if temperature is None else temperature,
                                             max_tokens=c.max_tokens, seed=c.seed if seed is None else seed, stage=stage)
        run.usage.record(stage, out, time.perf_counter() - start)
        return out

    async def _ask(self, run: Run, messages: list, stage: Stage) -> Optional[str]:
        reply = await self._complete(run, messages, stage, n=1, temperature=0.0)
        return None if reply[0].failed else reply[0].text

    async def _timed(self, run: Run, name: str, work) -> Any:
        start = time.perf_counter()
        try:
            return await work
        finally:
            run.timings[name] = round(time.perf_counter() - start, 3)
