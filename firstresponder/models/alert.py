"""The one normalised alert model every intake source is mapped into."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from firstresponder.models.resource import ResourceRef


class AlertSource(StrEnum):
    ALERTMANAGER = "alertmanager"
    SNS = "sns"  # CloudWatch alarm delivered by SNS (Lambda record or HTTPS envelope)
    EVENTBRIDGE = "eventbridge"  # CloudWatch Alarm State Change event
    DATADOG = "datadog"
    GENERIC = "generic"


class AlertStatus(StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


class MetricContext(BaseModel):
    """The metric behind a threshold alarm (CloudWatch, Datadog), kept as evidence."""

    model_config = ConfigDict(extra="forbid")

    name: str
    namespace: str | None = None
    dimensions: dict[str, str] = Field(default_factory=dict)
    threshold: float | None = None
    comparison: str | None = None
    statistic: str | None = None
    period_seconds: int | None = None
    datapoints: list[float] = Field(default_factory=list)  # oldest first
    reason: str | None = None  # the source's own state-change reason text
    # The expression the threshold applies to: metric math ("m1/m2"), an anomaly band, a Datadog query.
    expression: str | None = None


class Alert(BaseModel):
    """A firing or resolved alert about (usually) one Kubernetes resource."""

    model_config = ConfigDict(extra="forbid")

    source: AlertSource
    status: AlertStatus = AlertStatus.FIRING
    name: str  # alertname / alarm name / monitor name
    title: str  # one line for humans
    description: str = ""
    severity: str = "warning"
    cluster: str | None = None
    namespace: str | None = None
    # The alerting resource, when the payload names one. None: scoped to namespace/cluster only.
    resource: ResourceRef | None = None
    container: str | None = None
    starts_at: AwareDatetime
    ends_at: AwareDatetime | None = None
    fingerprint: str  # stable per alert instance; source's own where it has one
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    generator_url: str | None = None
    runbook_url: str | None = None
    metric: MetricContext | None = None
    # Why the resource is what it is (or why none was found), shown in the report.
    scope_notes: list[str] = Field(default_factory=list)

    @property
    def scope(self) -> str:
        """Human label of what the alert is about."""
        if self.resource is not None:
            return self.resource.key
        if self.namespace:
            return f"Namespace/{self.namespace}"
        return f"Cluster/{self.cluster or 'default'}"

    def started(self) -> datetime:
        return self.starts_at
