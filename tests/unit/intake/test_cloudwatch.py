"""CloudWatch alarms via SNS (Lambda records, HTTPS envelopes) and EventBridge → Alerts."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from firstresponder.intake import IntakeError, SnsControlMessage, read_sns
from firstresponder.intake.cloudwatch_alarm import datapoints_in_reason
from firstresponder.intake.container_insights import container_insights_scope, metric_level
from firstresponder.intake.eventbridge import normalise_eventbridge
from firstresponder.intake.sns import normalise_sns
from firstresponder.models.alert import AlertSource, AlertStatus
from firstresponder.models.resource import ResourceRef
from tests.unit.intake.alert_fixtures import fixture_json

DIMS = {"ClusterName": "prod-eks", "Namespace": "shop"}


@pytest.mark.parametrize(("metric", "dimensions", "expected"), [
    ("pod_memory_utilization_over_pod_limit", {**DIMS, "PodName": "checkout"}, "Deployment/shop/checkout"),
    ("pod_cpu_utilization_over_pod_limit", {**DIMS, "PodName": "checkout", "FullPodName": "checkout-7c9d8f6b5-qx4mz"},
     "Pod/shop/checkout-7c9d8f6b5-qx4mz"),
    ("pod_number_of_container_restarts", {**DIMS, "PodName": "postgres"}, "Deployment/shop/postgres"),
    ("service_number_of_running_pods", {**DIMS, "Service": "checkout"}, "Service/shop/checkout"),
    ("pod_cpu_utilization", {**DIMS, "Service": "checkout"}, "Service/shop/checkout"),
    ("node_filesystem_utilization", {"ClusterName": "prod-eks", "NodeName": "ip-10-0-1-2", "InstanceId": "i-1"},
     "Node/ip-10-0-1-2"),
    ("node_cpu_utilization", {"ClusterName": "prod-eks", "NodeName": "ip-10-0-1-2"}, "Node/ip-10-0-1-2"),
    ("node_cpu_utilization", {"ClusterName": "prod-eks"}, None),
    ("cluster_failed_node_count", {"ClusterName": "prod-eks"}, None),
    ("namespace_number_of_running_pods", DIMS, None),
    ("pod_memory_utilization", DIMS, None),
])
def test_container_insights_dimensions_name_the_resource(metric: str, dimensions: dict[str, str],
                                                         expected: str | None) -> None:
    scope = container_insights_scope(metric, dimensions)
    assert (scope.resource.key if scope.resource else None) == expected


def test_podname_is_a_workload_with_a_note_for_topology() -> None:
    scope = container_insights_scope("pod_memory_utilization_over_pod_limit", {**DIMS, "PodName": "checkout"})
    assert scope.resource == ResourceRef(kind="Deployment", namespace="shop", name="checkout")
    assert "may be a StatefulSet or DaemonSet" in scope.notes[0]


def test_aggregated_metric_scope_note_names_the_level() -> None:
    scope = container_insights_scope("node_cpu_utilization", {"ClusterName": "prod-eks"})
    assert scope.notes == ["node metric node_cpu_utilization aggregated over the cluster: no single resource"]
    assert container_insights_scope("pod_cpu_utilization", DIMS).namespace == "shop"


def test_metric_levels_from_table_and_prefix() -> None:
    assert [metric_level(m) for m in ("node_status_condition_ready", "node_network_total_bytes",
                                      "service_x", "cluster_node_count", "container_cpu_limit", "weird")] == \
        ["node", "node", "service", "cluster", "pod", "pod"]


def test_reason_datapoints_come_oldest_first() -> None:
    reason = ("Threshold Crossed: 3 datapoints [96.84 (27/11/26 21:11:00), 94.12 (27/11/26 21:10:00), "
              "91.07 (27/11/26 21:09:00)] were greater than the threshold (90.0)")
    assert datapoints_in_reason(reason) == [91.07, 94.12, 96.84]
    assert datapoints_in_reason("Insufficient Data: 3 datapoints were unknown.") == []


def test_lambda_event_and_https_envelope_give_the_same_alert() -> None:
    # Given the same alarm message delivered both ways (Lambda spells SigningCertUrl, HTTPS SigningCertURL)
    envelope = fixture_json("sns/container-insights.pod_memory_utilization_over_pod_limit.https.json")
    record = {"Records": [{"EventSource": "aws:sns", "Sns": {**{k: v for k, v in envelope.items()
                                                                 if k not in ("SigningCertURL", "UnsubscribeURL")},
                                                              "SigningCertUrl": envelope["SigningCertURL"]}}]}
    assert normalise_sns(record) == normalise_sns(envelope)


def test_lambda_event_with_several_records_gives_one_alert_each() -> None:
    event = fixture_json("sns/container-insights.pod_number_of_container_restarts.lambda.json")
    second = copy.deepcopy(event["Records"][0])
    message = json.loads(second["Sns"]["Message"])
    message["AlarmName"] = "other"
    second["Sns"]["Message"] = json.dumps(message)
    event["Records"].append(second)
    assert [alert.name for alert in normalise_sns(event)] == ["checkout-container-restarts", "other"]


def test_ok_state_is_resolved_and_metric_context_is_kept() -> None:
    [alert] = normalise_sns(fixture_json("sns/container-insights.pod_cpu_utilization_over_pod_limit.OK.https.json"))
    assert alert.status == AlertStatus.RESOLVED
    assert alert.metric is not None
    assert (alert.metric.threshold, alert.metric.comparison, alert.metric.statistic) == \
        (80.0, "GreaterThanThreshold", "Average")
    assert alert.metric.datapoints == [51.3, 45.1, 42.7]
    assert alert.cluster == "prod-eks"


def test_metric_math_alarm_keeps_the_expression_and_finds_the_pod() -> None:
    [alert] = normalise_sns(fixture_json("sns/container-insights.FullPodName.metric-math.lambda.json"))
    assert alert.resource == ResourceRef(kind="Pod", namespace="shop", name="checkout-7c9d8f6b5-qx4mz")
    assert alert.metric is not None and alert.metric.expression == "100 - m1"
    assert alert.metric.name == "pod_memory_utilization_over_pod_limit"


def test_eventbridge_rule_targeting_sns_is_read_as_the_inner_event() -> None:
    [alert] = normalise_sns(fixture_json("sns/eventbridge-rule-target.pod_memory_utilization_over_pod_limit.https.json"))
    assert alert.source == AlertSource.SNS
    assert alert.resource == ResourceRef(kind="Deployment", namespace="shop", name="checkout")


def test_confirmations_are_control_messages_not_alerts() -> None:
    result = read_sns(fixture_json("sns/subscription-confirmation.https.json"))
    assert isinstance(result, SnsControlMessage)
    assert result.type == "SubscriptionConfirmation"
    assert result.topic_arn == "arn:aws:sns:eu-west-1:111122223333:firstresponder-alarms"
    unsubscribe = read_sns(fixture_json("sns/unsubscribe-confirmation.https.json"))
    assert isinstance(unsubscribe, SnsControlMessage) and unsubscribe.type == "UnsubscribeConfirmation"
    with pytest.raises(IntakeError, match="not an alert"):
        normalise_sns(fixture_json("sns/subscription-confirmation.https.json"))


def _sns_with_message(message: Any) -> dict[str, Any]:
    envelope = fixture_json("sns/container-insights.pod_memory_utilization_over_pod_limit.https.json")
    envelope["Message"] = message if isinstance(message, str) else json.dumps(message)
    return dict(envelope)


@pytest.mark.parametrize(("payload", "reason"), [
    (_sns_with_message("Hello world!"), "Message is not JSON"),
    (_sns_with_message({"AlarmName": "x"}), "NewStateValue: Field required"),
    ({**_sns_with_message({"AlarmName": "x", "NewStateValue": "ALARM"}), "Timestamp": None}, "no StateChangeTime"),
    ({"Type": "Notification"}, "Message: Field required"),
    ({"Type": "Weird", "Message": "{}"}, "unknown message Type 'Weird'"),
    ({"Records": []}, "Records: List should have at least 1 item"),
    ({"Type": "SubscriptionConfirmation", "Message": "x", "TopicArn": "arn"}, "without TopicArn or SubscribeURL"),
])
def test_bad_sns_payloads_are_422(payload: Any, reason: str) -> None:
    with pytest.raises(IntakeError) as caught:
        normalise_sns(payload)
    assert caught.value.status == 422 and reason in caught.value.reason


def test_sns_envelope_timestamp_stands_in_for_a_missing_state_change_time() -> None:
    message = json.loads(
        fixture_json("sns/container-insights.pod_memory_utilization_over_pod_limit.https.json")["Message"])
    del message["StateChangeTime"]
    [alert] = normalise_sns(_sns_with_message(message))
    assert alert.starts_at.isoformat() == "2026-11-27T21:12:31.470000+00:00"


def test_composite_alarm_has_no_resource_and_says_why() -> None:
    [alert] = normalise_eventbridge(
        fixture_json("eventbridge/awsdocs.state-change-for-a-composite-alarm-with-a-suppressor-alarm.json"))
    assert alert.resource is None and alert.metric is None
    assert alert.scope_notes[0].startswith("composite alarm (ALARM(ServerCpuTooHigh) OR")


def test_composite_alarm_via_sns_is_handled_too() -> None:
    message = {"AlarmName": "agg", "NewStateValue": "ALARM", "StateChangeTime": "2026-11-27T21:00:00.000+0000",
               "AlarmRule": "ALARM(a) OR ALARM(b)", "TriggeringChildren": [{"Arn": "arn:x", "State": {}}]}
    [alert] = normalise_sns(_sns_with_message(message))
    assert alert.resource is None and "composite alarm" in alert.scope_notes[0]


def test_eventbridge_dimensions_object_maps_like_sns_pairs() -> None:
    [alert] = normalise_eventbridge(fixture_json("eventbridge/container-insights.node_cpu_utilization.json"))
    assert alert.resource == ResourceRef(kind="Node", name="ip-10-2-40-12.eu-west-1.compute.internal")
    assert alert.metric is not None and alert.metric.datapoints == [96.0, 97.5, 98.9, 98.7, 99.1]
    assert alert.generator_url == ("https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1"
                                   "#alarmsV2:alarm/node-cpu-ip-10-2-40-12")


def test_insufficient_data_is_firing_with_a_note() -> None:
    [alert] = normalise_eventbridge(
        fixture_json("eventbridge/container-insights.service_number_of_running_pods.INSUFFICIENT_DATA.json"))
    assert alert.status == AlertStatus.FIRING
    assert "INSUFFICIENT_DATA" in alert.scope_notes[-1]


@pytest.mark.parametrize(("mutate", "reason"), [
    (lambda e: e.update({"detail-type": "EC2 Instance State-change Notification"}), "detail-type is not"),
    (lambda e: e["detail"].pop("state"), "detail.state: Field required"),
    (lambda e: e["detail"]["configuration"]["metrics"][0]["metricStat"]["metric"].update({"dimensions": [1]}),
     "dimensions: Input should be a valid dictionary"),
    (lambda e: (e["detail"]["state"].pop("timestamp"), e.pop("time")), "no state timestamp"),
])
def test_bad_eventbridge_events_are_422(mutate: Any, reason: str) -> None:
    event = fixture_json("eventbridge/container-insights.node_cpu_utilization.json")
    mutate(event)
    with pytest.raises(IntakeError) as caught:
        normalise_eventbridge(event)
    assert caught.value.status == 422 and reason in caught.value.reason


def test_unreadable_reason_data_is_ignored_not_fatal() -> None:
    event = fixture_json("eventbridge/container-insights.node_cpu_utilization.json")
    event["detail"]["state"]["reasonData"] = '{"threshold": 1e999, "recentDatapoints": ["x", NaN, 2]}'
    [alert] = normalise_eventbridge(event)
    assert alert.metric is not None and alert.metric.threshold is None and alert.metric.datapoints == [2.0]
