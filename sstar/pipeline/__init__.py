"""The S* pipeline: generate -> debug -> synthesize -> select."""

from .api import select, solve
from .config import DebugContext, SelectionMethod, SStarConfig, TournamentMode
from .pair_judge import ModelPairJudge, Pair, PairJudge, PairVerdict
from .records import (Candidate, Comparison, DecidedBy, ModelCall, PairDecision, RoundRecord, RoundVerdict, Rule,
                      SolveResult, SynthesizedInput)
from .sstar import Run, SStar

__all__ = ["Candidate", "Comparison", "DebugContext", "DecidedBy", "ModelCall", "ModelPairJudge", "Pair",
           "PairDecision", "PairJudge", "PairVerdict", "RoundRecord", "RoundVerdict", "Rule", "Run", "SStar",
           "SStarConfig", "SelectionMethod", "SolveResult", "SynthesizedInput", "TournamentMode", "select", "solve"]
