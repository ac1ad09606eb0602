"""A result in brief: how the choice was decided (a line for stderr, data for ``--json`` and MCP)."""

from __future__ import annotations

from typing import Any, Optional

from .records import SolveResult

# Keyed by DecidedBy's values (contract with the selection code); a tie-break is flagged, not hidden.
PHRASES = {
    "judge": "decided by the judge model",
    "execution": "decided by execution (the other side crashed, or ran out of time, on a valid input)",
    "agreement": "decided by agreement (no judge model): where the finalists differ, more of the other "
                 "candidates gave its output",
    "tie_break": "UNDECIDED: no comparison told the finalists apart; chosen by a tie-break",
    "majority": "decided by majority: its cluster of identically behaving candidates is strictly the largest",
    "random": "chosen at random among the candidates kept (--selection random)",
    "public_tests": "decided by the public tests alone (one candidate was left)",
    "none": "no program to choose",
}


BRIEF = {"cluster_a", "cluster_b", "winner", "how", "decided_by", "shrunk"}  # a comparison, without its texts


def decision(result: SolveResult) -> dict[str, Any]:
    """``decided_by`` (a DecidedBy value) and ``undistinguished`` (indices never told apart from the choice)."""
    decided = getattr(result, "decided_by", None)
    return {"decided_by": getattr(decided, "value", decided),
            "undistinguished": list(getattr(result, "undistinguished", ()) or ())}


def describe_decision(result: SolveResult) -> Optional[str]:
    """One line: which candidate, how it was chosen, and which others it was never told apart from."""
    facts = decision(result)
    if facts["decided_by"] is None:
        return None
    how = PHRASES.get(facts["decided_by"], f"decided by {facts['decided_by']}")
    if result.chosen_index is None:
        return how
    line = f"chose candidate {result.chosen_index}: {how}"
    others = [i for i in facts["undistinguished"] if i != result.chosen_index]
    if others:
        line += f"; never told apart from candidate(s) {', '.join(map(str, others))}"
    return line


def summary(result: SolveResult) -> dict[str, Any]:
    """What an agent needs from a run without reading the whole trace."""
    candidates = [{"index": c.index, "has_code": c.code is not None, "passes_public": c.passes_public,
                   "public": f"{c.last.passed}/{c.last.total}" if c.last else None, "path": c.path}
                  for c in result.candidates]
    total = result.usage.get("total", {}) if isinstance(result.usage, dict) else {}
    return {"question_id": result.question_id, "chosen_index": result.chosen_index, **decision(result),
            "candidates": candidates, "clusters": [list(c) for c in result.clusters],
            "comparisons": [{k: v for k, v in c.to_dict().items() if k in BRIEF} for c in result.comparisons],
            "model_calls": total.get("calls", 0),
            "tokens": total.get("prompt_tokens", 0) + total.get("completion_tokens", 0),
            "notes": list(result.notes)}
