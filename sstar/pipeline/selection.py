"""Stage 4: choosing one program. Clusters by behaviour, then pairwise differential judging.

Only one representative per cluster is compared, so judge calls grow with the
number of clusters, not of samples. A pair is decided without the model when
one side fails on a valid input and the other does not; otherwise by the
model's expected output when it matches exactly one side; otherwise by the
judge asked twice in swapped order (a win counts only when both agree).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Awaitable, Callable, Optional, Sequence

from ..models.protocol import Stage
from ..problem import Problem, TestType
from . import prompts
from .execution import Outcome, _normalize_stdout
from ..fences import extract_blocks
from .records import Comparison

Ask = Callable[[list, Stage], Awaitable[Optional[str]]]
Shrink = Callable[[int, int, str, Outcome, Outcome], Awaitable[tuple[str, Outcome, Outcome]]]


CRASHES = ("runtime_error", "no_result", "wrong_answer")


@dataclass
class Cluster:
    members: list[int]  # candidate indices
    rep: int  # the candidate index of its first member
    cpu: float

    @property
    def size(self) -> int:
        return len(self.members)


def valid_inputs(matrix: list[list[Outcome]], checked: Sequence[bool] = ()) -> list[tuple[bool, str]]:
    """An input every candidate fails on tells nothing apart: invalid. One most candidates fail on is
    invalid too -- unless it is ``checked`` (built from constraints read in the statement, so valid by
    construction: the failures are the candidates' own, e.g. time limits at the stated size)."""
    out = []
    for i in range(len(matrix[0]) if matrix else 0):
        failures = sum(not row[i].ok for row in matrix)
        if failures == len(matrix):
            out.append((False, "every candidate fails on it"))
        elif failures * 2 > len(matrix) and not (i < len(checked) and checked[i]):
            out.append((False, f"{failures} of {len(matrix)} candidates fail on it"))
        else:
            out.append((True, ""))
    return out


def cluster(candidates: Sequence[int], matrix: list[list[Outcome]], valid: Sequence[bool]) -> list[Cluster]:
    """Candidates with identical behaviour on every valid input; largest first, then fastest."""
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
        clusters.append(Cluster([candidates[r] for r in rows], candidates[first], round(min(cpu.values()), 2)))
    clusters.sort(key=lambda c: (-c.size, c.cpu, min(c.members)))
    return clusters


def pick(clusters: Sequence[Cluster], wins: Sequence[int]) -> int:
    """The winner: most wins, then the larger cluster, then the faster program."""
    return min(range(len(clusters)), key=lambda k: (-wins[k], -clusters[k].size, clusters[k].cpu, k))


_ANSWER = re.compile(r"ANSWER\s*[:：]?\s*\**\s*\(?([AB])\b", re.I)


def parse_verdict(answer: Optional[str]) -> Optional[str]:
    """'A', 'B' or None (unreadable: no decision, never a crash)."""
    if not answer:
        return None
    found = _ANSWER.findall(answer)
    if found:
        return found[-1].upper()
    tail = answer.strip().splitlines()[-1:] or [""]
    bare = re.fullmatch(r"\W*(?:output|program)?\s*([AB])\W*", tail[0], re.I)
    return bare.group(1).upper() if bare else None


def normalize_output(problem: Problem, text: str) -> Optional[str]:
    if problem.test_type is TestType.FUNCTIONAL:
        try:
            return json.dumps(json.loads(text.strip()), sort_keys=True)
        except ValueError:
            return None
    return _normalize_stdout(text.encode())


async def judge_pair(problem: Problem, text: str, out_a: Outcome, out_b: Outcome, ask: Optional[Ask],
                     expected_first: bool) -> tuple[Optional[str], str, tuple[str, ...]]:
    """('A' | 'B' | None, how it was decided, the model's raw answers)."""
    if out_a.ok != out_b.ok:
        failed = out_b if out_a.ok else out_a
        if failed.status in CRASHES:  # a crash on a valid input is a bug; slowness may be our input's size
            return ("A" if out_a.ok else "B"), f"execution: the other program ended in {failed.status}", ()
        return None, f"one program ended in {failed.status}", ()
    if not out_a.ok:
        return None, "both programs failed on the input", ()
    if ask is None:
        return None, "no model to judge", ()
    answers: list[str] = []
    if expected_first:
        reply = await ask(prompts.expected_output(problem, text), Stage.JUDGE)
        answers.append(reply or "")
        blocks = extract_blocks(reply or "", {"output", "", "text", "json"})
        expected = normalize_output(problem, blocks[-1]) if blocks else None
        if expected is not None and (expected == out_a.output) != (expected == out_b.output):
            return ("A" if expected == out_a.output else "B"), "expected_output", tuple(answers)
    first = await ask(prompts.judge_pair(problem, text, out_a.output, out_b.output), Stage.JUDGE)
    second = await ask(prompts.judge_pair(problem, text, out_b.output, out_a.output), Stage.JUDGE)
    answers += [first or "", second or ""]
    v1, v2 = parse_verdict(first), parse_verdict(second)
    if v1 is None or v2 is None:
        return None, "judge answer unreadable", tuple(answers)
    if v1 == "A" and v2 == "B":
        return "A", "judge", tuple(answers)
    if v1 == "B" and v2 == "A":
        return "B", "judge", tuple(answers)
    return None, "judge disagreed with itself", tuple(answers)


async def tournament(problem: Problem, clusters: list[Cluster], inputs: Sequence[str],
                     reps: dict[int, list[Outcome]], valid: Sequence[bool], ask: Optional[Ask],
                     shrink: Shrink, expected_first: bool,
                     on_comparison: Callable[[Comparison], None] = lambda c: None) -> tuple[list[int], list[Comparison]]:
    """Every pair of clusters on its smallest distinguishing input."""
    wins = [0] * len(clusters)
    comparisons = []
    for a in range(len(clusters)):
        for b in range(a + 1, len(clusters)):
            ra, rb = clusters[a].rep, clusters[b].rep
            differing = [i for i, ok in enumerate(valid) if ok and reps[ra][i].signature != reps[rb][i].signature]
            if not differing:
                continue
            # A crash on a valid input where the other program answers decides the pair, on any input.
            crash_a = [k for k in differing if reps[ra][k].status in CRASHES and reps[rb][k].ok]
            crash_b = [k for k in differing if reps[rb][k].status in CRASHES and reps[ra][k].ok]
            if bool(crash_a) != bool(crash_b):
                k = min(crash_a or crash_b, key=lambda j: len(inputs[j]))
                loser = reps[ra][k] if crash_a else reps[rb][k]
                winner = b if crash_a else a
                wins[winner] += 1
                record = Comparison(a, b, inputs[k], reps[ra][k].output or reps[ra][k].status,
                                    reps[rb][k].output or reps[rb][k].status, winner,
                                    f"execution: the other program ended in {loser.status}")
                comparisons.append(record)
                on_comparison(record)
                continue
            i = min(differing, key=lambda k: (not (reps[ra][k].ok and reps[rb][k].ok), len(inputs[k])))
            text, out_a, out_b = await shrink(ra, rb, inputs[i], reps[ra][i], reps[rb][i])
            verdict, how, answers = await judge_pair(problem, text, out_a, out_b, ask, expected_first)
            winner = None if verdict is None else (a if verdict == "A" else b)
            if winner is not None:
                wins[winner] += 1
            record = Comparison(a, b, text, out_a.output or out_a.status, out_b.output or out_b.status,
                                winner, how, answers)
            comparisons.append(record)
            on_comparison(record)
    return wins, comparisons
