"""Prometheus Alertmanager webhook (version 4) → Alerts; the subject read from kube-prometheus-stack labels."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from firstresponder.intake.alertmanager_rules import (
    ALERT_RULES,
    EXPORTER_MARKERS,
    FALLBACK_SUBJECT_LABELS,
    AlertRule,
)
from firstresponder.intake.errors import IntakeError
from firstresponder.intake.fingerprints import label_fingerprint
from firstresponder.intake.payload_models import validate_foreign
from firstresponder.intake.sanitize import (
    MAX_LABEL_CHARS,
    MAX_TEXT_CHARS,
    clean_line,
    clean_mapping,
    clean_text,
    clean_url,
)
from firstresponder.intake.scope import Scope, checked_name, scope_for
from firstresponder.intake.timestamps import parse_timestamp
from firstresponder.models.alert import Alert, AlertSource, AlertStatus
from firstresponder.models.resource import CLUSTER_SCOPED_KINDS

MAX_ALERTS = 500
KEY_LABELS = frozenset({"alertname", "severity", "cluster", "namespace", "container", "job", "reason", "condition",
                        "resourcequota",
                        *(label for label, _ in FALLBACK_SUBJECT_LABELS)})
KEY_ANNOTATIONS = frozenset({"summary", "description", "message", "runbook_url"})


class AlertmanagerAlert(BaseModel):
    """One alert of a webhook group (also the shape Prometheus posts to Alertmanager's API)."""

    model_config = ConfigDict(extra="ignore")

    status: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    startsAt: str | None = None
    endsAt: str | None = None
    generatorURL: str | None = None
    fingerprint: str | None = None


class AlertmanagerWebhook(BaseModel):
    """The webhook body: one notification group."""

    model_config = ConfigDict(extra="ignore")

    version: str | None = None
    status: str | None = None
    receiver: str | None = None
    groupKey: str | None = None
    externalURL: str | None = None
    alerts: list[AlertmanagerAlert] = Field(max_length=MAX_ALERTS)


def normalise_alertmanager(payload: Any) -> list[Alert]:
    """A webhook body (or a bare list of alerts) → one Alert per alert in the group."""
    if isinstance(payload, list):
        payload = {"alerts": payload}
    webhook = validate_foreign(AlertmanagerWebhook, payload, "alertmanager webhook")
    if webhook.version not in (None, "4"):
        raise IntakeError(422, f"alertmanager webhook: unsupported version {clean_line(webhook.version, 20)!r}")
    return [_alert(item, webhook.status, index) for index, item in enumerate(webhook.alerts)]


def _alert(item: AlertmanagerAlert, group_status: str | None, index: int) -> Alert:
    starts_at = parse_timestamp(item.startsAt)
    if starts_at is None:
        raise IntakeError(422, f"alertmanager webhook: alerts.{index}.startsAt missing or not a timestamp")
    # Every label is read for the subject; only MAX_LABELS are kept, the meaningful ones first.
    labels = clean_mapping(item.labels, first=KEY_LABELS)
    annotations = clean_mapping(item.annotations, MAX_TEXT_CHARS, first=KEY_ANNOTATIONS)
    name = labels.get("alertname") or "unnamed"
    scope = subject_of({key: clean_line(value, MAX_LABEL_CHARS) for key, value in item.labels.items()}, name)
    resolved = (item.status or group_status or "firing").lower() == "resolved"
    return Alert(
        source=AlertSource.ALERTMANAGER,
        status=AlertStatus.RESOLVED if resolved else AlertStatus.FIRING,
        name=clean_line(name, 200),
        title=clean_line(annotations.get("summary") or annotations.get("message") or name),
        description=clean_text(annotations.get("description") or annotations.get("message") or ""),
        severity=clean_line(labels.get("severity") or "warning", 32),
        cluster=clean_line(labels["cluster"], 128) if labels.get("cluster") else None,
        namespace=scope.namespace,
        resource=scope.resource,
        container=scope.container,
        starts_at=starts_at,
        # A firing alert's endsAt is only Alertmanager's resolve-timeout guess: not an end.
        ends_at=parse_timestamp(item.endsAt) if resolved else None,
        fingerprint=clean_line(item.fingerprint or "", 128) or label_fingerprint(item.labels),
        labels=labels,
        annotations=annotations,
        generator_url=clean_url(item.generatorURL),
        runbook_url=clean_url(annotations.get("runbook_url")),
        scope_notes=scope.notes,
    )


def subject_of(labels: dict[str, str], alertname: str) -> Scope:
    """The alert's subject: from the per-alertname table, else the best subject label."""
    rule = ALERT_RULES.get(alertname)
    if rule is None:
        return _fallback_subject(labels, alertname)
    notes = _exporter_label_notes(labels, rule)
    namespace = labels.get("namespace")
    if rule.namespace_is_exporters:
        if namespace:
            notes.append(f"label namespace={clean_line(namespace, 120)} belongs to the exporter, not the subject")
        namespace = None
    if rule.kind is None or rule.label is None:
        scope = Scope(namespace=checked_name(namespace, "namespace", notes), notes=notes)
    else:
        container = labels.get(rule.container_label) if rule.container_label else None
        scope = scope_for(rule.kind, labels.get(rule.label), namespace, origin=f"label {rule.label}",
                          container=container, notes=notes)
    if rule.note:
        scope.notes.append(rule.note)
    return scope


def _exporter_label_notes(labels: dict[str, str], rule: AlertRule) -> list[str]:
    """Say which pod/container/service labels were ignored because they name the exporter."""
    ignored = [f"{key}={clean_line(labels[key], 120)}" for key in ("pod", "container", "service")
               if labels.get(key) and key not in (rule.label, rule.container_label)]
    if not ignored:
        return []
    return [f"labels {', '.join(ignored)} name the metrics exporter, not the subject; ignored"]


# Labels Prometheus renames to exported_<name> when the scraped series carries them too
# (honor_labels: false): the plain ones then name the scrape target (an exporter or controller).
_TARGET_LABELS = ("namespace", "pod", "container", "service")


def _subject_labels(labels: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Labels with ``exported_*`` values put back in place of the scrape target's own."""
    exported = {key: labels[f"exported_{key}"] for key in _TARGET_LABELS if labels.get(f"exported_{key}")}
    if not exported:
        return labels, []
    subject = {k: v for k, v in labels.items() if k not in _TARGET_LABELS} | exported
    ignored = [f"{k}={clean_line(labels[k], 120)}" for k in _TARGET_LABELS if labels.get(k) and k not in exported]
    note = "exported_* labels name the subject" + (
        f"; {', '.join(ignored)} name the scrape target, ignored" if ignored else "")
    return subject, [note]


def _fallback_subject(labels: dict[str, str], alertname: str) -> Scope:
    labels, exported_notes = _subject_labels(labels)
    for label, kind in FALLBACK_SUBJECT_LABELS:
        value = labels.get(label)
        if not value or (label in ("pod", "service") and _names_exporter(label, value, labels)):
            continue
        cluster_scoped = kind in CLUSTER_SCOPED_KINDS
        note = f"unknown alertname {alertname}: subject taken from label {label}"
        return scope_for(kind, value, None if cluster_scoped else labels.get("namespace"),
                         origin=f"label {label}", notes=[note, *exported_notes],
                         container=labels.get("container") if kind == "Pod" else None)
    notes: list[str] = []
    namespace = checked_name(labels.get("namespace"), "namespace", notes)
    where = f"namespace {namespace}" if namespace else "the cluster"
    notes.append(f"unknown alertname {alertname}: no subject label; scoped to {where}")
    return Scope(namespace=namespace, notes=notes)


def _names_exporter(label: str, value: str, labels: dict[str, str]) -> bool:
    """True when a pod/service label is the scrape target's (an exporter), not the alert's subject."""
    if any(marker in value for marker in EXPORTER_MARKERS):
        return True
    # A custom release name hides the marker in the pod name, but the container label still shows it.
    return label == "pod" and any(marker in labels.get("container", "") for marker in EXPORTER_MARKERS)
