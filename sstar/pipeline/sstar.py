"""The S* algorithm, top to bottom: generate -> debug -> synthesize -> select.

Each stage is a method you can read and override (so is :meth:`SStar.pair_judge`,
the step that decides one pair). A run keeps all its state in a :class:`Run`
(no globals), so several runs may share one model and one sandbox at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Optional, Sequence

from .. import synthesis
from ..judge import effective_limits, run_tests
from ..models.protocol import Completion, FinishReason, Model, Stage
from ..problem import Problem
from ..sandbox.protocol import Limits, Sandbox
from ..errors import GenerationFailed
from ..synthesis.functional import signature
from ..synthesis.kinds import InputKind
from ..synthesis.model_inputs import parse_model_inputs
from . import prompts
from .calls import Caller, CallLog
from .config import DebugContext, SelectionMethod, SStarConfig
from .execution import Outcome, run_matrix
from .extract import extract_code
from .pair_judge import ModelPairJudge, PairJudge
from .records import (Candidate, Comparison, DecidedBy, RoundRecord, RoundVerdict, SolveResult, SynthesizedInput,
                      TestRecord)
from .selection import cluster, explain, judge_programs, pick, runnable, tally, tournament, valid_inputs
from .shrink import shrink_input

log = logging.getLogger(__name__)
Event = Callable[[str, dict], None]


@dataclass
class Run:
    """The state of one S* run."""

    problem: Problem
    log: CallLog = field(default_factory=CallLog)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    inputs: list[SynthesizedInput] = field(default_factory=list)
    clusters: list[tuple[int, ...]] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    decided_by: DecidedBy = DecidedBy.NONE
    undistinguished: tuple[int, ...] = ()
    gate: Optional[asyncio.Semaphore] = None


class SStar:
    def __init__(self, model: Optional[Model], sandbox: Sandbox, config: SStarConfig | None = None,
                 on_event: Optional[Event] = None, judge_model: Optional[Model] = None) -> None:
        self.model, self.sandbox = model, sandbox
        self.judge_model = judge_model if judge_model is not None else model
        self.config = config or SStarConfig()
        self.on_event = on_event or (lambda kind, data: None)
        self.caller = Caller(self.config, model, judge_model)

    # -- entry points -----------------------------------------------------------
    async def asolve(self, problem: Problem) -> SolveResult:
        run = Run(problem, gate=asyncio.Semaphore(self.config.concurrency))
        await self._timed(run, "generate", self.generate(run))
        await self._timed(run, "debug", self.debug(run))
        return await self._finish(run)

    async def aselect(self, problem: Problem, programs: Sequence[str], paths: Sequence[str] = ()) -> SolveResult:
        run = Run(problem, gate=asyncio.Semaphore(self.config.concurrency))
        start = time.perf_counter()
        reports = await asyncio.gather(*(self._public(run, code) for code in programs))
        run.candidates = [Candidate(i, code, "given", (report,), paths[i] if i < len(paths) else None, runnable(code))
                          for i, (code, report) in enumerate(zip(programs, reports))]
        run.timings["public_tests"] = round(time.perf_counter() - start, 3)
        return await self._finish(run)

    def solve(self, problem: Problem) -> SolveResult:
        return asyncio.run(self.asolve(problem))

    def select(self, problem: Problem, programs: Sequence[str], paths: Sequence[str] = ()) -> SolveResult:
        return asyncio.run(self.aselect(problem, programs, paths))

    async def _finish(self, run: Run) -> SolveResult:
        from .. import __version__

        chosen = await self._timed(run, "select", self.select_program(run))
        candidate = run.candidates[chosen] if chosen is not None else None
        self.on_event("chosen", {"index": chosen, "decided_by": run.decided_by.value,
                                 "undistinguished": list(run.undistinguished)})
        return SolveResult(
            question_id=run.problem.question_id, program=candidate.code if candidate else None, chosen_index=chosen,
            selection=self.config.selection.value, candidates=tuple(run.candidates),
            synthesized_inputs=tuple(run.inputs), clusters=tuple(run.clusters), comparisons=tuple(run.comparisons),
            usage=run.log.usage.to_dict(), timings=run.timings, config=self.resolved_config(),
            notes=tuple(run.notes), decided_by=run.decided_by, undistinguished=run.undistinguished,
            calls=tuple(run.log.calls), usage_by_model=run.log.usage_by_model(), version=__version__)

    def resolved_config(self) -> dict:
        """The S* settings, plus what models and sandbox actually ran (no secrets) and the token budgets used."""
        config = self.config.model_dump(mode="json")
        config["model"] = self.model.config() if self.model is not None else None
        config["judge_model"] = self.judge_model.config() if self.judge_model is not None else None
        config["max_tokens_used"] = {role: self.caller.max_tokens(m) for role, m in
                                     (("generator", self.model), ("judge", self.judge_model)) if m is not None}
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
        if completions and all(comp.failed for comp in completions):
            raise GenerationFailed(completions[0].error or "every generation call failed")
        codes = [None if comp.failed else extract_code(comp.text) for comp in completions]
        reports = await asyncio.gather(*(self._public(run, code, 0, comp) for code, comp in zip(codes, completions)))
        run.candidates = [Candidate(i, code, "generated", (report,), None, runnable(code))
                          for i, (code, report) in enumerate(zip(codes, reports))]
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
        """Rounds until the public tests pass; a candidate without code is asked again for a program."""
        history, code = list(cand.history), cand.code
        for round_no in range(1, self.config.rounds + 1):
            last = history[-1]
            if code is not None and last.passed == last.total:
                break
            prompt = prompts.debugging(run.problem, code, last.feedback, history,
                                       self.config.debug_context is DebugContext.ALL)
            reply = await self._complete(run, prompt, Stage.DEBUG, n=1, seed=self.config.seed + 1000 * round_no + cand.index)
            fixed = None if reply[0].failed else extract_code(reply[0].text)
            if fixed is None:  # no program this round: keep the last one (if any), record the round
                history.append(RoundRecord(round_no, code, RoundVerdict.NO_CODE, last.passed, last.total, last.tests,
                                           last.feedback, reply[0].finish_reason is FinishReason.LENGTH))
                continue
            code = fixed
            history.append(await self._public(run, code, round_no, reply[0]))
            self.on_event("candidate", {"index": cand.index, "round": round_no, "passed": history[-1].passed,
                                        "total": history[-1].total, "code": True})
        return Candidate(cand.index, code, cand.source, tuple(history), cand.path, runnable(code))

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
        if c.model_inputs and self.judge_model is not None:
            arity = synthesis.arity(problem)
            msgs = prompts.input_synthesis(problem, c.model_inputs, [f"arg{i + 1}" for i in range(arity)])
            reply = await self._complete(run, msgs, Stage.SYNTHESIZE, n=1, temperature=0.0)
            if not reply[0].failed:
                for text in parse_model_inputs(reply[0].text, problem, arity, c.max_input_chars):
                    found.setdefault(text, SynthesizedInput(text, "model", kind=InputKind.MODEL))
        public = {t.input for t in problem.public_test_cases}
        # Shortest first: under the time budget the many small inputs (where most wrong programs show) run
        # before the few maximum-size ones, which a budget may leave out.
        run.inputs = sorted((item for text, item in found.items() if text not in public), key=lambda i: len(i.text))
        return [item.text for item in run.inputs]

    # -- stage 4: selection ---------------------------------------------------------
    async def select_program(self, run: Run) -> Optional[int]:
        c, cands = self.config, run.candidates
        with_code = [x for x in cands if x.code is not None]
        if not with_code:
            return None
        # Whatever cannot run ranks below everything that can; then the public-test pass rate decides.
        pool = [x for x in with_code if x.runnable] or with_code
        best = max(x.pass_rate for x in pool)
        kept = [x.index for x in pool if x.pass_rate == best]
        method = c.selection
        run.decided_by, run.undistinguished = DecidedBy.PUBLIC_TESTS, tuple(kept[1:])
        if method is SelectionMethod.FIRST or len(kept) == 1:
            return kept[0]
        if method is SelectionMethod.RANDOM:
            choice = random.Random(c.seed).choice(kept)
            run.decided_by, run.undistinguished = DecidedBy.RANDOM, tuple(k for k in kept if k != choice)
            return choice
        if method is SelectionMethod.LLM_JUDGE:
            ask = None if self.judge_model is None else (lambda msgs, stage: self._ask(run, msgs, stage))
            choice, run.decided_by, run.undistinguished = await judge_programs(
                run.problem, {k: cands[k].code for k in kept}, ask, c.max_clusters)
            return choice
        inputs = await self.synthesize(run, kept)
        limits = self._synth_limits(run.problem)
        matrix = await asyncio.to_thread(run_matrix, [cands[k].code for k in kept], run.problem, inputs,
                                         self.sandbox, limits, c.synth_time_limits, 10, c.synth_budget_s) \
            if inputs else [[] for _ in kept]
        if matrix and len(matrix[0]) < len(inputs):  # the time budget ran out: the inputs never run are dropped
            run.notes.append(f"synthesis: the {c.synth_budget_s:g} s budget for running synthesized inputs was "
                             f"spent after {len(matrix[0])} of {len(inputs)} inputs; the rest were not run")
            inputs, run.inputs = inputs[:len(matrix[0])], run.inputs[:len(matrix[0])]
        valid = valid_inputs(matrix, [s.checked for s in run.inputs]) if inputs else []
        run.inputs = [replace(s, valid=ok, reason=why) for s, (ok, why) in zip(run.inputs, valid)]
        usable = [ok for ok, _ in valid]
        groups = cluster(kept, matrix, usable)
        run.clusters = [tuple(g.members) for g in groups]
        self.on_event("clusters", {"sizes": [g.size for g in groups], "inputs": sum(usable)})
        if method is SelectionMethod.MAJORITY or len(groups) == 1:
            winner = pick(groups, [0] * len(groups))
            strict = len(groups) > 1 and groups[winner].size > max(g.size for k, g in enumerate(groups) if k != winner)
            run.decided_by = DecidedBy.MAJORITY if strict else DecidedBy.TIE_BREAK
            run.undistinguished = tuple(k for k in kept if k != groups[winner].rep)
            return groups[winner].rep
        top = groups[: c.max_clusters]
        reps = {g.rep: matrix[kept.index(g.rep)] for g in top}
        judge = self.pair_judge(run, [cands[g.rep].code for g in top], limits)
        winner, _, run.comparisons, written = await tournament(
            run.problem, top, inputs, reps, usable, {g.rep: cands[g.rep].code for g in top}, judge,
            lambda rec: self.on_event("comparison", rec.to_dict()), c.tournament, tally(matrix, usable))
        run.inputs += written
        run.decided_by, run.undistinguished = explain(winner, groups, run.comparisons, kept)
        return top[winner].rep

    def pair_judge(self, run: Run, rep_codes: Sequence[str], limits: Limits) -> PairJudge:
        """The step that decides one pair of cluster representatives (override to replace it)."""
        problem, c = run.problem, self.config

        async def run_inputs(codes: Sequence[str], texts: Sequence[str]) -> list[list[Outcome]]:
            return await asyncio.to_thread(run_matrix, list(codes), problem, list(texts), self.sandbox, limits)

        async def shrink(code_a: str, code_b: str, text: str, out_a: Outcome, out_b: Outcome):
            async def run_pair(candidate: str) -> tuple[Outcome, Outcome]:
                rows = await run_inputs([code_a, code_b], [candidate])
                return rows[0][0], rows[1][0]

            return await shrink_input(problem, text, out_a, out_b, run_pair, c.shrink_steps)

        arity = synthesis.arity(problem)
        names = [name for name, _ in signature(problem.starter_code, problem.func_name)] if arity else []
        ask = None if self.judge_model is None else (lambda msgs, stage: self._ask(run, msgs, stage))
        return ModelPairJudge(c, ask, run_inputs, shrink, limits.time_s,
                              lambda text: parse_model_inputs(text, problem, arity, c.max_input_chars),
                              names if len(names) == arity else [f"arg{i + 1}" for i in range(arity)], rep_codes)

    # -- helpers --------------------------------------------------------------------
    def _limits(self, problem: Problem) -> Limits:
        return effective_limits(problem, time_s=self.config.time_limit_s)

    def _synth_limits(self, problem: Problem) -> Limits:
        base = self._limits(problem)
        return base.with_overrides(time_s=min(base.time_s, self.config.synth_time_limit_s))

    async def _public(self, run: Run, code: Optional[str], round_no: int = 0,
                      completion: Optional[Completion] = None) -> RoundRecord:
        problem = run.problem
        total = len(problem.public_test_cases)
        cut = completion is not None and completion.finish_reason is FinishReason.LENGTH
        if code is None:
            why = prompts.feedback(None, problem)
            if cut:
                why += " The answer was cut at the token limit: be more concise."
            return RoundRecord(round_no, None, RoundVerdict.NO_CODE, 0, total, feedback=why, cut_by_length=cut)
        report = await asyncio.to_thread(run_tests, code, problem, self.sandbox, "public", self._limits(problem))
        tests = tuple(TestRecord(RoundVerdict.of(t.verdict), t.time_s, t.message) for t in report.tests)
        return RoundRecord(round_no, code, RoundVerdict.of(report.verdict), report.passed, report.total, tests,
                           prompts.feedback(report, problem), cut)

    async def _complete(self, run: Run, messages: list, stage: Stage, n: int = 1, temperature: float | None = None,
                        seed: int | None = None) -> list[Completion]:
        return await self.caller.complete(run.log, run.gate, messages, stage, n, temperature, seed)

    async def _ask(self, run: Run, messages: list, stage: Stage) -> Optional[str]:
        return await self.caller.ask(run.log, run.gate, messages, stage)

    async def _timed(self, run: Run, name: str, work) -> Any:
        start = time.perf_counter()
        try:
            return await work
        finally:
            run.timings[name] = round(time.perf_counter() - start, 3)
