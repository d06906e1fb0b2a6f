"""CloudWatch alarms delivered by SNS: Lambda ``Records[].Sns`` events and HTTPS envelopes → Alerts.

Subscription and unsubscribe confirmations are not alerts: they come back as ``SnsControlMessage``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from firstresponder.intake.cloudwatch_alarm import AlarmMetric, AlarmStateChange, alarm_alert
from firstresponder.intake.errors import IntakeError
from firstresponder.intake.eventbridge import DETAIL_TYPE, normalise_eventbridge
from firstresponder.intake.payload_models import validate_foreign
from firstresponder.intake.sanitize import clean_line, finite_number
from firstresponder.intake.timestamps import parse_timestamp
from firstresponder.models.alert import Alert, AlertSource

CONTROL_TYPES = ("SubscriptionConfirmation", "UnsubscribeConfirmation")
MAX_RECORDS = 100
MAX_MESSAGE_CHARS = 262144  # SNS's own message size limit (256 KiB)


class _Foreign(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class SnsEnvelope(_Foreign):
    """An SNS message as POSTed over HTTPS or nested in a Lambda record (``...Url`` spellings there)."""

    Type: str
    MessageId: str | None = None
    TopicArn: str | None = None
    Subject: str | None = None
    Message: str = Field(max_length=MAX_MESSAGE_CHARS)
    Timestamp: str | None = None
    SignatureVersion: str | None = None
    Signature: str | None = None
    SigningCertURL: str | None = Field(None, validation_alias=AliasChoices("SigningCertURL", "SigningCertUrl"))
    UnsubscribeURL: str | None = Field(None, validation_alias=AliasChoices("UnsubscribeURL", "UnsubscribeUrl"))
    SubscribeURL: str | None = Field(None, validation_alias=AliasChoices("SubscribeURL", "SubscribeUrl"))
    Token: str | None = None


class _LambdaRecord(_Foreign):
    Sns: SnsEnvelope


class SnsLambdaEvent(_Foreign):
    """The event Lambda receives from an SNS subscription."""

    Records: list[_LambdaRecord] = Field(min_length=1, max_length=MAX_RECORDS)


class SnsControlMessage(BaseModel):
    """A SubscriptionConfirmation or UnsubscribeConfirmation: to be confirmed or ignored, never investigated."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["SubscriptionConfirmation", "UnsubscribeConfirmation"]
    topic_arn: str
    subscribe_url: str
    message_id: str | None = None
    token: str | None = None


class _Dimension(_Foreign):
    name: str = Field(validation_alias=AliasChoices("name", "Name"))
    value: str = Field(validation_alias=AliasChoices("value", "Value"))


class _Metric(_Foreign):
    MetricName: str | None = None
    Namespace: str | None = None
    Dimensions: list[_Dimension] = Field(default_factory=list, max_length=30)


class _MetricStat(_Foreign):
    Metric: _Metric
    Period: int | None = None
    Stat: str | None = None


class _TriggerMetric(_Foreign):
    Id: str | None = None
    Expression: str | None = None
    Label: str | None = None
    ReturnData: bool = True
    MetricStat: _MetricStat | None = None


class _Trigger(_Foreign):
    MetricName: str | None = None
    Namespace: str | None = None
    Statistic: str | None = None
    ExtendedStatistic: str | None = None
    Dimensions: list[_Dimension] = Field(default_factory=list, max_length=30)
    Period: int | None = None
    ComparisonOperator: str | None = None
    Threshold: float | None = None
    Metrics: list[_TriggerMetric] = Field(default_factory=list, max_length=20)


class CloudWatchAlarmMessage(_Foreign):
    """The JSON CloudWatch puts in the SNS ``Message`` when an alarm changes state."""

    AlarmName: str
    AlarmDescription: str | None = None
    AWSAccountId: str | None = None
    NewStateValue: str
    NewStateReason: str = ""
    StateChangeTime: str | None = None
    Region: str | None = None
    AlarmArn: str | None = None
    Trigger: _Trigger | None = None
    AlarmRule: str | None = None  # composite alarms


def read_sns(payload: Any) -> list[Alert] | SnsControlMessage:
    """A Lambda SNS event or an HTTPS envelope → its alarms' Alerts, or the control message it is."""
    envelopes = _envelopes(payload)
    alerts: list[Alert] = []
    for envelope in envelopes:
        if envelope.Type in CONTROL_TYPES:
            if len(envelopes) > 1:
                raise IntakeError(422, f"sns: {envelope.Type} inside a batch of records")
            return _control_message(envelope)
        alerts.extend(_notification_alerts(envelope))
    return alerts


def normalise_sns(payload: Any) -> list[Alert]:
    """Alerts of an SNS payload; a confirmation message is refused with 422 (use ``read_sns``)."""
    result = read_sns(payload)
    if isinstance(result, SnsControlMessage):
        raise IntakeError(422, f"sns: {result.type} is not an alert; confirm or ignore it instead")
    return result


def _envelopes(payload: Any) -> list[SnsEnvelope]:
    if isinstance(payload, dict) and "Records" in payload:
        event = validate_foreign(SnsLambdaEvent, payload, "sns lambda event")
        return [record.Sns for record in event.Records]
    return [validate_foreign(SnsEnvelope, payload, "sns envelope")]


def _control_message(envelope: SnsEnvelope) -> SnsControlMessage:
    if not envelope.TopicArn or not envelope.SubscribeURL:
        raise IntakeError(422, f"sns: {envelope.Type} without TopicArn or SubscribeURL")
    return SnsControlMessage(
        type="SubscriptionConfirmation" if envelope.Type == "SubscriptionConfirmation" else "UnsubscribeConfirmation",
        topic_arn=envelope.TopicArn,
        subscribe_url=envelope.SubscribeURL,
        message_id=envelope.MessageId,
        token=envelope.Token,
    )


def _notification_alerts(envelope: SnsEnvelope) -> list[Alert]:
    if envelope.Type != "Notification":
        raise IntakeError(422, f"sns: unknown message Type {clean_line(envelope.Type, 40)!r}")
    try:
        message = json.loads(envelope.Message)
    except ValueError:
        raise IntakeError(422, "sns: Message is not JSON, so not a CloudWatch alarm") from None
    if isinstance(message, dict) and message.get("detail-type") == DETAIL_TYPE:
        return normalise_eventbridge(message, AlertSource.SNS)  # an EventBridge rule targeting SNS
    alarm = validate_foreign(CloudWatchAlarmMessage, message, "sns cloudwatch alarm")
    changed_at = parse_timestamp(alarm.StateChangeTime) or parse_timestamp(envelope.Timestamp)
    if changed_at is None:
        raise IntakeError(422, "sns cloudwatch alarm: no StateChangeTime or Timestamp")
    return [alarm_alert(_state_change(alarm, changed_at), AlertSource.SNS)]


def _state_change(alarm: CloudWatchAlarmMessage, changed_at: datetime) -> AlarmStateChange:
    trigger = alarm.Trigger or _Trigger()
    return AlarmStateChange(
        alarm_name=alarm.AlarmName,
        alarm_arn=alarm.AlarmArn,
        description=alarm.AlarmDescription or "",
        state=alarm.NewStateValue,
        reason=alarm.NewStateReason,
        changed_at=changed_at,
        account=alarm.AWSAccountId,
        region=_arn_region(alarm.AlarmArn) or alarm.Region,
        metrics=_metrics(trigger),
        threshold=finite_number(trigger.Threshold),
        comparison=trigger.ComparisonOperator,
        composite_rule=alarm.AlarmRule,
    )


def _metrics(trigger: _Trigger) -> list[AlarmMetric]:
    if trigger.MetricName:
        return [AlarmMetric(name=trigger.MetricName, namespace=trigger.Namespace,
                            dimensions=_dimensions(trigger.Dimensions),
                            statistic=trigger.Statistic or trigger.ExtendedStatistic,
                            period_seconds=trigger.Period)]
    return [AlarmMetric(
        name=entry.MetricStat.Metric.MetricName if entry.MetricStat else None,
        namespace=entry.MetricStat.Metric.Namespace if entry.MetricStat else None,
        dimensions=_dimensions(entry.MetricStat.Metric.Dimensions) if entry.MetricStat else {},
        statistic=entry.MetricStat.Stat if entry.MetricStat else None,
        period_seconds=entry.MetricStat.Period if entry.MetricStat else None,
        expression=entry.Expression, label=entry.Label, returns_data=entry.ReturnData,
    ) for entry in trigger.Metrics]


def _dimensions(dimensions: list[_Dimension]) -> dict[str, str]:
    return {dimension.name: dimension.value for dimension in dimensions}


def _arn_region(arn: str | None) -> str | None:
    """``us-east-1`` from ``arn:aws:cloudwatch:us-east-1:123456789012:alarm:name``."""
    parts = (arn or "").split(":")
    return parts[3] if len(parts) > 4 and parts[0] == "arn" and parts[3] else None
