"""Batched sampling: n samples in one generate call against n sequential calls, same model, same run.

    .venv/bin/python benchmarks/sampling.py [--model smollm2] [--n 8] [--max-tokens 64]

Reports aggregate completion tokens per second for each way and the ratio.
On a machine with a GPU the transformers backend uses it (bf16); the device is printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sstar.models import load_model  # noqa: E402

PROMPT = [{"role": "user", "content": "Write a Python program that reads n and prints the sum of 1..n."}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="smollm2")
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    model = load_model(args.model)
    model.generate(PROMPT, n=1, max_tokens=4, temperature=0.7, seed=0)  # warm-up
    start = time.perf_counter()
    batched = model.generate(PROMPT, n=args.n, max_tokens=args.max_tokens, temperature=0.7, seed=1)
    t_batched = time.perf_counter() - start
    start = time.perf_counter()
    sequential = [c for i in range(args.n)
                  for c in model.generate(PROMPT, n=1, max_tokens=args.max_tokens, temperature=0.7, seed=100 + i)]
    t_seq = time.perf_counter() - start
    tok_b = sum(c.completion_tokens for c in batched)
    tok_s = sum(c.completion_tokens for c in sequential)
    row = {"model": args.model, "device": model.config().get("device"), "n": args.n, "max_tokens": args.max_tokens,
           "batched_tokens_per_s": round(tok_b / t_batched, 1), "sequential_tokens_per_s": round(tok_s / t_seq, 1),
           "batched_s": round(t_batched, 2), "sequential_s": round(t_seq, 2), "tokens": [tok_b, tok_s]}
    row["speedup"] = round(row["batched_tokens_per_s"] / row["sequential_tokens_per_s"], 2)
    print(f"{args.model} on {row['device']}: n={args.n} in one call {row['batched_tokens_per_s']} tokens/s "
          f"({tok_b} tokens, {t_batched:.1f} s); {args.n} sequential calls {row['sequential_tokens_per_s']} tokens/s "
          f"({tok_s} tokens, {t_seq:.1f} s); {row['speedup']}x")
    if args.json:
        args.json.write_text(json.dumps(row, indent=2))


if __name__ == "__main__":
    main()
