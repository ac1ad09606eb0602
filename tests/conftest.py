"""Shared fixtures: one real sandbox for the session, the sample problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from sstar.problem import load_problem
from sstar.sandbox.local import LocalSandbox

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ROOT / "problems"
REFERENCE = Path(__file__).resolve().parent / "reference_solutions"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def sandbox():
    with LocalSandbox(workers=2) as sb:
        yield sb


def sample_names() -> list[str]:
    return sorted(p.stem for p in PROBLEMS.glob("*.json"))


@pytest.fixture
def sample():
    return lambda name: load_problem(PROBLEMS / f"{name}.json")
