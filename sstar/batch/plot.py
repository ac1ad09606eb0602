"""The run's figure, fit for a paper: pass@1 by method with 95% bootstrap intervals, and pass@k against k.

The title names the model, the dataset and release, N (samples per problem), the number of problems and
the date window; methods carry readable names; PNG (300 dpi), PDF or SVG; the pass@k curves differ in
marker, line style and colour so that they stay apart when they overlap. matplotlib runs headless.
"""

from __future__ import annotations

from pathlib import Path

FORMATS = ("png", "pdf", "svg")
NAMES = {"sstar": "S*", "zero_shot": "Zero-shot", "self_debug": "Self-debugging", "majority": "Majority vote",
         "first": "Public tests only", "random": "Random", "llm_judge": "LLM judge (code)",
         "llm_judge_tests": "LLM judge (with generated tests)", "generated_tests": "Generated-tests pass rate",
         "debugged": "After debugging", "pass@1": "pass@1"}
STYLES = (("o", "-", "#1f77b4"), ("s", "--", "#d62728"), ("^", ":", "#2ca02c"), ("D", "-.", "#9467bd"))


def readable(method: str) -> str:
    base, _, rest = method.partition(" (")
    name = NAMES.get(base, base.replace("_", " ").capitalize())
    return f"{name} ({rest}" if rest else name


def title(summary: dict) -> str:
    meta = summary.get("meta") or {}
    parts = [meta.get("model") or "model ?"]
    dataset = meta.get("dataset") or ""
    if meta.get("release"):
        dataset = f"{dataset} {meta['release']}".strip()
    filters = [*(meta.get("platform") or []), *(meta.get("difficulty") or [])]
    if filters:
        dataset = f"{dataset} ({', '.join(filters)})"
    if dataset:
        parts.append(dataset)
    if meta.get("n"):
        parts.append(f"N={meta['n']}")
    parts.append(f"{summary['problems']} problems")
    if meta.get("start_date") or meta.get("end_date"):
        parts.append(f"{meta.get('start_date') or '…'} to {meta.get('end_date') or '…'}")
    return " · ".join(parts)


def plot_summary(summary: dict, path: Path, fmt: str = "png") -> Path:
    if fmt not in FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}: choose from {', '.join(FORMATS)}")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise RuntimeError("the plot needs matplotlib: pip install 'sstar[plot]'") from exc
    # TrueType fonts in PDF (conferences refuse Type 3) and real, editable text in SVG.
    with matplotlib.rc_context({"pdf.fonttype": 42, "ps.fonttype": 42, "svg.fonttype": "none"}):
        return _draw(plt, summary, path, fmt)


def _draw(plt, summary: dict, path: Path, fmt: str) -> Path:
    methods = summary["methods"]
    curves = summary.get("pass_at_k") or {}
    fig, axes = plt.subplots(1, 2 if curves else 1, figsize=(12 if curves else 6.5, 4.6), squeeze=False)
    ax = axes[0][0]
    names = list(methods)
    values = [100 * methods[m]["pass@1"] for m in names]
    ci = [methods[m].get("ci95") or [methods[m]["pass@1"]] * 2 for m in names]
    errors = [[v - 100 * lo for v, (lo, _) in zip(values, ci)], [100 * hi - v for v, (_, hi) in zip(values, ci)]]
    chosen = summary.get("selection")
    colours = ["#c0392b" if m == chosen else "#7f8c8d" for m in names]
    bars = ax.bar(range(len(names)), values, color=colours, yerr=errors, capsize=4, ecolor="#333333")
    ax.bar_label(bars, labels=[f"{v:.1f}" for v in values], padding=2, fontsize=8)
    ax.set_xticks(range(len(names)), [readable(m) for m in names], rotation=20, ha="right")
    ax.set_ylabel("pass@1 on hidden tests (%), 95% CI")
    ax.set_ylim(0, 105)
    ax.set_title("pass@1 by method", fontsize=10)
    if curves:
        ax = axes[0][1]
        for i, (label, points) in enumerate(curves.items()):
            marker, line, colour = STYLES[i % len(STYLES)]
            ks = sorted(int(k) for k in points)
            ax.plot(ks, [100 * points[str(k)] for k in ks], marker=marker, linestyle=line, color=colour,
                    markerfacecolor="none" if i % 2 else colour, markersize=7 - i, linewidth=1.6,
                    label=f"{readable(label)} samples, pass@k", zorder=3 + i)
        if chosen in methods:
            ax.axhline(100 * methods[chosen]["pass@1"], color="#000000", linestyle=(0, (5, 2, 1, 2)),
                       label=f"{readable(chosen)} pass@1")
        ax.set_xticks(sorted({int(k) for points in curves.values() for k in points}))
        ax.set_xlabel("k (samples)")
        ax.set_ylabel("%")
        ax.set_ylim(0, 105)
        ax.legend(loc="lower right", fontsize=8)
        ax.set_title("samples: pass@k against k", fontsize=10)
    fig.suptitle(title(summary), fontsize=11)
    fig.tight_layout()
    path = path.with_suffix(f".{fmt}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=300 if fmt == "png" else None, format=fmt)
    plt.close(fig)
    return path
