"""LiveCodeBench's code_generation_lite files: releases, date windows, difficulty and platform filters.

The official release is six JSONL files, ``test.jsonl`` ... ``test6.jsonl``. As in the official
loader, ``release_vN`` is cumulative (files 1..N), ``vN`` is file N alone, ``vA_vB`` files A..B, and
``release_latest`` every file. Files are read from a local folder, or from the Hugging Face dataset
repository when the network allows (the resolved commit is recorded, so a run can be repeated).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from ..problem import Platform, Problem, ProblemFormatError, iter_problems

FILES = ("test.jsonl", "test2.jsonl", "test3.jsonl", "test4.jsonl", "test5.jsonl", "test6.jsonl")
HF_REPO = "livecodebench/code_generation_lite"


def release_files(tag: str) -> list[str]:
    """The files a release tag names (``release_v3``, ``v2``, ``v1_v3``, ``release_latest``)."""
    if tag == "release_latest":
        return list(FILES)
    match = re.fullmatch(r"release_v([1-6])", tag)
    if match:
        return list(FILES[: int(match.group(1))])
    match = re.fullmatch(r"v([1-6])", tag)
    if match:
        return [FILES[int(match.group(1)) - 1]]
    match = re.fullmatch(r"v([1-6])_v([1-6])", tag)
    if match and int(match.group(1)) <= int(match.group(2)):
        return list(FILES[int(match.group(1)) - 1: int(match.group(2))])
    raise ValueError(f"unknown release {tag!r}: use release_v1..release_v6, release_latest, v1..v6 or vA_vB")


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%d.%m.%Y", "%b %d %Y", "%d %b %Y", "%B %d %Y",
                "%d %B %Y", "%b %d, %Y", "%B %d, %Y")


def parse_date(text: str, end_of_period: bool = False) -> datetime.date:
    """A calendar date from the forms people write: ISO (with or without a time), ``2023/09/24``,
    ``20230924``, ``Sep 24 2023``, or a month (``2023-09``: its first day, or its last for an end date).
    ValueError, naming the accepted forms, when it is none of them."""
    raw = str(text).strip()
    head = raw.replace("T", " ").split(" ")[0] if re.match(r"\d{4}-\d{2}-\d{2}[T ]", raw) else raw
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(head, fmt).date()
        except ValueError:
            continue
    month = re.fullmatch(r"(\d{4})[-/](\d{1,2})", raw)
    if month and 1 <= int(month.group(2)) <= 12:
        year, mon = int(month.group(1)), int(month.group(2))
        if not end_of_period:
            return datetime.date(year, mon, 1)
        return datetime.date(year + mon // 12, mon % 12 + 1, 1) - datetime.timedelta(days=1)
    raise ValueError(f"cannot read the date {raw!r}: use YYYY-MM-DD (or YYYY/MM/DD, YYYYMMDD, YYYY-MM, 'Sep 24 2023')")


def _problem_date(problem: Problem) -> Optional[datetime.date]:
    try:
        return parse_date(problem.contest_date) if problem.contest_date else None
    except ValueError:
        return None


def _label(value) -> str:
    return str(getattr(value, "value", value) or "").strip().lower()


@dataclass(frozen=True)
class Selection:
    """Which problems of a dataset to take. Every field is optional.

    Difficulty and platform match case-insensitively (``Easy`` is ``easy``, ``LeetCode`` is ``leetcode``);
    difficulty labels other than easy/medium/hard (CodeContests-derived sets carry others) are matched as
    given. Dates are read in the common forms (see :func:`parse_date`); a value that cannot be read is a
    ValueError, never a run over nothing.
    """

    release: Optional[str] = None
    start_date: Optional[str] = None
    """Problems whose contest_date is on or after it."""
    end_date: Optional[str] = None
    """Problems whose contest_date is on or before it (the whole day)."""
    difficulty: tuple[str, ...] = ()
    platform: tuple[str, ...] = ()
    question_ids: tuple[str, ...] = ()
    limit: Optional[int] = None

    def __post_init__(self) -> None:
        start = parse_date(self.start_date) if self.start_date else None
        end = parse_date(self.end_date, end_of_period=True) if self.end_date else None
        if start and end and start > end:
            raise ValueError(f"--start-date {start} is after --end-date {end}")
        # Store the canonical forms, so that config.json and resume compare like with like.
        object.__setattr__(self, "start_date", start.isoformat() if start else None)
        object.__setattr__(self, "end_date", end.isoformat() if end else None)
        object.__setattr__(self, "difficulty", tuple(sorted({_label(d) for d in self.difficulty if _label(d)})))
        platforms = tuple(sorted({_label(p) for p in self.platform if _label(p)}))
        known = {p.value for p in Platform}
        for name in platforms:
            if name not in known:
                raise ValueError(f"unknown platform {name!r}: choose from {', '.join(sorted(known))}")
        object.__setattr__(self, "platform", platforms)
        if self.limit is not None and self.limit < 1:
            raise ValueError("--limit must be at least 1")

    def keep(self, problem: Problem) -> bool:
        if self.start_date or self.end_date:
            date = _problem_date(problem)
            if date is None:
                return False
            if self.start_date and date < datetime.date.fromisoformat(self.start_date):
                return False
            if self.end_date and date > datetime.date.fromisoformat(self.end_date):
                return False
        if self.difficulty and _label(problem.difficulty) not in self.difficulty:
            return False
        if self.platform and _label(problem.platform) not in self.platform:
            return False
        return not self.question_ids or problem.question_id in self.question_ids

    def check_labels(self, problems: list[Problem]) -> None:
        """A difficulty no problem carries is a typo, not an empty run: say which labels there are."""
        present = {_label(p.difficulty) for p in problems if p.difficulty is not None}
        missing = [d for d in self.difficulty if d not in present]
        if missing and problems:
            raise ProblemFormatError(f"no problem has difficulty {missing[0]!r} (labels in this dataset: "
                                     f"{', '.join(sorted(present)) or 'none'})")


def load_dataset(path: str | Path, selection: Selection = Selection()) -> list[Problem]:
    """Problems from a file (.json/.jsonl) or an official release folder, filtered."""
    return list(iter_dataset(path, selection))


def iter_dataset(path: str | Path, selection: Selection = Selection()) -> Iterator[Problem]:
    """``load_dataset`` one problem at a time, each as soon as it is read (a caller starts work on the first
    while the rest is read). The same checks: a path that cannot be read fails here, before the first
    problem; a bad record, or a difficulty no problem carries, fails the iteration where it is found
    (the labels' check after the last record, as it needs them all)."""
    path = Path(path)
    if path.is_dir():
        names = release_files(selection.release or "release_latest")
        files = [path / name for name in names if (path / name).is_file()]
        if not files:
            raise ProblemFormatError(f"{path}: none of {', '.join(names)} is there")
    elif path.is_file():
        if selection.release:
            raise ProblemFormatError(f"{path}: --release needs the folder holding test.jsonl ... test6.jsonl")
        files = [path]
    else:
        raise ProblemFormatError(f"{path}: no such file or folder")
    return _selected(files, selection)


def _selected(files: list[Path], selection: Selection) -> Iterator[Problem]:
    every, kept = [], 0
    for problem in (p for f in files for p in iter_problems(f)):
        every.append(problem)
        if (selection.limit is None or kept < selection.limit) and selection.keep(problem):
            kept += 1
            yield problem
    selection.check_labels(every)


def download_release(tag: str, dest: str | Path, revision: str = "main") -> tuple[Path, str]:
    """Fetch a release's JSONL files from the hub (no dataset script); (folder, resolved commit)."""
    try:
        from huggingface_hub import HfApi, hf_hub_download
    except ImportError as exc:
        raise RuntimeError("downloading needs huggingface_hub: pip install huggingface_hub") from exc
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    try:
        commit = HfApi().dataset_info(HF_REPO, revision=revision).sha
        for name in release_files(tag):
            hf_hub_download(HF_REPO, name, repo_type="dataset", revision=commit, local_dir=dest)
    except Exception as exc:  # noqa: BLE001 - offline, blocked, rate limited: one clear line
        raise RuntimeError(f"cannot download {HF_REPO} ({type(exc).__name__}: {str(exc).splitlines()[0][:200]}); "
                           "copy the test*.jsonl files into a folder and pass it with --dataset") from None
    return dest, commit
