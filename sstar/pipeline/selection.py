"""Stage 4: choosing one program. Clusters by behaviour, then a round-robin of pair decisions.

Only one representative per cluster is compared, so judge calls grow with the
number of clusters, not of samples; a pair whose result cannot change the
winner is skipped. Each pair is decided by a :class:`~.pair_judge.PairJudge`:
a consistent win is 1 point, a consistent tie half a point each, anything
else nothing. Programs that cannot run rank below every runnable one.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass
from typing import Awaitable, Callable, Optional, Sequence

from ..models.protocol import Stage
from ..problem import Problem
from .config import TournamentMode
from . import prompts
from .execution import Outcome, Status
from .pair_judge import (CRASHES, Pair, PairJudge, PairVerdict, both_orders, normalize_output,  # noqa: F401
                         parse_verdict)
from .records import Comparison, DecidedBy, PairDecision, Rule, SynthesizedInput


@dataclass
class Cluster:
    members: list[int]  # candidate indices
    rep: int  # the candidate index of its first member
    cpu: float
    failures: int = 0
    """Valid inputs it crashed, ran out of time or memory on: between clusters of one size, the one that
    fails less is ranked first (a program that answers is more likely right than one that dies)."""

    @property
    def size(self) -> int:
        return len(self.members)


def valid_inputs(matrix: list[list[Outcome]], checked: Sequence[bool] = ()) -> list[tuple[bool, str]]:
    """An input every candidate fails on tells nothing apart: invalid. One most candidates fail on is
    invalid too -- unless it is ``checked`` (built from constraints read in the statement, so valid by
    construction: the failures are the candidates' own, e.g. time limits at the stated size)."""
    out = []
    for i in range(len(matrix[0]) if matrix else 0):
        ran = [row[i] for row in matrix if row[i].status is not Status.SKIPPED]  # skipped: no evidence either way
        failures = sum(not o.ok for o in ran)
        if failures == len(ran):
            out.append((False, "every candidate fails on it" if len(ran) == len(matrix) else
                        "every candidate that ran fails on it"))
        elif failures * 2 > len(ran) and not (i < len(checked) and checked[i]):
            out.append((False, f"{failures} of {len(ran)} candidates fail on it"))
        else:
            out.append((True, ""))
    return out


def tally(matrix: list[list[Outcome]], valid: Sequence[bool]) -> list[Counter]:
    """Per input: how many candidates answered with each output signature (valid inputs; failures are no answer)."""
    return [Counter(row[k].signature for row in matrix if row[k].ok) if ok else Counter()
            for k, ok in enumerate(valid)]


def _others(counts: Sequence[Counter], a: Cluster, b: Cluster, out_a: Sequence[Outcome],
            out_b: Sequence[Outcome]) -> list[Counter]:
    """``counts`` without the pair's own clusters (members share their rep's signature on every valid input)."""
    others = []
    for k, count in enumerate(counts):
        left = Counter(count)
        for size, outcome in ((a.size, out_a[k]), (b.size, out_b[k])):
            if outcome.ok and left[outcome.signature]:
                left[outcome.signature] -= size
        others.append(+left)
    return others


def cluster(candidates: Sequence[int], matrix: list[list[Outcome]], valid: Sequence[bool]) -> list[Cluster]:
    """Candidates with identical behaviour on every valid input; largest first, then fewest failures, then fastest."""
    groups: dict[tuple, list[int]] = {}
    for row_index, cand in enumerate(candidates):
        key = tuple(o.signature for o, ok in zip(matrix[row_index], valid) if ok)
        groups.setdefault(key, []).append(row_index)
    clusters = []
    for rows in groups.values():
        cpu = {r: sum(o.cpu_s for o, ok in zip(matrix[r], valid) if ok) for r in rows}
        # Members behave identically, so the first is as good as any (and the choice is reproducible);
        # the cluster's speed is its fastest member's, to 10 ms (finer differences are timing noise).
        first = min(rows, key=lambda r: candidates[r])
        failures = sum(not o.ok for o, ok in zip(matrix[first], valid) if ok)
        clusters.append(Cluster([candidates[r] for r in rows], candidates[first], round(min(cpu.values()), 2), failures))
    clusters.sort(key=lambda c: (-c.size, c.failures, c.cpu, min(c.members)))
    return clusters


def runnable(code: Optional[str]) -> bool:
    """Non-empty Python that compiles: empty files, syntax errors and other languages are not."""
    if code is None or not code.strip():
        return False
    try:
        ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return True


def pick(clusters: Sequence[Cluster], scores: Sequence[float]) -> int:
    """The winner: most points, then the larger cluster, then fewer failures, then the faster program."""
    return min(range(len(clusters)),
               key=lambda k: (-scores[k], -clusters[k].size, clusters[k].failures, clusters[k].cpu, k))


_POINTS = {PairDecision.A: (1.0, 0.0), PairDecision.B: (0.0, 1.0), PairDecision.TIE: (0.5, 0.5),
           PairDecision.NONE: (0.0, 0.0)}


async def tournament(problem: Problem, clusters: list[Cluster], inputs: Sequence[str], reps: dict[int, list[Outcome]],
                     valid: Sequence[bool], codes: dict[int, str], judge: PairJudge,
                     on_comparison: Callable[[Comparison], None] = lambda c: None,
                     mode: TournamentMode = TournamentMode.CHAMPION, counts: Sequence[Counter] = (),
                     ) -> tuple[int, list[float], list[Comparison], list[SynthesizedInput]]:
    """The winning cluster, each cluster's points, the comparisons made and the inputs written for pairs.

    ``round_robin``: every pair, most points wins; a pair that cannot change who leads is skipped.
    ``champion``: the largest cluster meets each other one in rank order and the pair's winner stays
    (a tie or no decision keeps it): one comparison per cluster instead of one per pair.
    ``counts`` (:func:`tally`) lets the judge see what the candidates outside the pair answered.
    """
    scores = [0.0] * len(clusters)
    comparisons: list[Comparison] = []
    written: list[SynthesizedInput] = []

    async def play(a: int, b: int) -> PairDecision:
        ra, rb = clusters[a].rep, clusters[b].rep
        others = _others(counts, clusters[a], clusters[b], reps[ra], reps[rb]) if counts else ()
        verdict = await judge.decide(problem, Pair(a, b, ra, rb, codes[ra], codes[rb], inputs, reps[ra], reps[rb],
                                                   valid, others))
        points = _POINTS[verdict.decision]
        scores[a] += points[0]
        scores[b] += points[1]
        winner = {PairDecision.A: a, PairDecision.B: b}.get(verdict.decision)
        record = Comparison(a, b, verdict.input, verdict.output_a, verdict.output_b, winner, verdict.how,
                            verdict.answers, verdict.decision, verdict.rule, ra, rb, verdict.inputs_shown)
        comparisons.append(record)
        written.extend(verdict.new_inputs)
        on_comparison(record)
        return verdict.decision

    if mode is TournamentMode.CHAMPION:
        champion = 0
        for challenger in range(1, len(clusters)):
            if await play(champion, challenger) is PairDecision.B:
                champion = challenger
        return champion, scores, comparisons, written
    remaining = [len(clusters) - 1] * len(clusters)
    for a in range(len(clusters)):
        for b in range(a + 1, len(clusters)):
            remaining[a] -= 1
            remaining[b] -= 1
            leader = max(scores)
            if scores[a] + remaining[a] + 1 < leader and scores[b] + remaining[b] + 1 < leader:
                continue
            await play(a, b)
    return pick(clusters, scores), scores, comparisons, written


_BY_EXECUTION = (Rule.CRASH, Rule.TIME_LIMIT)


def explain(chosen: int, clusters: Sequence[Cluster], comparisons: Sequence[Comparison],
            all_kept: Sequence[int]) -> tuple[DecidedBy, tuple[int, ...]]:
    """What decided the choice of cluster ``chosen``, and the kept candidates never told apart from it."""
    decided_with: set[int] = set()
    won_by: list[Rule] = []
    for comp in comparisons:
        if chosen not in (comp.cluster_a, comp.cluster_b) or comp.decision in (PairDecision.NONE, PairDecision.TIE):
            continue
        other = comp.cluster_b if comp.cluster_a == chosen else comp.cluster_a
        decided_with.add(other)
        if comp.winner == chosen:
            won_by.append(comp.rule)
    told_apart = {m for k in decided_with for m in clusters[k].members}
    rep = clusters[chosen].rep
    undistinguished = tuple(sorted(m for m in all_kept if m != rep and m not in told_apart))
    if any(rule not in _BY_EXECUTION + (Rule.AGREEMENT,) for rule in won_by):
        return DecidedBy.JUDGE, undistinguished
    if Rule.AGREEMENT in won_by:
        return DecidedBy.AGREEMENT, undistinguished
    if won_by:
        return DecidedBy.EXECUTION, undistinguished
    return DecidedBy.TIE_BREAK, undistinguished


async def judge_programs(problem: Problem, codes: dict[int, str],
                         ask: Optional[Callable[[list, Stage], Awaitable[Optional[str]]]],
                         max_programs: int) -> tuple[int, DecidedBy, tuple[int, ...]]:
    """The ``llm_judge`` baseline: the judge reads two programs (no execution), both orders, round-robin."""
    unique: dict[str, int] = {}
    for k, code in codes.items():
        unique.setdefault(code, k)
    reps = list(unique.values())[:max_programs]
    scores = {k: 0.0 for k in reps}
    decided: dict[int, set[int]] = {k: set() for k in reps}
    if ask is not None:
        for i, a in enumerate(reps):
            for b in reps[i + 1:]:
                first = parse_verdict(await ask(prompts.judge_programs(problem, codes[a], codes[b]), Stage.JUDGE))
                second = parse_verdict(await ask(prompts.judge_programs(problem, codes[b], codes[a]), Stage.JUDGE))
                decision = both_orders(first, second)
                points = _POINTS[decision]
                scores[a] += points[0]
                scores[b] += points[1]
                if decision in (PairDecision.A, PairDecision.B):
                    decided[a].add(b)
                    decided[b].add(a)
    choice = max(reps, key=lambda k: (scores[k], -reps.index(k)))
    told_apart = decided[choice] | {choice}
    undistinguished = tuple(k for k in codes if k not in told_apart)
    return choice, (DecidedBy.JUDGE if scores[choice] >= 1 else DecidedBy.TIE_BREAK), undistinguished
