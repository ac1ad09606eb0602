"""Deciding one pair of programs: the seam :func:`~sstar.pipeline.selection.tournament` calls.

:class:`ModelPairJudge` is S*'s pair step (arXiv 2502.14382, Fig. 2): the
judge model reads both programs and the inputs where they already differ and
writes a few inputs likely to expose the wrong one; both programs run on them;
the judge then sees both programs, the inputs and both outputs (or errors) and
answers in both orders -- a consistent win is a decision, a consistent tie is
a tie, anything else is no decision. Before any model call, two execution
rules (ours, each an option) may decide: a crash on a valid input where the
other program answers, and a time limit where the other finishes within a
quarter of the limit. With no judge model, a third rule may decide: on the
valid inputs where the two differ, which side the other candidates' outputs
agree with (each matching run a vote: the execution-based vote of MBR-exec,
Shi et al. 2022, applied to one pair). Tests replace the whole step with a
fake :class:`PairJudge` and need no sandbox.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Mapping, Optional, Protocol, Sequence

from ..fences import extract_blocks
from ..models.protocol import Stage
from ..problem import Problem, TestType
from ..synthesis.kinds import InputKind
from . import prompts
from .config import SStarConfig
from .execution import Outcome, Status
from .input_check import constraint_violation
from .records import PairDecision, Rule, SynthesizedInput

log = logging.getLogger(__name__)

Ask = Callable[[list, Stage], Awaitable[Optional[str]]]
"""A judge-model call: the reply text, or None when the request failed."""
RunInputs = Callable[[Sequence[str], Sequence[str]], Awaitable[list[list[Outcome]]]]
"""Runs programs on inputs: ``out[program][input]``."""
Shrink = Callable[[str, str, str, Outcome, Outcome], Awaitable[tuple[str, Outcome, Outcome]]]

CRASHES = (Status.RUNTIME_ERROR, Status.NO_RESULT, Status.WRONG_ANSWER)
# Linear: one class between the word and the letter (four optional items with \s* between them split a
# run of spaces every way: n^4, 2 s for 200); \s is part of \W, so a bare line's \W*\s* is one \W*.
_ANSWER = re.compile(r"ANSWER[\s:：*(]*(A|B|TIE)\b", re.I)
_BARE = re.compile(r"\W*(?:(?:output|program)\s*)?([AB])\W*", re.I)


def parse_verdict(answer: Optional[str]) -> Optional[PairDecision]:
    """The last ``ANSWER: A|B|TIE`` in a reply (a bare final ``A``/``B`` line too); None: unreadable."""
    if not answer:
        return None
    found = _ANSWER.findall(answer)
    if found:
        return PairDecision(found[-1].upper()) if found[-1].upper() != "TIE" else PairDecision.TIE
    tail = answer.strip().splitlines()[-1:] or [""]
    bare = _BARE.fullmatch(tail[0])
    return PairDecision(bare.group(1).upper()) if bare else None


def both_orders(first: Optional[PairDecision], second: Optional[PairDecision]) -> PairDecision:
    """``first`` asked with the pair as (A, B), ``second`` as (B, A): only a consistent answer counts."""
    swapped = {PairDecision.A: PairDecision.B, PairDecision.B: PairDecision.A}.get(second, second)
    return first if first is not None and first == swapped else PairDecision.NONE


@dataclass(frozen=True)
class Pair:
    """Two cluster representatives and what they did on every synthesized input."""

    a: int
    b: int
    """Cluster indices."""
    rep_a: int
    rep_b: int
    """Candidate indices."""
    code_a: str
    code_b: str
    inputs: Sequence[str]
    out_a: Sequence[Outcome]
    out_b: Sequence[Outcome]
    valid: Sequence[bool]
    others: Sequence[Mapping[str, int]] = ()
    """Per input: how many candidates outside the pair's two clusters answered with each output signature."""


@dataclass(frozen=True)
class PairVerdict:
    decision: PairDecision
    rule: Rule
    how: str
    input: str = ""
    output_a: str = ""
    output_b: str = ""
    answers: tuple[str, ...] = ()
    inputs_shown: int = 0
    new_inputs: tuple[SynthesizedInput, ...] = field(default=())


class PairJudge(Protocol):
    async def decide(self, problem: Problem, pair: Pair) -> PairVerdict: ...


def _shown(outcome: Outcome) -> str:
    return outcome.output if outcome.ok else f"(the program failed: {outcome.status.value})"


def execution_rule(inputs: Sequence[str], out_a: Sequence[Outcome], out_b: Sequence[Outcome], valid: Sequence[bool],
                   config: SStarConfig, time_limit_s: float) -> Optional[PairVerdict]:
    """A decision by execution alone on valid inputs, when one side fails in a way the other does not."""
    losses: dict[str, list[tuple[int, Rule]]] = {"A": [], "B": []}
    for k, ok in enumerate(valid):
        if not ok:
            continue
        for side, mine, theirs in (("A", out_a[k], out_b[k]), ("B", out_b[k], out_a[k])):
            if not theirs.ok:
                continue
            if config.decide_by_crash and mine.status in CRASHES:
                losses[side].append((k, Rule.CRASH))
            elif (config.decide_by_time_limit and mine.status is Status.TIME_LIMIT
                  and theirs.cpu_s <= time_limit_s / 4):
                losses[side].append((k, Rule.TIME_LIMIT))
    if bool(losses["A"]) == bool(losses["B"]):
        return None  # neither, or both fail somewhere the other does not: not for execution to say
    loser = "A" if losses["A"] else "B"
    k, rule = min(losses[loser], key=lambda kr: (kr[1] is not Rule.CRASH, len(inputs[kr[0]])))
    failed = (out_a if loser == "A" else out_b)[k]
    return PairVerdict(PairDecision.B if loser == "A" else PairDecision.A, rule,
                       f"execution: program {loser} ended in {failed.status.value} where the other answered",
                       inputs[k], _shown(out_a[k]), _shown(out_b[k]))


def agreement_rule(inputs: Sequence[str], out_a: Sequence[Outcome], out_b: Sequence[Outcome], valid: Sequence[bool],
                   others: Sequence[Mapping[str, int]]) -> Optional[PairVerdict]:
    """A decision by the other candidates' votes on the valid inputs where the pair differs: each run of
    another candidate whose output matches one side's answer there counts for that side. Independent
    programs are seldom wrong in the same way, so the answer more of them give is more likely right."""
    votes = {"A": 0, "B": 0}
    best: dict[str, tuple[int, int]] = {}  # side -> (its margin on one input, that input): the input shown
    for k in _differing(inputs, out_a, out_b, valid, len(inputs)):
        if k >= len(others):
            continue
        count = {"A": others[k].get(out_a[k].signature, 0) if out_a[k].ok else 0,
                 "B": others[k].get(out_b[k].signature, 0) if out_b[k].ok else 0}
        for side, rival in (("A", "B"), ("B", "A")):
            votes[side] += count[side]
            margin = count[side] - count[rival]
            if margin > best.get(side, (0, -1))[0]:
                best[side] = (margin, k)
    if votes["A"] == votes["B"]:
        return None
    side = "A" if votes["A"] > votes["B"] else "B"
    k = best[side][1]  # the side with more votes in all has a positive margin on some input
    return PairVerdict(PairDecision.A if side == "A" else PairDecision.B, Rule.AGREEMENT,
                       f"agreement: where the two differ, {votes['A']} runs of other candidates match A's output and "
                       f"{votes['B']} match B's", inputs[k], _shown(out_a[k]), _shown(out_b[k]))


def normalize_output(problem: Problem, text: str) -> Optional[str]:
    import json

    from .execution import _normalize_stdout, compact_output

    if problem.test_type is TestType.FUNCTIONAL:
        try:  # (compacted as the runs' outputs are, to compare with them)
            return compact_output(json.dumps(json.loads(text.strip()), sort_keys=True))
        except (ValueError, RecursionError):  # a model's answer nested too deeply to read is no answer
            return None
    return _normalize_stdout(text.encode())


class ModelPairJudge:
    """S*'s pair step with a judge model (``ask``); with ``ask=None`` only the execution rules decide."""

    def __init__(self, config: SStarConfig, ask: Optional[Ask], run_inputs: RunInputs, shrink: Optional[Shrink],
                 time_limit_s: float, parse_inputs: Callable[[str], list[str]],
                 arg_names: Sequence[str] = (), validity_codes: Sequence[str] = ()) -> None:
        self.config, self.ask, self.run_inputs, self.shrink = config, ask, run_inputs, shrink
        self.time_limit_s, self.parse_inputs, self.arg_names = time_limit_s, parse_inputs, arg_names
        self.validity_codes = list(validity_codes)

    async def decide(self, problem: Problem, pair: Pair) -> PairVerdict:
        c = self.config
        inputs, out_a, out_b, valid = list(pair.inputs), list(pair.out_a), list(pair.out_b), list(pair.valid)
        ruled = execution_rule(inputs, out_a, out_b, valid, c, self.time_limit_s)
        if ruled is not None:
            return ruled
        if self.ask is None:
            voted = agreement_rule(inputs, out_a, out_b, valid, pair.others) if c.decide_by_agreement else None
            return voted or self._undecided(Rule.NO_MODEL, "no model to judge", inputs, out_a, out_b, valid)
        new: list[SynthesizedInput] = []
        if c.pair_inputs:
            new = await self._pair_inputs(problem, pair, inputs, out_a, out_b, valid)
            # A model-written input run by the pair alone may be malformed: no rule decides on it then.
            others = len(set(self.validity_codes) - {pair.code_a, pair.code_b})
            trusted = valid[: len(pair.inputs)] + [ok and others > 0 for ok in valid[len(pair.inputs):]]
            ruled = execution_rule(inputs, out_a, out_b, trusted, c, self.time_limit_s)
            if ruled is not None:
                return _with(ruled, new_inputs=tuple(new))
        differing = _differing(inputs, out_a, out_b, valid, len(pair.inputs))
        if not differing:
            return _with(self._undecided(Rule.NO_COMPARABLE_INPUT, "no input where either program answers and "
                                         "they differ", inputs, out_a, out_b, valid), new_inputs=tuple(new))
        shown = [prompts.Shown(inputs[k], _shown(out_a[k]), _shown(out_b[k])) for k in differing[: c.judge_inputs]]
        first_a, first_b = out_a[differing[0]], out_b[differing[0]]
        if self.shrink is not None and c.shrink_steps and first_a.ok and first_b.ok:
            text, first_a, first_b = await self.shrink(pair.code_a, pair.code_b, shown[0].input, first_a, first_b)
            shown[0] = prompts.Shown(text, _shown(first_a), _shown(first_b))
        verdict = await self._judge(problem, pair, shown, first_a, first_b)
        return _with(verdict, new_inputs=tuple(new))

    async def _pair_inputs(self, problem: Problem, pair: Pair, inputs: list[str], out_a: list[Outcome],
                           out_b: list[Outcome], valid: list[bool]) -> list[SynthesizedInput]:
        """Ask for inputs that tell this pair apart; run them; append them (in place) to the pair's inputs."""
        differ = [prompts.Shown(inputs[k], _shown(out_a[k]), _shown(out_b[k]))
                  for k in _differing(inputs, out_a, out_b, valid, len(inputs))[:3]]
        msgs = prompts.pair_inputs(problem, pair.code_a, pair.code_b, differ, self.config.pair_inputs, self.arg_names)
        reply = await self.ask(msgs, Stage.SYNTHESIZE)
        if reply is None:
            return []
        texts = [t for t in self.parse_inputs(reply) if t not in inputs][: self.config.pair_inputs]
        broken = {t: constraint_violation(problem, t) for t in texts}
        made = [SynthesizedInput(t, "pair", False, why, (pair.a, pair.b), kind=InputKind.PAIR)
                for t, why in broken.items() if why]
        texts = [t for t in texts if not broken[t]]
        if not texts:
            return made
        codes = [pair.code_a, pair.code_b] + [c for c in self.validity_codes if c not in (pair.code_a, pair.code_b)]
        matrix = await self.run_inputs(codes, texts)
        for i, text in enumerate(texts):
            failures = sum(not row[i].ok for row in matrix)
            ok = failures * 2 <= len(matrix) and failures < len(matrix)
            reason = "" if ok else f"{failures} of {len(matrix)} programs fail on it"
            inputs.append(text)
            out_a.append(matrix[0][i])
            out_b.append(matrix[1][i])
            valid.append(ok)
            made.append(SynthesizedInput(text, "pair", ok, reason, (pair.a, pair.b),
                                         (matrix[0][i].signature, matrix[1][i].signature), kind=InputKind.PAIR))
        return made

    async def _judge(self, problem: Problem, pair: Pair, shown: list[prompts.Shown], first_a: Outcome,
                     first_b: Outcome) -> PairVerdict:
        c, answers = self.config, []
        predicted = None
        if c.judge_expected_output and first_a.ok and first_b.ok:
            reply = await self.ask(prompts.expected_output(problem, shown[0].input), Stage.JUDGE)
            answers.append(reply or "")
            blocks = extract_blocks(reply or "", {"output", "", "text", "json"})
            expected = normalize_output(problem, blocks[-1]) if blocks else None
            if expected is not None and (expected == first_a.output) != (expected == first_b.output):
                decision = PairDecision.A if expected == first_a.output else PairDecision.B
                return self._verdict(decision, Rule.EXPECTED_OUTPUT, "the predicted output matches one side",
                                     shown, answers)
            predicted = blocks[-1] if blocks else None
        code_a, code_b = (pair.code_a, pair.code_b) if c.judge_sees_code else (None, None)
        swapped = [prompts.Shown(s.input, s.b, s.a) for s in shown]
        first = await self.ask(prompts.judge_pair(problem, code_a, code_b, shown, predicted), Stage.JUDGE)
        second = await self.ask(prompts.judge_pair(problem, code_b, code_a, swapped, predicted), Stage.JUDGE)
        answers += [first or "", second or ""]
        if first is None or second is None:
            return self._verdict(PairDecision.NONE, Rule.JUDGE_FAILED, "a judge request failed", shown, answers)
        v1, v2 = parse_verdict(first), parse_verdict(second)
        if v1 is None or v2 is None:
            return self._verdict(PairDecision.NONE, Rule.JUDGE_UNREADABLE, "judge answer unreadable", shown, answers)
        decision = both_orders(v1, v2)
        if decision is PairDecision.NONE:
            return self._verdict(decision, Rule.JUDGE_DISAGREED, "judge disagreed with itself across the two orders",
                                 shown, answers)
        return self._verdict(decision, Rule.JUDGE, f"judge, both orders: {decision.value}", shown, answers)

    @staticmethod
    def _verdict(decision: PairDecision, rule: Rule, how: str, shown: list[prompts.Shown],
                 answers: list[str]) -> PairVerdict:
        return PairVerdict(decision, rule, how, shown[0].input, shown[0].a, shown[0].b, tuple(answers), len(shown))

    @staticmethod
    def _undecided(rule: Rule, how: str, inputs, out_a, out_b, valid) -> PairVerdict:
        differing = _differing(inputs, out_a, out_b, valid, len(inputs)) or \
            [k for k, ok in enumerate(valid) if ok and _both_ran_apart(out_a[k], out_b[k])]
        if not differing:
            return PairVerdict(PairDecision.NONE, rule, how)
        k = differing[0]
        return PairVerdict(PairDecision.NONE, rule, how, inputs[k], _shown(out_a[k]), _shown(out_b[k]))


def _both_ran_apart(a: Outcome, b: Outcome) -> bool:
    """Both programs ran on the input (neither ``skipped``) and behaved differently there."""
    return a.signature != b.signature and Status.SKIPPED not in (a.status, b.status)


def _differing(inputs: Sequence[str], out_a: Sequence[Outcome], out_b: Sequence[Outcome], valid: Sequence[bool],
               first_new: int) -> list[int]:
    """Valid inputs where the two differ and at least one answers: pair-written ones first, both answering
    before one failing, then shortest."""
    keys = [k for k, ok in enumerate(valid)
            if ok and _both_ran_apart(out_a[k], out_b[k]) and (out_a[k].ok or out_b[k].ok)]
    return sorted(keys, key=lambda k: (k < first_new, not (out_a[k].ok and out_b[k].ok), len(inputs[k])))


def _with(verdict: PairVerdict, **changes) -> PairVerdict:
    from dataclasses import replace

    return replace(verdict, **changes)
