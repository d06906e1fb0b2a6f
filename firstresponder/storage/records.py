"""Items stored per investigation (pydantic at the storage boundary)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from firstresponder.models import Alert


class InvestigationStatus(StrEnum):
    ACCEPTED = "accepted"  # stored before the 202; the state machine has not picked it up yet
    RUNNING = "running"
    DONE = "done"
    PARTIAL = "partial"  # finished with gaps (some evidence could not be read)
    FAILED = "failed"  # the pipeline failed; what was found is still stored and posted

    @property
    def finished(self) -> bool:
        return self in (InvestigationStatus.DONE, InvestigationStatus.PARTIAL, InvestigationStatus.FAILED)


class SlackRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: str
    ts: str


class InvestigationRecord(BaseModel):
    """The META item of one investigation (its report is stored alongside, compressed)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    status: InvestigationStatus = InvestigationStatus.ACCEPTED
    alert: Alert
    incident_key: str
    created_at: AwareDatetime
    updated_at: AwareDatetime
    related_fingerprints: list[str] = Field(default_factory=list)
    resolved_at: AwareDatetime | None = None
    execution_arn: str | None = None
    slack: SlackRef | None = None
    delivery_note: str | None = None  # why Slack was not posted, when it was not
    error: str | None = None
    timings_ms: dict[str, int] = Field(default_factory=dict)  # per pipeline step
    cost_usd: float = 0.0
    summary: str | None = None  # root cause summary once known, for listings
    category: str | None = None
    confidence: str | None = None
