"""The dataset options ``sstar bench`` and ``sstar score`` share, apart from ``bench_cmd`` (which imports the
whole configuration): ``sstar score`` imports only this."""

from __future__ import annotations

from .console import fail

DATASET_HELP = "A .jsonl file, the folder of test.jsonl ... test6.jsonl, or hf[:REVISION] to read them from the hub."


def selection_from(release, start_date, end_date, difficulty, platform, limit):
    from ..datasets.livecodebench import Selection

    try:
        return Selection(release=release, start_date=start_date, end_date=end_date, difficulty=tuple(difficulty or ()),
                         platform=tuple(platform or ()), limit=limit)
    except ValueError as exc:
        fail(str(exc))
