"""Which source sent a payload (``--source auto``), judged from its shape alone."""

from __future__ import annotations

from typing import Any

from firstresponder.intake.errors import IntakeError
from firstresponder.models.alert import AlertSource

_SNS_TYPES = frozenset({"Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"})
_DATADOG_KEYS = frozenset({"event_type", "body", "org", "last_updated", "alert_transition", "alert_id"})


def detect_source(payload: Any) -> AlertSource:
    """The AlertSource whose shape ``payload`` has; IntakeError(422) when none fits."""
    if isinstance(payload, list):
        return _detect_list(payload)
    if not isinstance(payload, dict):
        raise IntakeError(422, "payload is not a JSON object")
    if _is_sns(payload):
        return AlertSource.SNS
    if payload.get("detail-type") == "CloudWatch Alarm State Change" or "alarmData" in payload:
        return AlertSource.EVENTBRIDGE
    alerts = payload.get("alerts")
    if isinstance(alerts, list):
        if {"version", "groupKey", "receiver"} & payload.keys():
            return AlertSource.ALERTMANAGER
        return _detect_list(alerts)
    if "title" in payload and _DATADOG_KEYS & payload.keys():
        return AlertSource.DATADOG
    if "title" in payload and "startsAt" in payload:
        return AlertSource.GENERIC
    raise IntakeError(422, "unrecognised payload: not Alertmanager, SNS, EventBridge, Datadog or generic")


def _is_sns(payload: dict[str, Any]) -> bool:
    records = payload.get("Records")
    if isinstance(records, list) and records and isinstance(records[0], dict):
        return "Sns" in records[0] or records[0].get("EventSource") == "aws:sns"
    message_type = payload.get("Type")
    return isinstance(message_type, str) and message_type in _SNS_TYPES and \
        ("Message" in payload or "TopicArn" in payload)


def _detect_list(items: list[Any]) -> AlertSource:
    first = items[0] if items else None
    if isinstance(first, dict) and "title" in first:
        return AlertSource.GENERIC
    if isinstance(first, dict) and "labels" in first:
        return AlertSource.ALERTMANAGER
    raise IntakeError(422, "unrecognised list payload: expected Alertmanager or generic alerts")
