"""The S* pipeline: generate -> debug -> synthesize -> select."""

from .api import CandidateError, InsideEventLoopError, aselect, asolve, atest, select, solve, test
from .config import SelectionMethod, SStarConfig
from .records import Candidate, Comparison, RoundRecord, SolveResult, SynthesizedInput
from .sstar import Run, SStar

__all__ = ["Candidate", "CandidateError", "Comparison", "InsideEventLoopError", "RoundRecord", "Run", "SStar",
           "SStarConfig", "SelectionMethod", "SolveResult", "SynthesizedInput", "aselect", "asolve", "atest", "select",
           "solve", "test"]
