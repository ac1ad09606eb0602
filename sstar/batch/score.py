"""``sstar score``: grade chosen programs on the hidden tests; pass@1 overall, by difficulty and platform.

From one S* run it also scores the baselines a user wants beside S*: zero-shot (the first sample as
generated), self-debugging alone (the first sample after its debugging rounds) and majority vote (the
largest cluster), and pass@k of the samples before and after debugging. Further run folders made by
``sstar reselect`` from the same samples add their selection method beside them (the paper's selection
table from one generation run). Every pass@1 carries a 95% bootstrap confidence interval over problems.
A run with failed problems is refused unless they are explicitly counted as wrong.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import random
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from math import comb
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

from ..datasets.livecodebench import load_dataset
from ..judge import run_tests
from ..problem import Problem
from ..sandbox.protocol import Sandbox
from .results import read_records

BASELINES = ("zero_shot", "self_debug", "majority")


class ScoreError(ValueError):
    pass


class Grader:
    """Hidden-test verdicts, each distinct (problem, program) graded once."""

    def __init__(self, sandbox: Sandbox, problems: dict[str, Problem]) -> None:
        self.sandbox, self.problems = sandbox, problems
        self._memo: dict[tuple[str, str], bool] = {}

    def passes(self, question_id: str, code: Optional[str]) -> bool:
        if not code:
            return False
        key = (question_id, hashlib.sha256(code.encode()).hexdigest())
        if key not in self._memo:
            problem = self.problems[question_id]
            which = "private" if problem.private_test_cases else "all"
            self._memo[key] = run_tests(code, problem, self.sandbox, which, stop_at_first_failure=True).accepted
        return self._memo[key]

    def prefetch(self, pairs: Iterable[tuple[str, Optional[str]]]) -> None:
        """Grade these (question id, program) pairs now, as many at once as the sandbox has workers."""
        with self.streaming() as grade:
            for qid, code in sorted({(qid, code) for qid, code in pairs if code and qid in self.problems}):
                grade(qid, code)

    @contextmanager
    def streaming(self) -> Iterator[Callable[[str, Optional[str]], None]]:
        """``grade(question id, program)``: graded in the background from then on, as many at once as the
        sandbox has workers, while the caller goes on (reading the rest of a dataset, say); the problem must
        be in ``problems`` by then. Leaving the block waits for every one, and raises what failed; leaving it
        by an exception cancels those not started yet.

        Twice as many threads as workers: while one waits on its program's tests, another has the next
        program's order ready, so that a worker that finishes never waits on this process."""
        workers = max(1, int(getattr(self.sandbox, "size", 1) or 1))
        pool = ThreadPoolExecutor(max_workers=2 * workers, thread_name_prefix="sstar-grade")
        futures: list[Future] = []
        given: set[tuple[str, str]] = set()

        def grade(question_id: str, code: Optional[str]) -> None:
            if code and (question_id, code) not in given:
                given.add((question_id, code))
                futures.append(pool.submit(self.passes, question_id, code))

        try:
            yield grade
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        for future in futures:
            future.result()

    def forget(self, question_id: str) -> None:
        """Drop the verdicts on this problem (its record was replaced by a later one of the same id)."""
        for key in [k for k in self._memo if k[0] == question_id]:
            del self._memo[key]


def pass_at_k(n: int, c: int, k: int) -> float:
    """The unbiased estimator of Chen et al. (2021)."""
    if n - c < k:
        return 1.0
    return 1.0 - comb(n - c, k) / comb(n, k)


def bootstrap_ci(values: Sequence[float], resamples: int = 2000, seed: int = 0) -> list[float]:
    """95% percentile interval of the mean, resampling problems with replacement (seeded: reproducible)."""
    if not values:
        return [0.0, 0.0]
    rng, n = random.Random(seed), len(values)
    binary = all(v == 0.0 or v == 1.0 for v in values)
    means = _binary_means(sum(values), n, resamples, rng) if binary else _resampled_means(values, resamples, rng)
    means.sort()
    return [round(means[int(0.025 * resamples)], 4), round(means[int(0.975 * resamples) - 1], 4)]


def _resampled_means(values: Sequence[float], resamples: int, rng: random.Random) -> list[float]:
    n = len(values)
    bits, draw = n.bit_length(), rng.getrandbits
    means = []
    for _ in range(resamples):
        total = 0.0
        for _ in range(n):
            # rng.randrange(n) draw for draw (rejection sampling on getrandbits), at a third of the cost
            index = draw(bits)
            while index >= n:
                index = draw(bits)
            total += values[index]
        means.append(total / n)
    return means


def _binary_means(ones: float, n: int, resamples: int, rng: random.Random) -> list[float]:
    """Resampled means of ``n`` values that are all 0 or 1, ``ones`` of them 1. A resample's count of ones is
    Binomial(n, ones / n), the same distribution as drawing ``n`` values with replacement: one uniform draw a
    resample through the binomial CDF (log-space, so thousands of problems neither overflow nor underflow)
    instead of ``n`` -- pass@1 of one sample a problem, the usual case, is binary."""
    p = ones / n
    if p in (0.0, 1.0):
        return [p] * resamples
    log_p, log_q, top = math.log(p), math.log1p(-p), math.lgamma(n + 1)
    cdf, total = [], 0.0
    for k in range(n + 1):
        total += math.exp(top - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * log_p + (n - k) * log_q)
        cdf.append(total)
    cdf[-1] = math.inf  # every draw lands somewhere, whatever the rounding of the sum
    return [bisect.bisect_right(cdf, rng.random()) / n for _ in range(resamples)]


def breakdown(rows: list[dict], key: str) -> dict:
    def share(subset: list[dict]) -> float:
        return round(sum(float(r[key]) for r in subset) / len(subset), 4) if subset else 0.0

    out = {"pass@1": share(rows), "ci95": bootstrap_ci([float(r[key]) for r in rows]), "problems": len(rows),
           "by_difficulty": {}, "by_platform": {}}
    for field, name in (("difficulty", "by_difficulty"), ("platform", "by_platform")):
        groups: dict[str, list] = defaultdict(list)
        for r in rows:
            groups[str(r.get(field))].append(r)
        out[name] = {g: share(sub) for g, sub in sorted(groups.items())}
    return out


def baselines(trace: dict) -> dict[str, Optional[str]]:
    candidates = trace.get("candidates", [])
    first = candidates[0] if candidates else {}
    history = first.get("history") or [{}]
    clusters = trace.get("clusters") or []
    majority = None
    if clusters:
        largest = max(clusters, key=len)
        majority = candidates[min(largest)]["code"]
    elif trace.get("program"):
        majority = trace["program"]  # a single kept candidate: nothing to vote on
    return {"zero_shot": history[0].get("code"), "self_debug": first.get("code"), "majority": majority}


def _load_run(run_dir: Path, allow_failed: bool) -> tuple[dict, dict[str, dict], dict[str, dict], list[str]]:
    config = json.loads((run_dir / "config.json").read_text())
    contents = read_records(run_dir / "results.jsonl")
    if contents.failed and not allow_failed:
        qid, rec = next(iter(contents.failed.items()))
        raise ScoreError(f"{run_dir}: {len(contents.failed)} problem(s) failed and have no result (first: {qid}: "
                         f"{rec.get('error', '')[:200]}); run the same bench command again to retry them, or pass "
                         "--allow-failed to count them as wrong")
    return config, contents.finished, contents.failed, contents.warnings()


def _method_name(config: dict, run_dir: Path, taken: set[str]) -> str:
    name = (config.get("sstar") or {}).get("selection", "sstar")
    return name if name not in taken else f"{name} ({run_dir.name})"


def score_run(run_dir: Path, sandbox: Sandbox, dataset: Optional[str] = None, all_samples: bool = True,
              allow_failed: bool = False, compare: Sequence[Path] = ()) -> dict:
    """Score a run (and, side by side, the selection of each run in ``compare``, made from its samples)."""
    config, finished, failed, warnings = _load_run(run_dir, allow_failed)
    dataset = dataset or config["dataset"]
    problems = {p.question_id: p for p in load_dataset(dataset)}
    method = _method_name(config, run_dir, set())
    others = []
    for other in compare:
        o_config, o_finished, o_failed, o_warnings = _load_run(other, allow_failed)
        name = _method_name(o_config, other, {method, *(n for n, _, _ in others)})
        others.append((name, o_finished, o_failed))
        warnings += [f"{other}: {w}" for w in o_warnings]
    ids = [q for q in {**finished, **failed} if q in problems]
    for name, o_finished, o_failed in others:  # side by side means on the same problems
        common = [q for q in ids if q in o_finished or q in o_failed]
        if len(common) < len(ids):
            warnings.append(f"{name}: compared on the {len(common)} problems common to every run ({len(ids)} in "
                            f"{run_dir.name})")
        ids = common
    grader = Grader(sandbox, problems)
    grader.prefetch((qid, code) for qid in ids
                    for code in _programs(finished.get(qid) or {}, all_samples,
                                          [(o.get(qid) or {}).get("program") for _, o, _ in others]))
    rows, curves = [], {"zero_shot": defaultdict(list), "debugged": defaultdict(list)}
    for qid in ids:
        rec = finished.get(qid)
        problem = problems[qid]
        row = {"question_id": qid, "difficulty": problem.difficulty.value if problem.difficulty else None,
               "platform": problem.platform.value, "failed": rec is None}
        trace = (rec or {}).get("trace", {})
        row[method] = grader.passes(qid, (rec or {}).get("program"))
        for name, code in baselines(trace).items():
            row.setdefault(name, grader.passes(qid, code))
        for name, o_finished, _ in others:
            row[name] = grader.passes(qid, (o_finished.get(qid) or {}).get("program"))
        if all_samples and rec is not None:
            cands = trace.get("candidates", [])
            for label, codes in (("zero_shot", [(c.get("history") or [{}])[0].get("code") for c in cands]),
                                 ("debugged", [c.get("code") for c in cands])):
                n, c = len(codes), sum(grader.passes(qid, code) for code in codes)
                for k in range(1, n + 1):
                    curves[label][k].append(pass_at_k(n, c, k))
        rows.append(row)
    chosen = [method, *(n for n, _, _ in others)]
    methods = chosen + [b for b in BASELINES if b not in chosen]  # a run of the method itself beats its estimate
    failed_ids = sorted(q for q in ids if q not in finished or any(q not in f for _, f, _ in others))
    summary = {"run": str(run_dir), "compare": [str(p) for p in compare], "dataset": dataset,
               "problems": len(rows), "selection": method, "failed": failed_ids,
               "meta": run_meta(config, dataset, len(rows)), "warnings": warnings, "missing": _missing(config, ids),
               "methods": {m: breakdown(rows, m) for m in methods}, "rows": rows}
    if all_samples and rows:
        done = sum(not r["failed"] for r in rows)
        summary["pass_at_k"] = {label: {str(k): round(sum(v) / len(v), 4) for k, v in sorted(ks.items())
                                        if len(v) == done} for label, ks in curves.items()}
    return summary


def _missing(config: dict, ids: list[str]) -> int:
    """Problems of the run's selection with no record at all (the run did not get to them)."""
    from ..datasets.livecodebench import Selection

    try:
        selection = Selection(**{k: tuple(v) if isinstance(v, list) else v
                                 for k, v in (config.get("selection") or {}).items()})
        wanted = {p.question_id for p in load_dataset(config["dataset"], selection)}
    except (ValueError, KeyError, TypeError, OSError):
        return 0
    return len(wanted - set(ids))


def run_meta(config: dict, dataset: str, problems: int) -> dict:
    """What a figure's title names: model, dataset and release, N, date window."""
    selection = config.get("selection") or {}
    model = config.get("model") or {}
    from .. import __version__

    return {"sstar_version": __version__, "model": model.get("name") or "", "dataset": Path(str(dataset)).name,
            "release": selection.get("release"), "start_date": selection.get("start_date"),
            "end_date": selection.get("end_date"), "difficulty": list(selection.get("difficulty") or []),
            "platform": list(selection.get("platform") or []), "n": (config.get("sstar") or {}).get("n"),
            "problems": problems}


def _programs(rec: dict, all_samples: bool, others: list) -> list[Optional[str]]:
    """Every program score_run grades for one problem (for Grader.prefetch)."""
    trace = rec.get("trace", {})
    codes = [rec.get("program"), *baselines(trace).values(), *others]
    if all_samples:
        for c in trace.get("candidates", []):
            codes += [(c.get("history") or [{}])[0].get("code"), c.get("code")]
    return codes
