"""The one typed config of an S* run. Every output records it, resolved.

Which parts are the paper's and which are ours: ``pair_inputs``, the judge
reading both programs, asking in both orders, ``debug_context=all`` and
``judge_sees_code`` follow S* (arXiv 2502.14382) and its reference code;
``hypothesis_inputs``, ``shrink_steps``, ``decide_by_crash``,
``decide_by_time_limit``, ``decide_by_agreement``, ``judge_expected_output`` and clustering before
judging are sstar's additions, each an option with an off switch.
"""

from __future__ import annotations

import enum
import re
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

PLAIN_MAX_TOKENS = 2048
REASONING_MAX_TOKENS = 32768
# Model names that think before answering (DeepSeek-R1 and its distills, QwQ, o1/o3/o4, Sky-T1, "thinking" models).
_REASONING_NAMES = re.compile(r"(^|[^a-z])(r1|qwq|o1|o3|o4|reason|think|sky-t1|s1)([^a-z]|$)", re.I)


class SelectionMethod(str, enum.Enum):
    FIRST = "first"  #: the first candidate passing the public tests (no synthesized inputs)
    RANDOM = "random"  #: a random candidate among those kept
    MAJORITY = "majority"  #: the largest cluster of identically-behaving candidates
    LLM_JUDGE = "llm_judge"  #: the model compares programs pairwise, without executing them
    SSTAR = "sstar"  #: pairwise differential execution with a model judge (the default)


class DebugContext(str, enum.Enum):
    ALL = "all"  #: every earlier round's code and feedback (the reference's default)
    LAST = "last"  #: only the latest version and its feedback


class TournamentMode(str, enum.Enum):
    CHAMPION = "champion"  #: the largest cluster meets each other in turn; the pair's winner stays (k-1 pairs)
    ROUND_ROBIN = "round_robin"  #: every pair of clusters, most points wins (k(k-1)/2 pairs, as the reference)


class SStarConfig(BaseModel):
    """Settings of one S* run; defaults follow the paper's reference where it has one, else our measurements."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)

    n: int = Field(16, ge=1, description="Candidate programs sampled in parallel.")
    temperature: float = Field(0.7, ge=0, description="Sampling temperature of the candidates.")
    top_p: Optional[float] = Field(None, gt=0, le=1, description="Nucleus sampling of the candidates (None: server's).")
    stop: tuple[str, ...] = Field((), description="Stop strings for every model answer.")
    max_tokens: Optional[int] = Field(
        None, ge=16, description=f"Token budget of each model answer. None: {PLAIN_MAX_TOKENS}, or "
        f"reasoning_max_tokens for a reasoning model.")
    reasoning_max_tokens: int = Field(REASONING_MAX_TOKENS, ge=16,
                                      description="Budget when a model thinks (thinking counts against it).")
    reasoning: Optional[bool] = Field(
        None, description="The model thinks before answering. None: guessed from its name and thinking settings.")
    rounds: int = Field(2, ge=0, description="Debugging rounds per candidate on the public tests.")
    debug_context: DebugContext = Field(DebugContext.ALL, description="Earlier rounds shown when debugging.")
    selection: SelectionMethod = Field(SelectionMethod.SSTAR, description="How the final program is chosen.")
    seed: int = Field(0, description="Seed for sampling, Hypothesis and random choices.")
    model_inputs: int = Field(6, ge=0, description="Test inputs asked of the judge model up front (0: none).")
    hypothesis_inputs: int = Field(100, ge=0, description="[ours] Inputs from Hypothesis strategies (0: none).")
    pair_inputs: int = Field(3, ge=0, description="Inputs asked of the judge model for each compared pair (0: none).")
    judge_inputs: int = Field(3, ge=1, description="Distinguishing inputs shown to the judge per pair.")
    judge_sees_code: bool = Field(True, description="The pair judge reads both programs, not only their outputs.")
    judge_expected_output: bool = Field(
        True, description="[ours] Ask the judge model for the expected output first; a match with exactly one "
        "side decides the pair.")
    decide_by_crash: bool = Field(True, description="[ours] A crash on a valid input where the other program "
                                  "answers decides the pair without the judge.")
    decide_by_time_limit: bool = Field(
        True, description="[ours] A time limit on a valid input where the other program finishes within a quarter "
        "of the limit decides the pair without the judge.")
    decide_by_agreement: bool = Field(
        True, description="[ours] With no judge model: a pair is decided by the other candidates' outputs on the "
        "valid inputs where the two differ (each run that matches one side's output is a vote for it).")
    tournament: TournamentMode = Field(TournamentMode.CHAMPION, description="[ours] Which pairs of clusters meet.")
    max_clusters: int = Field(8, ge=1, description="Largest clusters compared pairwise (the rest cannot win).")
    shrink_steps: int = Field(24, ge=0, description="[ours] Executions spent shrinking each distinguishing input.")
    time_limit_s: Optional[float] = Field(None, gt=0, description="CPU seconds per run; default: the problem's, else 6.")
    synth_time_limit_s: float = Field(2.0, gt=0, description="CPU seconds per run on synthesized inputs.")
    synth_time_limits: int = Field(
        3, ge=0, description="[ours] Time limits on synthesized inputs after which a candidate is not run on the "
        "rest (inputs go in rounds of 10, 20, 40, ...; a candidate's run of a round stops at a time limit, and one "
        "that timed out where most others answered, one within a quarter of the limit, is not run further; 0: run "
        "every candidate on every input).")
    synth_budget_s: Optional[float] = Field(
        3.0, gt=0, description="[ours] Wall-clock seconds for running the candidates on synthesized inputs: after "
        "the first round, rounds are cut to what is left at the pace so far; inputs never run are dropped, with a "
        "note (None: no budget).")
    concurrency: int = Field(8, ge=1, description="Model requests in flight at once.")
    max_input_chars: int = Field(200_000, ge=100, description="Longest synthesized input kept.")

    @field_validator("stop", mode="before")
    @classmethod
    def _stops(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    def is_reasoning(self, model_config: Optional[dict]) -> bool:
        """Explicit ``reasoning``, else a thinking budget in the model's settings, else its name."""
        if self.reasoning is not None:
            return self.reasoning
        info = model_config or {}
        if any(info.get(k) for k in ("max_thinking_tokens", "min_thinking_tokens", "reasoning_effort")):
            return True
        return bool(_REASONING_NAMES.search(str(info.get("name", ""))))

    def tokens_for(self, model_config: Optional[dict]) -> int:
        """The answer budget for a model: ``max_tokens`` when set, else by whether it thinks."""
        if self.max_tokens is not None:
            return self.max_tokens
        return self.reasoning_max_tokens if self.is_reasoning(model_config) else PLAIN_MAX_TOKENS
