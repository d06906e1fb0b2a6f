"""Datadog monitor webhooks (default payload and the recommended template) → Alert."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict

from firstresponder.intake.datadog_tags import KNOWN_TAGS, parse_tags, parse_title, tag_scope, tags_in_body
from firstresponder.intake.errors import IntakeError
from firstresponder.intake.fingerprints import hashed_fingerprint
from firstresponder.intake.payload_models import validate_foreign
from firstresponder.intake.sanitize import clean_line, clean_mapping, clean_text, clean_url
from firstresponder.intake.timestamps import parse_epoch_millis
from firstresponder.models.alert import Alert, AlertSource, AlertStatus, MetricContext

KEY_LABELS = KNOWN_TAGS | {"transition", "priority", "monitor_id", "event_type"}
PRIORITY_SEVERITY = {"P1": "critical", "P2": "critical", "P3": "warning", "P4": "info", "P5": "info"}
_MONITOR_LINK = re.compile(r"/monitors[#/](\d{1,20})")
_MARKDOWN_FENCE = re.compile(r"^\s*%%%\s*|\s*%%%\s*$")
# Datadog's footer of status/edit links after the message: no information for an investigation.
_FOOTER = re.compile(r"\n- - -\n.*\Z", re.DOTALL)


class DatadogWebhook(BaseModel):
    """Default fields (``$ID``, ``$EVENT_TITLE``, ...) plus the optional ones of our recommended template."""

    model_config = ConfigDict(extra="ignore")

    title: str
    body: str = ""
    id: str | int | None = None
    event_type: str | None = None
    date: str | int | None = None
    last_updated: str | int | None = None
    alert_id: str | int | None = None
    alert_transition: str | None = None
    alert_scope: str | None = None
    alert_metric: str | None = None
    alert_query: str | None = None
    alert_priority: str | None = None
    alert_status: str | None = None
    tags: str | None = None
    link: str | None = None
    hostname: str | None = None
    aggreg_key: str | None = None


def normalise_datadog(payload: Any) -> list[Alert]:
    """One webhook call → one Alert."""
    hook = validate_foreign(DatadogWebhook, payload, "datadog webhook")
    starts_at = parse_epoch_millis(hook.date) or parse_epoch_millis(hook.last_updated)
    if starts_at is None:
        raise IntakeError(422, "datadog webhook: date is not epoch milliseconds")
    title_transition, title_priority, title_scope, monitor = parse_title(hook.title)
    transition = _given(hook.alert_transition) or title_transition or "Triggered"
    priority = _given(hook.alert_priority) or title_priority
    scope_tags = parse_tags(_given(hook.alert_scope) or "") or title_scope
    other_tags = {**tags_in_body(hook.body), **parse_tags(_given(hook.tags) or "")}
    scope = tag_scope(scope_tags, other_tags)
    monitor_id = _monitor_id(hook)
    cluster = scope_tags.get("kube_cluster_name") or other_tags.get("kube_cluster_name")
    labels = {**other_tags, **scope_tags, "transition": transition}
    for key, value in (("priority", priority), ("monitor_id", monitor_id), ("event_type", hook.event_type)):
        if value:
            labels[key] = value
    name = clean_line(monitor or hook.title, 256) or "datadog monitor"
    return [Alert(
        source=AlertSource.DATADOG,
        status=AlertStatus.RESOLVED if "recovered" in transition.lower() else AlertStatus.FIRING,
        name=name,
        title=clean_line(hook.title) or name,
        description=clean_text(_FOOTER.sub("", _MARKDOWN_FENCE.sub("", hook.body))),
        severity=_severity(priority, transition),
        cluster=clean_line(cluster, 128) if cluster else None,
        namespace=scope.namespace,
        resource=scope.resource,
        container=scope.container,
        starts_at=starts_at,
        fingerprint=hashed_fingerprint("datadog", monitor_id or _given(hook.aggreg_key) or monitor,
                                       ",".join(f"{k}:{v}" for k, v in sorted(scope_tags.items()))),
        labels=clean_mapping(labels, first=KEY_LABELS),
        generator_url=clean_url(_given(hook.link)),
        metric=_metric(hook),
        scope_notes=scope.notes,
    )]


def _given(value: str | int | None) -> str | None:
    """A template field's value; None when empty or left unexpanded (``$ALERT_ID``)."""
    if value is None:
        return None
    text = str(value).strip()
    return None if not text or text.startswith("$") else text


def _monitor_id(hook: DatadogWebhook) -> str | None:
    given = _given(hook.alert_id)
    if given:
        return clean_line(given, 64)
    match = _MONITOR_LINK.search(hook.body[:65536]) or _MONITOR_LINK.search(hook.link or "")
    return match.group(1) if match else None


def _severity(priority: str | None, transition: str) -> str:
    if priority and priority.upper() in PRIORITY_SEVERITY:
        return PRIORITY_SEVERITY[priority.upper()]
    lowered = transition.lower()
    if "warn" in lowered or "no data" in lowered:
        return "warning"
    return "info" if "recovered" in lowered else "critical"


def _metric(hook: DatadogWebhook) -> MetricContext | None:
    name = _given(hook.alert_metric)
    if name is None:
        return None
    query = _given(hook.alert_query)
    return MetricContext(name=clean_line(name, 256), expression=clean_line(query, 1024) if query else None)
