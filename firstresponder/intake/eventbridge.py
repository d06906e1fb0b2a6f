"""EventBridge "CloudWatch Alarm State Change" events (and Lambda alarm actions) → Alert."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from firstresponder.intake.cloudwatch_alarm import AlarmMetric, AlarmStateChange, alarm_alert
from firstresponder.intake.errors import IntakeError
from firstresponder.intake.payload_models import validate_foreign
from firstresponder.intake.sanitize import finite_number
from firstresponder.intake.timestamps import parse_timestamp
from firstresponder.models.alert import Alert, AlertSource

DETAIL_TYPE = "CloudWatch Alarm State Change"
MAX_METRICS = 20


class _Foreign(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class _Metric(_Foreign):
    name: str | None = None
    namespace: str | None = None
    dimensions: dict[str, str] = Field(default_factory=dict)


class _MetricStat(_Foreign):
    metric: _Metric
    period: int | None = None
    stat: str | None = None


class _MetricEntry(_Foreign):
    id: str | None = None
    expression: str | None = None
    label: str | None = None
    returnData: bool = True
    metricStat: _MetricStat | None = None


class _Configuration(_Foreign):
    description: str | None = None
    metrics: list[_MetricEntry] = Field(default_factory=list, max_length=MAX_METRICS)
    alarmRule: str | None = None


class _State(_Foreign):
    value: str
    reason: str = ""
    reasonData: str | None = None
    timestamp: str | None = None


class AlarmDetail(_Foreign):
    """``detail`` of the event (``alarmData`` of a Lambda alarm action)."""

    alarmName: str
    state: _State
    configuration: _Configuration = Field(default_factory=_Configuration)


class EventBridgeAlarmEvent(_Foreign):
    """The EventBridge envelope around an alarm state change."""

    detail_type: str = Field(alias="detail-type")
    account: str | None = None
    region: str | None = None
    time: str | None = None
    resources: list[str] = Field(default_factory=list)
    detail: AlarmDetail


class LambdaAlarmAction(_Foreign):
    """What CloudWatch sends when an alarm invokes a Lambda function directly."""

    alarmArn: str | None = None
    accountId: str | None = None
    region: str | None = None
    time: str | None = None
    alarmData: AlarmDetail


def normalise_eventbridge(payload: Any, source: AlertSource = AlertSource.EVENTBRIDGE) -> list[Alert]:
    """An EventBridge alarm event, or a Lambda alarm action (same detail), → one Alert."""
    if isinstance(payload, dict) and "alarmData" in payload:
        action = validate_foreign(LambdaAlarmAction, payload, "cloudwatch alarm action")
        return [alarm_alert(_state_change(action.alarmData, action.alarmArn, action.accountId,
                                          action.region, action.time), source)]
    event = validate_foreign(EventBridgeAlarmEvent, payload, "eventbridge event")
    if event.detail_type != DETAIL_TYPE:
        raise IntakeError(422, f"eventbridge event: detail-type is not {DETAIL_TYPE!r}")
    arn = next((r for r in event.resources if ":alarm:" in r), None)
    return [alarm_alert(_state_change(event.detail, arn, event.account, event.region, event.time), source)]


def _state_change(detail: AlarmDetail, arn: str | None, account: str | None, region: str | None,
                  event_time: str | None) -> AlarmStateChange:
    changed_at = parse_timestamp(detail.state.timestamp) or parse_timestamp(event_time)
    if changed_at is None:
        raise IntakeError(422, "eventbridge event: no state timestamp or event time")
    reason_data = _reason_data(detail.state.reasonData)
    config = detail.configuration
    return AlarmStateChange(
        alarm_name=detail.alarmName,
        alarm_arn=arn,
        description=config.description or "",
        state=detail.state.value,
        reason=detail.state.reason,
        changed_at=changed_at,
        account=account,
        region=region,
        metrics=[_metric(entry) for entry in config.metrics],
        threshold=finite_number(reason_data.get("threshold")),
        datapoints=[v for v in map(finite_number, _as_list(reason_data.get("recentDatapoints"))) if v is not None],
        composite_rule=config.alarmRule,
    )


def _metric(entry: _MetricEntry) -> AlarmMetric:
    stat = entry.metricStat
    return AlarmMetric(
        name=stat.metric.name if stat else None,
        namespace=stat.metric.namespace if stat else None,
        dimensions=dict(stat.metric.dimensions) if stat else {},
        statistic=stat.stat if stat else None,
        period_seconds=stat.period if stat else None,
        expression=entry.expression,
        label=entry.label,
        returns_data=entry.returnData,
    )


def _reason_data(text: str | None) -> dict[str, Any]:
    """The JSON in ``state.reasonData`` (threshold, recent datapoints); {} when absent or unreadable."""
    if not text or len(text) > 65536:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else []

