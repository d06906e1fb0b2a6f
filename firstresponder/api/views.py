"""Response bodies of the HTTP API (these models are the OpenAPI document's schemas)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    error: str


class AcceptedInvestigation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    status_url: str
    new: bool
    status: str
    incident_key: str
    alerts: int


class AcceptedResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    investigations: list[AcceptedInvestigation] = Field(default_factory=list)
    resolved: int = 0
    ignored_resolved: int = 0
    subscription_confirmed: bool = False


class InvestigationView(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    status: str
    incident_key: str
    created_at: str
    updated_at: str
    resolved_at: str | None = None
    error: str | None = None
    delivery_note: str | None = None
    report: dict[str, Any] | None = None  # the Report JSON (schemas/report.schema.json) once finished


class FeedbackRecorded(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recorded: bool  # False: an identical submission was already recorded (idempotent)


class FeedbackList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    feedback: list[dict[str, Any]] = Field(default_factory=list)
