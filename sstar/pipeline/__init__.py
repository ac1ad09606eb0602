"""The S* pipeline: generate -> debug -> synthesize -> select."""

from .api import CandidateError, InsideEventLoopError, aselect, asolve, atest, select, solve, test
from .config import DebugContext, SelectionMethod, SStarConfig, TournamentMode
from .pair_judge import ModelPairJudge, Pair, PairJudge, PairVerdict
from .records import (Candidate, Comparison, DecidedBy, ModelCall, PairDecision, RoundRecord, RoundVerdict, Rule,
                      SolveResult, SynthesizedInput)
from .sstar import Run, SStar

__all__ = ["Candidate", "CandidateError", "Comparison", "DebugContext", "DecidedBy", "InsideEventLoopError",
           "ModelCall", "ModelPairJudge", "Pair", "PairDecision", "PairJudge", "PairVerdict", "RoundRecord",
           "RoundVerdict", "Rule", "Run", "SStar", "SStarConfig", "SelectionMethod", "SolveResult", "SynthesizedInput",
           "TournamentMode", "aselect", "asolve", "atest", "select", "solve", "test"]
