"""Alert payloads exactly as each source sends them: Alertmanager v4, CloudWatch via SNS/EventBridge, Datadog, generic."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from urllib.parse import quote_plus

from tools.scenarios import ids
from tools.scenarios.cluster import Obj

ACCOUNT = "123456789012"
REGION = "eu-west-1"
REGION_NAME = "EU (Ireland)"
PROMETHEUS = "monitoring/kube-prometheus-stack-prometheus"
PROM_URL = "http://kube-prometheus-stack-prometheus.monitoring:9090"
AM_URL = "http://kube-prometheus-stack-alertmanager.monitoring:9093"


def ksm_labels(slug: str, alertname: str, severity: str, subject: dict[str, str], *,
               ksm_pod: str = "kube-prometheus-stack-kube-state-metrics-6f7c9d8b5-q2x8w",
               ksm_ip: str = "10.0.18.77") -> dict[str, str]:
    """Labels of a kube-state-metrics based alert: the subject's beside the exporter's own pod/container."""
    labels = {"alertname": alertname, "container": "kube-state-metrics", "endpoint": "http",
              "instance": f"{ksm_ip}:8080", "job": "kube-state-metrics", "pod": ksm_pod,
              "prometheus": PROMETHEUS, "service": "kube-prometheus-stack-kube-state-metrics", "severity": severity}
    labels.update(subject)  # subject's pod/container (pod alerts) override the exporter's
    return labels


def am_alert(labels: dict[str, str], *, summary: str, description: str, starts: datetime, expr: str,
             runbook: str | None = None, status: str = "firing") -> Obj:
    annotations = {"description": description, "summary": summary}
    if runbook is not None:
        annotations["runbook_url"] = runbook
    elif labels.get("job") in ("kube-state-metrics", "kubelet", "node-exporter") or "node" in labels:
        annotations["runbook_url"] = ("https://runbooks.prometheus-operator.dev/runbooks/kubernetes/"
                                      + labels["alertname"].lower())
    fp = ids.hexid(16, "fp", json.dumps(labels, sort_keys=True))
    return {"annotations": annotations, "endsAt": "0001-01-01T00:00:00Z", "fingerprint": fp,
            "generatorURL": f"{PROM_URL}/graph?g0.expr={quote_plus(expr)}&g0.tab=1", "labels": labels,
            "startsAt": _prom_time(starts), "status": status}


def _prom_time(moment: datetime) -> str:
    """RFC 3339 with nanoseconds, as Alertmanager prints startsAt."""
    nanos = ids.number(0, 999_999_999, "nanos", moment.isoformat())
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{nanos:09d}Z"


def alertmanager_webhook(alerts: list[Obj], *, receiver: str = "firstresponder",
                         group_by: tuple[str, ...] = ("namespace", "alertname")) -> Obj:
    """A v4 webhook body: commonLabels/commonAnnotations are what all alerts share."""
    common = dict(alerts[0]["labels"])
    for a in alerts[1:]:
        common = {k: v for k, v in common.items() if a["labels"].get(k) == v}
    common_ann = dict(alerts[0]["annotations"])
    for a in alerts[1:]:
        common_ann = {k: v for k, v in common_ann.items() if a["annotations"].get(k) == v}
    group = {k: common[k] for k in group_by if k in common}
    group_key = "{}:{" + ", ".join(f'{k}="{v}"' for k, v in sorted(group.items())) + "}"
    return {"receiver": receiver, "status": "firing" if any(a["status"] == "firing" for a in alerts) else "resolved",
            "alerts": alerts, "groupLabels": group, "commonLabels": common, "commonAnnotations": common_ann,
            "externalURL": AM_URL, "version": "4", "groupKey": group_key, "truncatedAlerts": 0}


# ---------------------------------------------------------------- CloudWatch

def cloudwatch_alarm(*, name: str, description: str, metric: str, namespace: str, dimensions: dict[str, str],
                     threshold: float, comparison: str, statistic: str, period: int, evaluation_periods: int,
                     datapoints: list[float], changed: datetime, unit: str | None = None,
                     topic: str = "eks-alerts") -> Obj:
    """The alarm JSON CloudWatch puts in an SNS message."""
    when = changed.strftime("%d/%m/%y %H:%M:%S")
    op = {"GreaterThanOrEqualToThreshold": "greater than or equal to", "GreaterThanThreshold": "greater than",
          "LessThanThreshold": "less than", "LessThanOrEqualToThreshold": "less than or equal to"}[comparison]
    reason = (f"Threshold Crossed: {len(datapoints)} out of the last {evaluation_periods} datapoints "
              f"[{', '.join(f'{d} ({when})' for d in datapoints)}] was {op} the threshold ({threshold}) "
              f"(minimum {len(datapoints)} datapoint for OK -> ALARM transition).")
    return {
        "AlarmName": name, "AlarmDescription": description, "AWSAccountId": ACCOUNT,
        "AlarmConfigurationUpdatedTimestamp": "2026-01-12T09:14:52.118+0000", "NewStateValue": "ALARM",
        "NewStateReason": reason, "StateChangeTime": changed.strftime("%Y-%m-%dT%H:%M:%S.") + "412+0000",
        "Region": REGION_NAME, "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}",
        "OldStateValue": "OK", "OKActions": [f"arn:aws:sns:{REGION}:{ACCOUNT}:{topic}"],
        "AlarmActions": [f"arn:aws:sns:{REGION}:{ACCOUNT}:{topic}"], "InsufficientDataActions": [],
        "Trigger": {"MetricName": metric, "Namespace": namespace, "StatisticType": "Statistic",
                    "Statistic": statistic.upper(), "Unit": unit,
                    "Dimensions": [{"value": v, "name": k} for k, v in dimensions.items()],
                    "Period": period, "EvaluationPeriods": evaluation_periods,
                    "DatapointsToAlarm": len(datapoints), "ComparisonOperator": comparison,
                    "Threshold": threshold, "TreatMissingData": "missing", "EvaluateLowSampleCountPercentile": ""},
    }


def _sns_common(alarm: Obj, changed: datetime, topic: str) -> tuple[str, str, str, str]:
    message_id = ids.uid("sns", alarm["AlarmName"], changed)
    topic_arn = f"arn:aws:sns:{REGION}:{ACCOUNT}:{topic}"
    subject = f'ALARM: "{alarm["AlarmName"]}" in {REGION_NAME}'
    stamp = changed.strftime("%Y-%m-%dT%H:%M:%S.") + "455Z"
    return message_id, topic_arn, subject, stamp


def sns_lambda_event(alarm: Obj, changed: datetime, topic: str = "eks-alerts") -> Obj:
    """SNS -> Lambda event (Records[].Sns; SigningCertUrl/UnsubscribeUrl spelled as Lambda does)."""
    message_id, topic_arn, subject, stamp = _sns_common(alarm, changed, topic)
    sub = f"{topic_arn}:{ids.uid('sub', topic)}"
    return {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": sub, "Sns": {
        "Type": "Notification", "MessageId": message_id, "TopicArn": topic_arn, "Subject": subject,
        "Message": json.dumps(alarm, separators=(",", ":")), "Timestamp": stamp, "SignatureVersion": "1",
        "Signature": _signature(message_id),
        "SigningCertUrl": f"https://sns.{REGION}.amazonaws.com/SimpleNotificationService-{ids.hexid(32, 'cert')}.pem",
        "UnsubscribeUrl": f"https://sns.{REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={sub}",
        "MessageAttributes": {}}}]}


def sns_https_body(alarm: Obj, changed: datetime, topic: str = "eks-alerts") -> Obj:
    """The JSON body SNS POSTs to an HTTPS subscription."""
    message_id, topic_arn, subject, stamp = _sns_common(alarm, changed, topic)
    sub = f"{topic_arn}:{ids.uid('sub-https', topic)}"
    return {"Type": "Notification", "MessageId": message_id, "TopicArn": topic_arn, "Subject": subject,
            "Message": json.dumps(alarm, separators=(",", ":")), "Timestamp": stamp, "SignatureVersion": "1",
            "Signature": _signature(message_id),
            "SigningCertURL": f"https://sns.{REGION}.amazonaws.com/SimpleNotificationService-{ids.hexid(32, 'cert')}.pem",
            "UnsubscribeURL": f"https://sns.{REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={sub}"}


def _signature(seed: str) -> str:
    return base64.b64encode(bytes.fromhex(ids.hexid(512, "sig", seed))).decode()


def eventbridge_alarm(*, name: str, description: str, metric: str, namespace: str, dimensions: dict[str, str],
                      threshold: float, statistic: str, period: int, datapoints: list[float],
                      changed: datetime, comparison_text: str = "greater than") -> Obj:
    """An EventBridge "CloudWatch Alarm State Change" event."""
    stamp = changed.strftime("%Y-%m-%dT%H:%M:%S.") + "208+0000"
    start = changed.strftime("%Y-%m-%dT%H:%M:00.000+0000")
    when = changed.strftime("%d/%m/%y %H:%M:00")
    reason_data = json.dumps({"version": "1.0", "queryDate": stamp, "startDate": start, "statistic": statistic,
                              "period": period, "recentDatapoints": datapoints, "threshold": threshold},
                             separators=(",", ":"))
    return {"version": "0", "id": ids.uid("eb", name, changed), "detail-type": "CloudWatch Alarm State Change",
            "source": "aws.cloudwatch", "account": ACCOUNT, "time": changed.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": REGION, "resources": [f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}"],
            "detail": {"alarmName": name, "configuration": {"description": description, "metrics": [{
                "id": ids.uid("m", name), "metricStat": {"metric": {"dimensions": dimensions, "name": metric,
                                                                    "namespace": namespace},
                                                         "period": period, "stat": statistic},
                "returnData": True}]},
                "previousState": {"reason": "Threshold Crossed: 1 out of the last 1 datapoints [0.0 ("
                                  + when + ")] was not " + comparison_text + " the threshold (" + str(threshold)
                                  + ") (minimum 1 datapoint for ALARM -> OK transition).",
                                  "timestamp": "2026-02-27T11:02:41.771+0000", "value": "OK"},
                "state": {"reason": f"Threshold Crossed: {len(datapoints)} out of the last {len(datapoints)} "
                          f"datapoints [{', '.join(f'{d} ({when})' for d in datapoints)}] was {comparison_text} "
                          f"the threshold ({threshold}) (minimum {len(datapoints)} datapoint for OK -> ALARM "
                          "transition).", "reasonData": reason_data, "timestamp": stamp, "value": "ALARM"}}}


# ---------------------------------------------------------------- Datadog and generic

def datadog_default(*, monitor_id: int, title: str, body: str, event_type: str, at: datetime,
                    org: tuple[str, str] = ("428193", "Acme Payments")) -> Obj:
    """Datadog's default webhook payload ($EVENT_MSG, $LAST_UPDATED, ... as rendered)."""
    ms = str(int(at.timestamp() * 1000))
    return {"body": body, "last_updated": ms, "event_type": event_type, "title": title, "date": ms,
            "org": {"id": org[0], "name": org[1]}, "id": str(ids.number(10**18, 9 * 10**18, "dd", monitor_id, ms))}


def datadog_custom(*, monitor_id: int, title: str, body: str, event_type: str, at: datetime, transition: str,
                   scope: str, query: str, metric: str, tags: list[str], priority: str = "P2",
                   hostname: str = "") -> Obj:
    """A custom webhook payload using $ALERT_ID, $ALERT_TRANSITION, $ALERT_SCOPE, $TAGS, ... variables."""
    ms = str(int(at.timestamp() * 1000))
    return {"id": str(ids.number(10**18, 9 * 10**18, "dd", monitor_id, ms)), "alert_id": str(monitor_id),
            "alert_transition": transition, "alert_title": title, "alert_scope": scope, "alert_query": query,
            "alert_metric": metric, "alert_priority": priority, "title": title, "body": body,
            "event_type": event_type, "date": ms, "last_updated": ms, "hostname": hostname,
            "tags": ",".join(tags), "aggreg_key": ids.hexid(32, "agg", monitor_id),
            "link": f"https://app.datadoghq.eu/event/event?id={ids.number(10**18, 9 * 10**18, 'dd', monitor_id, ms)}",
            "org": {"id": "428193", "name": "Acme Payments"}}


def generic(*, name: str, title: str, description: str, severity: str, starts: datetime, cluster: str,
            namespace: str | None, resource: dict[str, str] | None, labels: dict[str, str] | None = None,
            runbook_url: str | None = None) -> Obj:
    """The product's generic JSON alert (docs/alert-sources.md): kind+name name the resource."""
    body: Obj = {"title": title, "startsAt": starts.strftime("%Y-%m-%dT%H:%M:%SZ"), "status": "firing",
                 "severity": severity, "cluster": cluster}
    if namespace:
        body["namespace"] = namespace
    if resource:
        body["kind"] = resource["kind"]
        body["name"] = resource["name"]
    body["description"] = description
    body["labels"] = {"alertname": name, **(labels or {})}
    if runbook_url:
        body["annotations"] = {"runbook_url": runbook_url}
    return body


def cloudwatch_math_alarm(*, name: str, description: str, expression: str, label: str,
                          metrics: dict[str, tuple[str, str, dict[str, str], str]], threshold: float,
                          comparison: str, period: int, datapoints: list[float], changed: datetime) -> Obj:
    """A metric-math alarm as SNS delivers it: Trigger.Metrics[] (expression + MetricStats), no MetricName.

    ``metrics`` maps an id to (namespace, metric name, dimensions, stat).
    """
    base = cloudwatch_alarm(name=name, description=description, metric="-", namespace="-", dimensions={},
                            threshold=threshold, comparison=comparison, statistic="Sum", period=period,
                            evaluation_periods=len(datapoints), datapoints=datapoints, changed=changed)
    trigger = {"Period": period, "EvaluationPeriods": len(datapoints), "DatapointsToAlarm": len(datapoints),
               "ComparisonOperator": comparison, "Threshold": threshold, "TreatMissingData": "missing",
               "EvaluateLowSampleCountPercentile": "",
               "Metrics": [{"Expression": expression, "Id": "e1", "Label": label, "ReturnData": True}] + [
                   {"Id": mid, "MetricStat": {"Metric": {"Dimensions": [{"value": v, "name": k} for k, v in dims.items()],
                                                         "MetricName": metric, "Namespace": ns},
                                              "Period": period, "Stat": stat}, "ReturnData": False}
                   for mid, (ns, metric, dims, stat) in metrics.items()]}
    base["Trigger"] = trigger
    return base
