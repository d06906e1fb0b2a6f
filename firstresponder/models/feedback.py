"""Engineers' ratings of a report, from Slack buttons or the feedback API."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from firstresponder.models.report import Category
from firstresponder.models.resource import ResourceRef


class Verdict(StrEnum):
    ACCURATE = "accurate"
    PARTIALLY_ACCURATE = "partially_accurate"
    INCORRECT = "incorrect"


class FeedbackInput(BaseModel):
    """What a user submits (API body / Slack modal)."""

    model_config = ConfigDict(extra="forbid")

    verdict: Verdict
    actual_cause: str | None = Field(default=None, max_length=2000)
    actual_category: Category | None = None
    actual_culprit: ResourceRef | None = None
    idempotency_key: str | None = Field(default=None, max_length=200)


class Feedback(FeedbackInput):
    """Stored feedback: the input plus who, when and about what."""

    investigation_id: str
    user: str = Field(max_length=200)
    via: str = "api"  # api | slack
    submitted_at: AwareDatetime
    category: Category  # the category the report concluded (what the verdict is about)
