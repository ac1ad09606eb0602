"""The S* pipeline: generate -> debug -> synthesize -> select.

Names are imported on first use (PEP 562), so that ``sstar.pipeline.config`` -- which the command line
needs for its options -- does not pull in the whole pipeline (asyncio, the models, the judge).
"""

from __future__ import annotations

_EXPORTS = {
    **dict.fromkeys(("CandidateError", "InsideEventLoopError", "aselect", "asolve", "atest", "select", "solve", "test"),
                    "api"),
    **dict.fromkeys(("DebugContext", "SelectionMethod", "SStarConfig", "TournamentMode"), "config"),
    **dict.fromkeys(("ModelPairJudge", "Pair", "PairJudge", "PairVerdict"), "pair_judge"),
    **dict.fromkeys(("Candidate", "Comparison", "DecidedBy", "ModelCall", "PairDecision", "RoundRecord",
                     "RoundVerdict", "Rule", "SolveResult", "SynthesizedInput"), "records"),
    **dict.fromkeys(("Run", "SStar"), "sstar"),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sstar.pipeline' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
