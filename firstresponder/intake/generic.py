"""Our own documented JSON alert schema (docs/alert-sources.md) → Alert; unknown fields are refused."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from firstresponder.intake.fingerprints import hashed_fingerprint
from firstresponder.intake.payload_models import validate_foreign
from firstresponder.intake.sanitize import MAX_TEXT_CHARS, clean_line, clean_mapping, clean_text, clean_url
from firstresponder.intake.scope import Scope, checked_name, scope_for
from firstresponder.models.alert import Alert, AlertSource, AlertStatus

MAX_GENERIC_ALERTS = 100


class GenericAlert(BaseModel):
    """One alert in the generic schema; ``kind`` and ``name`` together name the alerting resource."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=512)
    startsAt: AwareDatetime
    status: Literal["firing", "resolved"] = "firing"
    severity: str = Field("warning", max_length=32)
    cluster: str | None = Field(None, max_length=128)
    namespace: str | None = Field(None, max_length=63)
    kind: str | None = Field(None, pattern=r"^[A-Z][A-Za-z0-9]{0,62}$")
    name: str | None = Field(None, max_length=253)
    container: str | None = Field(None, max_length=63)
    description: str = Field("", max_length=MAX_TEXT_CHARS)
    endsAt: AwareDatetime | None = None
    fingerprint: str | None = Field(None, max_length=128)
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    generatorURL: str | None = None


class GenericBatch(BaseModel):
    """Several generic alerts in one body."""

    model_config = ConfigDict(extra="forbid")

    alerts: list[GenericAlert] = Field(min_length=1, max_length=MAX_GENERIC_ALERTS)


def normalise_generic(payload: Any) -> list[Alert]:
    """One generic alert object, a list of them, or ``{"alerts": [...]}`` → Alerts."""
    if isinstance(payload, list):
        payload = {"alerts": payload}
    if isinstance(payload, dict) and "alerts" in payload:
        batch = validate_foreign(GenericBatch, payload, "generic alert batch")
        return [_alert(item) for item in batch.alerts]
    return [_alert(validate_foreign(GenericAlert, payload, "generic alert"))]


def _alert(item: GenericAlert) -> Alert:
    scope = _scope(item)
    labels = clean_mapping(item.labels)
    return Alert(
        source=AlertSource.GENERIC,
        status=AlertStatus(item.status),
        name=clean_line(labels.get("alertname") or item.title, 256) or "alert",
        title=clean_line(item.title) or "alert",
        description=clean_text(item.description),
        severity=clean_line(item.severity, 32) or "warning",
        cluster=clean_line(item.cluster, 128) if item.cluster else None,
        namespace=scope.namespace,
        resource=scope.resource,
        container=scope.container,
        starts_at=item.startsAt,
        ends_at=item.endsAt,
        fingerprint=clean_line(item.fingerprint or "", 128) or hashed_fingerprint(
            "generic", item.cluster, item.namespace, item.kind, item.name, item.title),
        labels=labels,
        annotations=clean_mapping(item.annotations, MAX_TEXT_CHARS),
        generator_url=clean_url(item.generatorURL),
        scope_notes=scope.notes,
    )


def _scope(item: GenericAlert) -> Scope:
    if item.kind and item.name:
        return scope_for(item.kind, item.name, item.namespace, origin="name", container=item.container)
    notes: list[str] = []
    if item.kind or item.name:
        notes.append("kind and name must both be given to name a resource; scoped to the namespace")
    return Scope(namespace=checked_name(item.namespace, "namespace", notes), notes=notes)
