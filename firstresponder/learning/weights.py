"""Per-environment category weights from feedback, decayed over time and bounded.

A category engineers confirmed in an environment gains weight there; one they marked incorrect
loses it. The effect is bounded (×0.7..×1.3) so that a few votes cannot silence direct evidence,
and decays with a half-life so old opinions fade. Environments never share state.
"""

from __future__ import annotations

import math
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict

from firstresponder.models.feedback import Feedback, Verdict

HALF_LIFE_DAYS = 30.0
MIN_WEIGHT = 0.7
MAX_WEIGHT = 1.3
# Pseudo-votes on each side: with few votes the weight stays close to neutral.
PRIOR = 2.0


class CategoryTally(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: str
    confirmed: float = 0.0
    rejected: float = 0.0
    updated_at: AwareDatetime
    version: int = 0  # optimistic concurrency in storage

    def decayed(self, now: datetime, half_life_days: float = HALF_LIFE_DAYS) -> CategoryTally:
        days = max(0.0, (now - self.updated_at).total_seconds() / 86400)
        factor = math.pow(0.5, days / half_life_days)
        return self.model_copy(update={"confirmed": self.confirmed * factor,
                                       "rejected": self.rejected * factor, "updated_at": now})


def tally_updates(feedback: Feedback) -> dict[str, tuple[float, float]]:
    """(confirmed, rejected) increments per category for one piece of feedback."""
    reported = feedback.category.value
    if feedback.verdict == Verdict.ACCURATE:
        return {reported: (1.0, 0.0)}
    if feedback.verdict == Verdict.PARTIALLY_ACCURATE:
        return {reported: (0.5, 0.0)}
    updates = {reported: (0.0, 1.0)}
    if feedback.actual_category is not None and feedback.actual_category.value != reported:
        updates[feedback.actual_category.value] = (1.0, 0.0)
    return updates


def apply(tally: CategoryTally, confirmed: float, rejected: float, now: datetime) -> CategoryTally:
    current = tally.decayed(now)
    return current.model_copy(update={"confirmed": current.confirmed + confirmed,
                                      "rejected": current.rejected + rejected})


def weight_of(tally: CategoryTally, now: datetime) -> float:
    t = tally.decayed(now)
    balance = (t.confirmed - t.rejected) / (t.confirmed + t.rejected + 2 * PRIOR)
    return min(MAX_WEIGHT, max(MIN_WEIGHT, 1.0 + balance * (MAX_WEIGHT - 1.0) * 2))


def category_weights(tallies: list[CategoryTally], now: datetime) -> dict[str, float]:
    return {t.category: weight_of(t, now) for t in tallies}
