"""Batch throughput: problems per minute of ``sstar bench`` at concurrency 1, 2 and 4, in one run.

The scripted model answers with each problem's reference solution after a fixed delay per call
(``--latency``, standing in for a model server's response time), so the figure is sstar's own cost --
prompts, sandbox runs, input synthesis, clustering, bookkeeping -- plus the waiting that concurrency
hides, over the 12 sample problems with n=4 samples and Hypothesis inputs on.

    .venv/bin/python benchmarks/bench_speed.py [--n 4] [--latency 1.0] [--ray]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sstar.batch.bench import Bench  # noqa: E402
from sstar.models import ScriptedModel, Stage  # noqa: E402
from sstar.pipeline import SStarConfig  # noqa: E402
from sstar.problem import load_problem  # noqa: E402
from sstar.sandbox.local import LocalSandbox  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=4)
    parser.add_argument("--latency", type=float, default=1.0, help="seconds each model call takes")
    parser.add_argument("--ray", action="store_true", help="also run on a local Ray instance")
    args = parser.parse_args()
    names = sorted(p.stem for p in (ROOT / "problems").glob("*.json"))
    problems = {n: load_problem(ROOT / "problems" / f"{n}.json") for n in names}
    references = {problems[n].question_content.strip()[:200]: (ROOT / "tests" / "reference_solutions" / f"{n}.py").read_text()
                  for n in names}

    def answer(stage, messages):
        time.sleep(args.latency)
        if stage is not Stage.GENERATE:
            return "ANSWER: A"
        content = messages[-1]["content"]
        code = next((c for key, c in references.items() if key in content), "print(0)\n")
        return f"```python\n{code}```"

    config = SStarConfig(n=args.n, rounds=1, model_inputs=0, hypothesis_inputs=20)
    with tempfile.TemporaryDirectory() as tmp, LocalSandbox() as sandbox:
        dataset = Path(tmp) / "samples.jsonl"
        dataset.write_text("".join(problems[n].model_dump_json() + "\n" for n in names))
        for concurrency in (1, 2, 4):
            start = time.perf_counter()
            progress = Bench(str(dataset), Path(tmp) / f"run{concurrency}", model=ScriptedModel(answer), sandbox=sandbox,
                             config=config, concurrency=concurrency, cache=False).run()
            minutes = (time.perf_counter() - start) / 60
            print(f"concurrency {concurrency}: {progress.done} problems in {minutes * 60:.1f} s = "
                  f"{progress.done / minutes:.1f} problems/min")
        if args.ray:
            for concurrency in (2, 4):
                start = time.perf_counter()
                progress = Bench(str(dataset), Path(tmp) / f"ray{concurrency}", model=ScriptedModel(answer),
                                 config=config, concurrency=concurrency, cache=False, ray="local").run()
                minutes = (time.perf_counter() - start) / 60
                print(f"Ray (local instance), {concurrency} actors: {progress.done} problems in {minutes * 60:.1f} s = "
                      f"{progress.done / minutes:.1f} problems/min (start-up included)")


if __name__ == "__main__":
    main()
