"""The run's figure: pass@1 by method, and pass@k of the samples against k (matplotlib, headless)."""

from __future__ import annotations

from pathlib import Path


def plot_summary(summary: dict, path: Path) -> Path:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise RuntimeError("the plot needs matplotlib: pip install 'sstar[plot]'") from exc
    methods = summary["methods"]
    curves = summary.get("pass_at_k") or {}
    fig, axes = plt.subplots(1, 2 if curves else 1, figsize=(11 if curves else 6, 4), squeeze=False)
    ax = axes[0][0]
    names = list(methods)
    values = [100 * methods[m]["pass@1"] for m in names]
    bars = ax.bar(names, values, color=["#c0392b"] + ["#7f8c8d"] * (len(names) - 1))
    ax.bar_label(bars, fmt="%.1f")
    ax.set_ylabel("pass@1 on hidden tests (%)")
    ax.set_ylim(0, 105)
    ax.set_title(f"{summary['problems']} problems")
    if curves:
        ax = axes[0][1]
        for label, points in curves.items():
            ks = sorted(int(k) for k in points)
            ax.plot(ks, [100 * points[str(k)] for k in ks], marker="o", label=f"{label.replace('_', ' ')} pass@k")
        chosen = summary["selection"]
        ax.axhline(100 * methods[chosen]["pass@1"], color="#c0392b", linestyle="--", label=f"{chosen} pass@1")
        ax.set_xticks(sorted({int(k) for points in curves.values() for k in points}))
        ax.set_xlabel("k (samples)")
        ax.set_ylabel("%")
        ax.set_ylim(0, 105)
        ax.legend(loc="lower right")
        ax.set_title("samples: pass@k against k")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
