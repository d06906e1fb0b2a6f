"""Accept alerts: verify, normalise, store, de-duplicate, start one investigation per incident."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from firstresponder.aws.stepfunctions import StartFailed
from firstresponder.intake import (
    IntakeError,
    SnsControlMessage,
    SnsSignatureVerifier,
    check_content_type,
    check_credential,
    decode_json,
    group_into_incidents,
    parse_payload,
    read_sns,
    source_from_name,
    subscription_confirmation_url,
)
from firstresponder.intake.incidents import Incident
from firstresponder.models import Alert, AlertSource, AlertStatus
from firstresponder.storage.dedup import DedupStore
from firstresponder.storage.investigations import InvestigationStore
from firstresponder.storage.records import InvestigationRecord, InvestigationStatus

MAX_BODY_BYTES = 1_048_576
DEFAULT_DEDUP_WINDOW = timedelta(minutes=30)


class AcceptedIncident(BaseModel):
    model_config = ConfigDict(extra="forbid")

    investigation_id: str
    incident_key: str
    new: bool  # False: attached to a running or recent investigation of the same incident
    status: str
    alerts: int


class Accepted(BaseModel):
    model_config = ConfigDict(extra="forbid")

    investigations: list[AcceptedIncident] = Field(default_factory=list)
    resolved: int = 0  # resolved alerts recorded on existing investigations
    ignored_resolved: int = 0  # resolved alerts with no investigation to annotate
    subscription_confirmed: bool = False


class Starter(Protocol):
    """Anything that starts the pipeline for a stored investigation (Step Functions, or local)."""

    def start(self, investigation_id: str, payload: dict[str, Any]) -> str: ...


@dataclass
class IntakeDeps:
    investigations: InvestigationStore
    dedup: DedupStore
    starter: Starter
    expected_tokens: Callable[[AlertSource], list[str]]  # credentials each HTTP source may present
    sns_verifier: SnsSignatureVerifier = field(default_factory=SnsSignatureVerifier)
    sns_region: str = "us-east-1"
    sns_account: str = ""
    sns_topic_arns: list[str] = field(default_factory=list)
    confirm_subscription: Callable[[str], None] | None = None
    dedup_window: timedelta = DEFAULT_DEDUP_WINDOW
    on_resolved: Callable[[InvestigationRecord], None] | None = None


def accept_http(source_name: str, body: bytes, headers: Mapping[str, str], deps: IntakeDeps, *,
                now: datetime) -> Accepted:
    """An HTTP delivery (API Gateway): authenticate per source, then accept."""
    source = source_from_name(source_name)
    if source is None:
        raise IntakeError(404, f"unknown alert source {source_name!r}")
    if len(body) > MAX_BODY_BYTES:
        raise IntakeError(413, f"body over {MAX_BODY_BYTES} bytes")
    lowered = {k.lower(): v for k, v in headers.items()}
    # SNS posts JSON as text/plain; every other source must say JSON.
    if source != AlertSource.SNS:
        check_content_type(lowered.get("content-type"))
    if source == AlertSource.SNS:
        payload = decode_json(body)
        if not isinstance(payload, dict):
            raise IntakeError(422, "sns: expected a JSON object envelope")
        deps.sns_verifier.verify(payload, now=now)  # SNS cannot send custom headers: its signature is the credential
        parsed = read_sns(payload)
        if isinstance(parsed, SnsControlMessage):
            return _control(parsed, deps)
        return accept_alerts(parsed, deps, now=now)
    check_credential(headers, deps.expected_tokens(source))
    return accept_alerts(parse_payload(body, source), deps, now=now)


def accept_event(event: dict[str, Any], deps: IntakeDeps, *, now: datetime) -> Accepted:
    """An event AWS delivered directly (SNS → Lambda record, EventBridge rule): trusted by IAM."""
    source = AlertSource.SNS if "Records" in event else AlertSource.EVENTBRIDGE
    return accept_alerts(parse_payload(event, source), deps, now=now)


def accept_alerts(alerts: list[Alert], deps: IntakeDeps, *, now: datetime) -> Accepted:
    result = Accepted()
    for incident in group_into_incidents(alerts):
        firing = [a for a in incident.alerts if a.status == AlertStatus.FIRING]
        resolved = [a for a in incident.alerts if a.status == AlertStatus.RESOLVED]
        if firing:
            result.investigations.append(_start_or_attach(incident, firing, deps, now))
        for alert in resolved:
            if _record_resolution(alert, deps, now):
                result.resolved += 1
            else:
                result.ignored_resolved += 1
    return result


def _start_or_attach(incident: Incident, firing: list[Alert], deps: IntakeDeps, now: datetime) -> AcceptedIncident:
    primary = firing[0]
    candidate = str(uuid.uuid4())
    claim = deps.dedup.claim(incident.key, candidate, now=now, window=deps.dedup_window)
    fingerprints = sorted({a.fingerprint for a in firing})
    if not claim.new:
        record = _attach(claim.investigation_id, fingerprints, deps, now)
        return AcceptedIncident(investigation_id=claim.investigation_id, incident_key=incident.key, new=False,
                                status=record.status.value if record else InvestigationStatus.ACCEPTED.value,
                                alerts=len(firing))
    record = InvestigationRecord(id=candidate, alert=primary, incident_key=incident.key, created_at=now,
                                 updated_at=now, related_fingerprints=fingerprints)
    deps.investigations.create(record, workload=incident.workload)  # stored before anyone is told 202
    try:
        arn = deps.starter.start(candidate, {"investigationId": candidate})
        deps.investigations.update(record.model_copy(update={"execution_arn": arn}))
    except StartFailed as err:
        deps.investigations.update(record.model_copy(update={"error": f"could not start the pipeline: {err}"}))
    return AcceptedIncident(investigation_id=candidate, incident_key=incident.key, new=True,
                            status=InvestigationStatus.ACCEPTED.value, alerts=len(firing))


def _attach(investigation_id: str, fingerprints: list[str], deps: IntakeDeps,
            now: datetime) -> InvestigationRecord | None:
    for _ in range(5):  # concurrent attachers: retry on a lost conditional update
        record = deps.investigations.get(investigation_id)
        if record is None:
            return None
        merged = sorted(set(record.related_fingerprints) | set(fingerprints))
        if merged == record.related_fingerprints:
            return record
        updated = record.model_copy(update={"related_fingerprints": merged, "updated_at": now})
        if deps.investigations.update(updated, expected={record.status}):
            return updated
    return deps.investigations.get(investigation_id)


def _record_resolution(alert: Alert, deps: IntakeDeps, now: datetime) -> bool:
    matches = deps.investigations.by_fingerprint(alert.fingerprint)
    if not matches:
        return False
    latest = matches[0]
    updated = latest.model_copy(update={"resolved_at": alert.ends_at or now, "updated_at": now})
    deps.investigations.update(updated)
    if deps.on_resolved is not None:
        deps.on_resolved(updated)
    return True


def _control(message: SnsControlMessage, deps: IntakeDeps) -> Accepted:
    if message.type == "UnsubscribeConfirmation":
        return Accepted()
    if deps.confirm_subscription is None or not deps.sns_account:
        raise IntakeError(503, "sns: subscription confirmation is not enabled")
    url = subscription_confirmation_url(message, deps.sns_region, deps.sns_account, deps.sns_topic_arns)
    deps.confirm_subscription(url)
    return Accepted(subscription_confirmed=True)
