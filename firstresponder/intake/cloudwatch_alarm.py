"""A CloudWatch alarm state change (from SNS or EventBridge) → Alert, with its metric kept as context."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from firstresponder.intake.container_insights import container_insights_scope, is_container_insights
from firstresponder.intake.sanitize import clean_line, clean_mapping, clean_text, clean_url
from firstresponder.intake.scope import Scope
from firstresponder.models.alert import Alert, AlertSource, AlertStatus, MetricContext

# "... datapoints [45628.0 (02/10/19 17:10:00), 1.5 (...)] ..." in a state reason, newest first.
_REASON_DATAPOINTS = re.compile(r"datapoints \[([^\]]{0,2000})\]")
_VALUE_AT = re.compile(r"(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?) \((\d\d)/(\d\d)/(\d\d) (\d\d:\d\d:\d\d)\)")
_REGION_CODE = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
MAX_DATAPOINTS = 50
# SNS spells statistics in capitals; EventBridge and the API use these names.
STATISTIC_NAMES = {name.upper(): name for name in ("SampleCount", "Average", "Sum", "Minimum", "Maximum")}
STATISTIC_NAMES["SAMPLE_COUNT"] = "SampleCount"


@dataclass
class AlarmMetric:
    """One entry of an alarm's metrics: a metric stat or a math expression."""

    name: str | None = None
    namespace: str | None = None
    dimensions: dict[str, str] = field(default_factory=dict)
    statistic: str | None = None
    period_seconds: int | None = None
    expression: str | None = None
    label: str | None = None
    returns_data: bool = True


@dataclass
class AlarmStateChange:
    """The source-independent facts of one alarm state change."""

    alarm_name: str
    alarm_arn: str | None
    description: str
    state: str  # ALARM / OK / INSUFFICIENT_DATA
    reason: str
    changed_at: datetime
    account: str | None = None
    region: str | None = None
    metrics: list[AlarmMetric] = field(default_factory=list)
    threshold: float | None = None
    comparison: str | None = None
    datapoints: list[float] = field(default_factory=list)
    composite_rule: str | None = None


def alarm_alert(change: AlarmStateChange, source: AlertSource) -> Alert:
    """The Alert for one alarm state change; ``OK`` is resolved, ``ALARM``/``INSUFFICIENT_DATA`` firing."""
    metric = _primary_metric(change.metrics)
    scope, cluster = _alarm_scope(change, metric)
    state = change.state.upper()
    if state == "INSUFFICIENT_DATA":
        scope.notes.append("alarm state INSUFFICIENT_DATA: the metric stopped reporting")
    labels = {"alarm_state": state}
    if change.account:
        labels["aws_account"] = change.account
    if change.region:
        labels["aws_region"] = change.region
    return Alert(
        source=source,
        status=AlertStatus.RESOLVED if state == "OK" else AlertStatus.FIRING,
        name=clean_line(change.alarm_name, 256) or "unnamed alarm",
        title=clean_line(f"{state}: {change.alarm_name}"),
        description=clean_text(change.description or change.reason),
        severity="warning" if state == "ALARM" else "info",
        cluster=cluster,
        namespace=scope.namespace,
        resource=scope.resource,
        container=scope.container,
        starts_at=change.changed_at,
        fingerprint=clean_line(change.alarm_arn or "", 512) or f"alarm:{clean_line(change.alarm_name, 256)}",
        labels=clean_mapping(labels),
        generator_url=clean_url(console_url(change.region, change.alarm_name)),
        metric=_metric_context(change, metric),
        scope_notes=scope.notes,
    )


def _primary_metric(metrics: list[AlarmMetric]) -> AlarmMetric | None:
    """The metric the alarm is about: a returned metric stat, else the first metric stat."""
    stats = [metric for metric in metrics if metric.name]
    returned = [metric for metric in stats if metric.returns_data]
    candidates = returned or stats
    return candidates[0] if candidates else None


def _alarm_scope(change: AlarmStateChange, metric: AlarmMetric | None) -> tuple[Scope, str | None]:
    if change.composite_rule is not None:
        rule = clean_line(change.composite_rule, 200)
        return Scope(notes=[f"composite alarm ({rule}): no single resource; see its child alarms"]), None
    if metric is None or metric.name is None:
        return Scope(notes=["alarm names no metric: no resource"]), None
    # Every metric of a metric-math alarm is measured on the same cluster: take the first that names it.
    cluster = next((m.dimensions["ClusterName"] for m in change.metrics if m.dimensions.get("ClusterName")), None)
    cluster = clean_line(cluster, 128) if cluster else None
    if not is_container_insights(metric.namespace):
        dims = ", ".join(f"{k}={v}" for k, v in sorted(metric.dimensions.items())) or "no dimensions"
        note = f"metric {metric.namespace}/{metric.name} ({clean_line(dims, 200)}) is not a Kubernetes resource"
        return Scope(notes=[note]), cluster
    return container_insights_scope(metric.name, metric.dimensions), cluster


def _metric_context(change: AlarmStateChange, metric: AlarmMetric | None) -> MetricContext | None:
    if metric is None or metric.name is None:
        return None
    expressions = [m for m in change.metrics if m.expression and m.returns_data]
    expression = expressions[0].expression if expressions else None
    return MetricContext(
        name=clean_line(metric.name, 256),
        namespace=clean_line(metric.namespace, 256) if metric.namespace else None,
        dimensions=clean_mapping(metric.dimensions),
        threshold=change.threshold,
        comparison=clean_line(change.comparison, 64) if change.comparison else None,
        statistic=_statistic(metric.statistic),
        period_seconds=metric.period_seconds,
        datapoints=change.datapoints[:MAX_DATAPOINTS] or datapoints_in_reason(change.reason),
        reason=clean_text(change.reason, 2048) or None,
        expression=clean_line(expression, 1024) if expression else None,
    )


def datapoints_in_reason(reason: str) -> list[float]:
    """The datapoints quoted in a ``Threshold Crossed: ... datapoints [v (dd/mm/yy hh:mm:ss), ...]`` reason, oldest first."""
    match = _REASON_DATAPOINTS.search(reason)
    if not match:
        return []
    timed = [((year, month, day, clock), float(value))
             for value, day, month, year, clock in _VALUE_AT.findall(match.group(1))]
    return [value for _, value in sorted(timed, key=lambda pair: pair[0])][:MAX_DATAPOINTS]


def console_url(region: str | None, alarm_name: str) -> str | None:
    """The alarm's page in the CloudWatch console, when the region is a region code."""
    if not region or not _REGION_CODE.match(region):
        return None
    return (f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
            f"#alarmsV2:alarm/{quote(alarm_name, safe='')}")


def _statistic(statistic: str | None) -> str | None:
    if not statistic:
        return None
    return STATISTIC_NAMES.get(statistic.upper(), clean_line(statistic, 64))
