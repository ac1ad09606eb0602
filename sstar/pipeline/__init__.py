"""The S* pipeline: generate -> debug -> synthesize -> select."""

from .api import select, solve
from .config import SelectionMethod, SStarConfig
from .records import Candidate, Comparison, RoundRecord, SolveResult, SynthesizedInput
from .sstar import Run, SStar

__all__ = ["Candidate", "Comparison", "RoundRecord", "Run", "SStar", "SStarConfig", "SelectionMethod", "SolveResult",
           "SynthesizedInput", "select", "solve"]
