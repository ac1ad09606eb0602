"""``sstar score``: grade chosen programs on the hidden tests; pass@1 overall, by difficulty and platform.

From one S* run it also scores the baselines a user wants beside S*: zero-shot (the first sample as
generated), self-debugging alone (the first sample after its debugging rounds) and majority vote (the
largest cluster), and pass@k of the samples before and after debugging, so one run gives the paper's
comparison table.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from math import comb
from pathlib import Path
from typing import Iterable, Optional

from ..datasets.livecodebench import load_dataset
from ..judge import run_tests
from ..problem import Problem
from ..sandbox.protocol import Sandbox


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
        todo = {(qid, code) for qid, code in pairs if code and qid in self.problems}
        workers = max(1, int(getattr(self.sandbox, "size", 1) or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda pair: self.passes(*pair), sorted(todo)))


def pass_at_k(n: int, c: int, k: int) -> float:
    """The unbiased estimator of Chen et al. (2021)."""
    if n - c < k:
        return 1.0
    return 1.0 - comb(n - c, k) / comb(n, k)


def _breakdown(rows: list[dict], key: str) -> dict:
    def share(subset: list[dict]) -> float:
        return round(sum(r[key] for r in subset) / len(subset), 4) if subset else 0.0

    out = {"pass@1": share(rows), "problems": len(rows), "by_difficulty": {}, "by_platform": {}}
    for field, name in (("difficulty", "by_difficulty"), ("platform", "by_platform")):
        groups: dict[str, list] = defaultdict(list)
        for r in rows:
            groups[str(r.get(field))].append(r)
        out[name] = {g: share(sub) for g, sub in sorted(groups.items())}
    return out


def _baselines(trace: dict) -> dict[str, Optional[str]]:
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


def score_run(run_dir: Path, sandbox: Sandbox, dataset: Optional[str] = None, all_samples: bool = True) -> dict:
    config = json.loads((run_dir / "config.json").read_text())
    dataset = dataset or config["dataset"]
    problems = {p.question_id: p for p in load_dataset(dataset)}
    records = [json.loads(line) for line in (run_dir / "results.jsonl").read_text().splitlines() if line.strip()]
    seen, unique = set(), []
    for rec in records:
        if rec["question_id"] not in seen and rec["question_id"] in problems:
            seen.add(rec["question_id"])
            unique.append(rec)
    grader = Grader(sandbox, problems)
    grader.prefetch((rec["question_id"], code) for rec in unique for code in _programs(rec, all_samples))
    method = config.get("sstar", {}).get("selection", "sstar")
    rows, curves = [], {"zero_shot": defaultdict(list), "debugged": defaultdict(list)}
    for rec in unique:
        qid = rec["question_id"]
        row = {"question_id": qid, "difficulty": rec.get("difficulty"), "platform": rec.get("platform"),
               method: grader.passes(qid, rec.get("program"))}
        for name, code in _baselines(rec.get("trace", {})).items():
            row[name] = grader.passes(qid, code)
        if all_samples:
            cands = rec.get("trace", {}).get("candidates", [])
            for label, codes in (("zero_shot", [(c.get("history") or [{}])[0].get("code") for c in cands]),
                                 ("debugged", [c.get("code") for c in cands])):
                n, c = len(codes), sum(grader.passes(qid, code) for code in codes)
                for k in range(1, n + 1):
                    curves[label][k].append(pass_at_k(n, c, k))
        rows.append(row)
    methods = [method, "zero_shot", "self_debug", "majority"]
    summary = {"run": str(run_dir), "dataset": dataset, "problems": len(rows), "selection": method,
               "methods": {m: _breakdown(rows, m) for m in methods}, "rows": rows}
    if all_samples and rows:
        summary["pass_at_k"] = {label: {str(k): round(sum(v) / len(v), 4) for k, v in sorted(ks.items())
                                        if len(v) == len(rows)} for label, ks in curves.items()}
    return summary


def score_generations(path: Path, dataset: str, sandbox: Sandbox, ks: Iterable[int] = (1, 5, 10)) -> dict:
    """LiveCodeBench's custom-evaluator shape: one ``{"question_id", "code_list"}`` per line."""
    problems = {p.question_id: p for p in load_dataset(dataset)}
    grader = Grader(sandbox, problems)
    rows, missing = [], []
    grader.prefetch(_pairs(path.read_text()))
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            qid, codes = rec["question_id"], list(rec["code_list"])
        except (ValueError, KeyError, TypeError):
            raise ValueError(f"{path}, line {number}: expected {{\"question_id\", \"code_list\"}}") from None
        if qid not in problems:
            missing.append(qid)
            continue
        verdicts = [grader.passes(qid, code) for code in codes]
        problem = problems[qid]
        row = {"question_id": qid, "difficulty": problem.difficulty.value if problem.difficulty else None,
               "platform": problem.platform.value, "n": len(codes), "correct": sum(verdicts)}
        for k in ks:
            if k <= len(codes):
                row[f"pass@{k}"] = pass_at_k(len(codes), sum(verdicts), k)
        rows.append(row)
    summary = {"generations": str(path), "dataset": dataset, "problems": len(rows), "unknown_ids": missing,
               "methods": {f"pass@{k}": _breakdown([r for r in rows if f"pass@{k}" in r], f"pass@{k}")
                           for k in ks if any(f"pass@{k}" in r for r in rows)}, "rows": rows}
    return summary


def _pairs(text: str) -> list[tuple[str, Optional[str]]]:
    """Every (question id, program) of a generations file, for Grader.prefetch (bad lines are left to the reader)."""
    out = []
    for line in text.splitlines():
        try:
            rec = json.loads(line)
            out += [(str(rec["question_id"]), code) for code in rec["code_list"] if isinstance(code, str)]
        except (ValueError, KeyError, TypeError):
            continue
    return out


def _programs(rec: dict, all_samples: bool) -> list[Optional[str]]:
    """Every program score_run grades for one record (for Grader.prefetch)."""
    codes = [rec.get("program"), *_baselines(rec.get("trace", {})).values()]
    if all_samples:
        for c in rec.get("trace", {}).get("candidates", []):
            codes += [(c.get("history") or [{}])[0].get("code"), c.get("code")]
    return codes
