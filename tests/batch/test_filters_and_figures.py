"""Lenient filters (labels, case, dates) with unreadable values as errors; figures for a paper."""

import json
import os
import subprocess
import sys

import pytest

from sstar.batch.plot import plot_summary, readable, title
from sstar.batch.score import bootstrap_ci
from sstar.datasets.livecodebench import Selection, load_dataset, parse_date
from sstar.problem import ProblemFormatError


@pytest.fixture
def labelled(dataset, tmp_path):
    """The samples, one relabelled as CodeContests-derived sets do."""
    lines = [json.loads(line) for line in dataset.read_text().splitlines()]
    lines[0]["difficulty"] = "MEDIUM_HARD"
    lines[1]["difficulty"] = 1600
    path = tmp_path / "labelled.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return path, lines


def test_unknown_difficulty_labels_are_kept_and_matched_case_insensitively(labelled):
    path, lines = labelled
    problems = load_dataset(path)
    assert len(problems) == 12 and problems[0].difficulty.value == "MEDIUM_HARD"
    assert problems[1].difficulty.value == "1600"
    assert [p.question_id for p in load_dataset(path, Selection(difficulty=("medium_hard",)))] == \
        [lines[0]["question_id"]]
    easy = load_dataset(path, Selection(difficulty=("Easy",)))
    assert easy and all(p.difficulty.value == "easy" for p in easy)
    assert load_dataset(path, Selection(platform=("LeetCode",))) == load_dataset(path, Selection(platform=("leetcode",)))
    with pytest.raises(ProblemFormatError, match="no problem has difficulty 'esay'"):
        load_dataset(path, Selection(difficulty=("esay",)))
    with pytest.raises(ValueError, match="unknown platform 'leetcod'"):
        Selection(platform=("leetcod",))


@pytest.mark.parametrize("text", ["2023-09-24", "2023/09/24", "20230924", "2023-09-24T00:00:00", "Sep 24 2023",
                                  "24 September 2023", "September 24, 2023"])
def test_dates_in_common_forms(text):
    assert parse_date(text).isoformat() == "2023-09-24"


def test_month_windows_and_unreadable_dates(dataset):
    assert Selection(start_date="2023-09", end_date="2023-09").end_date == "2023-09-30"
    assert Selection(end_date="2024-02").end_date == "2024-02-29"
    slash = load_dataset(dataset, Selection(start_date="2023/09/24"))
    assert slash == load_dataset(dataset, Selection(start_date="2023-09-24")) and slash
    with pytest.raises(ValueError, match="cannot read the date 'next tuesday'"):
        Selection(start_date="next tuesday")
    with pytest.raises(ValueError, match="is after"):
        Selection(start_date="2024-01-01", end_date="2023-01-01")


def test_an_unreadable_filter_is_one_line_exit_2(dataset, tmp_path):
    for flag, value, message in (("--start-date", "2023-13-45", "cannot read the date"),
                                 ("--platform", "leetcod", "unknown platform"),
                                 ("--difficulty", "esay", "no problem has difficulty")):
        proc = subprocess.run([sys.executable, "-m", "sstar", "bench", "--dataset", str(dataset), "--out",
                               str(tmp_path / "run"), "--model", "scripted", flag, value], capture_output=True,
                              text=True, env={**os.environ, "COLUMNS": "40"})
        assert proc.returncode == 2 and message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_bootstrap_interval_brackets_the_mean_and_is_reproducible():
    values = [1.0] * 30 + [0.0] * 70
    lo, hi = bootstrap_ci(values)
    assert lo < 0.3 < hi and hi - lo < 0.25 and bootstrap_ci(values) == [lo, hi]
    assert bootstrap_ci([1.0] * 5) == [1.0, 1.0]
    assert bootstrap_ci([0.0] * 5) == [0.0, 0.0]


def test_bootstrap_of_binary_values_matches_resampling_them():
    """0/1 values (one sample a problem) take the binomial shortcut: its resampled means must have the
    distribution that drawing the values with replacement gives (quantiles within sampling error)."""
    import random

    from sstar.batch.score import _binary_means, _resampled_means

    for n, ones in ((40, 13), (300, 250), (7, 1)):
        values = [1.0] * ones + [0.0] * (n - ones)
        fast = sorted(_binary_means(float(ones), n, 4000, random.Random(1)))
        slow = sorted(_resampled_means(values, 4000, random.Random(2)))
        for q in (0.025, 0.25, 0.5, 0.75, 0.975):
            assert abs(fast[int(q * 4000)] - slow[int(q * 4000)]) <= max(2.0 / n, 0.02), (n, ones, q)
        assert abs(sum(fast) / 4000 - ones / n) < 0.01
    # 3000 problems: no overflow or underflow in the binomial's terms
    lo, hi = bootstrap_ci([1.0] * 900 + [0.0] * 2100)
    assert lo < 0.3 < hi and hi - lo < 0.05


SUMMARY = {"problems": 40, "selection": "sstar",
           "meta": {"model": "gpt-4o-mini", "dataset": "lcb", "release": "release_v2", "n": 16, "difficulty": ["easy"],
                    "start_date": "2023-05-01", "end_date": "2023-10-31"},
           "methods": {m: {"pass@1": v, "ci95": [v - 0.1, v + 0.1]} for m, v in
                       (("sstar", 0.6), ("first", 0.4), ("zero_shot", 0.3), ("majority", 0.5))},
           "pass_at_k": {"zero_shot": {"1": 0.3, "2": 0.4}, "debugged": {"1": 0.3, "2": 0.4}}}


def test_the_title_names_model_dataset_release_n_and_window():
    text = title(SUMMARY)
    for part in ("gpt-4o-mini", "lcb release_v2 (easy)", "N=16", "40 problems", "2023-05-01 to 2023-10-31"):
        assert part in text
    assert readable("sstar") == "S*" and readable("first") == "Public tests only"
    assert readable("majority (re-run)") == "Majority vote (re-run)"


@pytest.mark.parametrize("fmt,magic", [("png", b"\x89PNG"), ("pdf", b"%PDF"), ("svg", b"<?xml")])
def test_figures_in_each_format(tmp_path, fmt, magic):
    pytest.importorskip("matplotlib")
    path = plot_summary(SUMMARY, tmp_path / "summary.json", fmt)
    assert path.suffix == f".{fmt}" and path.read_bytes().startswith(magic)
    if fmt == "svg":
        svg = path.read_text()
        assert "<text" in svg and "Public tests only" in svg and "gpt-4o-mini" in svg
