"""LiveCodeBench's code_generation_lite files: releases, date windows, difficulty and platform filters.

The official release is six JSONL files, ``test.jsonl`` ... ``test6.jsonl``. As in the official
loader, ``release_vN`` is cumulative (files 1..N), ``vN`` is file N alone, ``vA_vB`` files A..B, and
``release_latest`` every file. Files are read from a local folder, or from the Hugging Face dataset
repository when the network allows (the resolved commit is recorded, so a run can be repeated).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..problem import Problem, ProblemFormatError, iter_problems

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


@dataclass(frozen=True)
class Selection:
    """Which problems of a dataset to take. Every field is optional."""

    release: Optional[str] = None
    start_date: Optional[str] = None
    """ISO date; problems whose contest_date is on or after it."""
    end_date: Optional[str] = None
    """ISO date; problems whose contest_date is on or before it (the whole day)."""
    difficulty: tuple[str, ...] = ()
    platform: tuple[str, ...] = ()
    question_ids: tuple[str, ...] = ()
    limit: Optional[int] = None

    def keep(self, problem: Problem) -> bool:
        date = problem.contest_date[:10]
        if self.start_date and (not date or date < self.start_date[:10]):
            return False
        if self.end_date and (not date or date > self.end_date[:10]):
            return False
        if self.difficulty and (problem.difficulty is None or problem.difficulty.value not in self.difficulty):
            return False
        if self.platform and problem.platform.value not in self.platform:
            return False
        return not self.question_ids or problem.question_id in self.question_ids


def load_dataset(path: str | Path, selection: Selection = Selection()) -> list[Problem]:
    """Problems from a file (.json/.jsonl) or an official release folder, filtered."""
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
    out = [p for f in files for p in iter_problems(f) if selection.keep(p)]
    return out[: selection.limit] if selection.limit else out


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
