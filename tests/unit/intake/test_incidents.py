"""Incident grouping (workload from pod names), incident keys and de-duplication keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from firstresponder.intake import dedup_key, group_into_incidents, incident_key, parse_payload
from firstresponder.intake.incidents import workload_name
from firstresponder.intake.workloads import workload_of_claim, workload_of_job, workload_of_pod
from firstresponder.models.alert import Alert, AlertSource, AlertStatus
from firstresponder.models.resource import ResourceRef
from tests.unit.intake.alert_fixtures import fixture_json

T0 = datetime(2026, 11, 27, 21, 0, tzinfo=UTC)


def alert(kind: str | None, name: str | None, namespace: str | None = "shop", *, cluster: str | None = "prod",
          minutes: int = 0, severity: str = "warning", status: AlertStatus = AlertStatus.FIRING,
          fingerprint: str = "fp") -> Alert:
    resource = ResourceRef(kind=kind, name=name, namespace=None if kind == "Node" else namespace) \
        if kind and name else None
    return Alert(source=AlertSource.ALERTMANAGER, name=f"{kind}Alert", title="t", cluster=cluster,
                 namespace=namespace, resource=resource, starts_at=T0 + timedelta(minutes=minutes),
                 severity=severity, status=status, fingerprint=fingerprint)


@pytest.mark.parametrize(("pod", "workload"), [
    ("checkout-7c9d8f6b5-qx4mz", "checkout"),           # Deployment: <name>-<pod-template-hash>-<5>
    ("payment-processing-worker-747ccfb9db-pd6wz", "payment-processing-worker"),
    ("user-profile-resources-659d4dd659-cq4kq", "user-profile-resources"),
    ("postgres-0", "postgres"),                          # StatefulSet ordinal
    ("redis-cluster-12", "redis-cluster"),
    ("fluent-bit-x7k2p", "fluent-bit"),                  # DaemonSet / Job: <name>-<5>
    ("invoice-export-29403720-8xk2z", "invoice-export"), # CronJob's Job's pod
    ("db-migrate-xq9tn", "db-migrate"),
    ("standalone", "standalone"),
    ("web-api", "web-api"),                              # "api" is not a random suffix
    ("nginx-proxy", "nginx-proxy"),
])
def test_workload_of_pod(pod: str, workload: str) -> None:
    assert workload_of_pod(pod) == workload


def test_workload_of_job_and_claim() -> None:
    assert workload_of_job("invoice-export-29403720") == "invoice-export"
    assert workload_of_job("reindex-catalog") == "reindex-catalog"
    assert workload_of_claim("data-postgres-0", {"postgres", "web"}) == "postgres"
    assert workload_of_claim("data-pg-postgres-3", {"postgres", "pg-postgres"}) == "pg-postgres"
    assert workload_of_claim("data-postgres", {"postgres"}) is None
    assert workload_of_claim("data-mysql-0", {"postgres"}) is None


def test_incident_key_is_cluster_namespace_workload() -> None:
    assert incident_key(alert("Pod", "checkout-7c9d8f6b5-qx4mz")) == "prod/shop/checkout"
    assert incident_key(alert("Deployment", "checkout")) == "prod/shop/checkout"
    assert incident_key(alert("ReplicaSet", "checkout-7c9d8f6b5")) == "prod/shop/checkout"
    assert incident_key(alert("Job", "invoice-export-29403720")) == "prod/shop/invoice-export"
    assert incident_key(alert("Node", "ip-10-0-1-2", namespace="monitoring")) == "prod/-/Node:ip-10-0-1-2"
    assert incident_key(alert(None, None, cluster=None)) == "-/shop/*"
    assert incident_key(alert(None, None, namespace=None, cluster="a/b")) == "a%2Fb/-/*"


def test_deployment_its_pods_and_same_named_hpa_form_one_incident() -> None:
    # Given the real-shaped group: a stuck rollout, two crash-looping pods of one ReplicaSet,
    # a waiting pod of the next ReplicaSet, and the HPA of the same name
    alerts = parse_payload(fixture_json("alertmanager/kube-prometheus-stack.group.checkout.json"), None)
    # When grouped
    [incident] = group_into_incidents(alerts)
    # Then they are one incident about shop/checkout, earliest alert first
    assert incident.key == "prod-eu-1/shop/checkout"
    assert (incident.cluster, incident.namespace, incident.workload) == ("prod-eu-1", "shop", "checkout")
    assert incident.alerts[0].name == "KubeContainerWaiting"
    assert incident.starts_at == incident.alerts[0].starts_at
    assert {r.kind for r in incident.resources} == {"Deployment", "Pod", "HorizontalPodAutoscaler"}
    assert len(incident.resources) == 5


def test_statefulset_claim_joins_its_statefulset_but_not_an_unrelated_one() -> None:
    incidents = group_into_incidents([
        alert("StatefulSet", "postgres", minutes=1), alert("PersistentVolumeClaim", "data-postgres-0", minutes=2),
        alert("PersistentVolumeClaim", "data-redis-0", minutes=3), alert("Pod", "postgres-1", minutes=4)])
    assert [i.key for i in incidents] == ["prod/shop/postgres", "prod/shop/data-redis-0"]
    assert len(incidents[0].alerts) == 3


def test_claim_does_not_cross_namespaces_or_clusters() -> None:
    incidents = group_into_incidents([alert("StatefulSet", "postgres"),
                                      alert("PersistentVolumeClaim", "data-postgres-0", namespace="other"),
                                      alert("PersistentVolumeClaim", "data-postgres-0", cluster="dev")])
    assert len(incidents) == 3


def test_nodes_namespaces_and_clusters_are_separate_incidents() -> None:
    incidents = group_into_incidents([
        alert("Node", "n1", minutes=3), alert("Node", "n1", minutes=4), alert("Node", "n2", minutes=5),
        alert(None, None, minutes=1), alert(None, None, namespace=None, minutes=2),
        alert("Deployment", "web", cluster="dev", minutes=6), alert("Deployment", "web", minutes=7)])
    assert [i.key for i in incidents] == ["prod/shop/*", "prod/-/*", "prod/-/Node:n1", "prod/-/Node:n2",
                                          "dev/shop/web", "prod/shop/web"]
    assert incidents[2].workload == "Node:n1" and incidents[2].namespace is None


def test_incident_status_and_severity_summarise_its_alerts() -> None:
    [incident] = group_into_incidents([
        alert("Deployment", "web", severity="info", status=AlertStatus.RESOLVED),
        alert("Pod", "web-0", severity="critical", status=AlertStatus.RESOLVED, minutes=1)])
    assert (incident.status, incident.severity) == (AlertStatus.RESOLVED, "critical")
    [still] = group_into_incidents([alert("Pod", "web-0", status=AlertStatus.RESOLVED), alert("Pod", "web-1")])
    assert still.status == AlertStatus.FIRING


def test_grouping_is_deterministic_whatever_the_input_order() -> None:
    alerts = parse_payload(fixture_json("alertmanager/kube-prometheus-stack.group.workloads.json"), None) + \
        parse_payload(fixture_json("alertmanager/kube-prometheus-stack.group.nodes.json"), None)
    assert group_into_incidents(alerts) == group_into_incidents(list(reversed(alerts)))
    assert group_into_incidents([]) == []


def test_dedup_key_same_for_renotification_new_for_a_new_episode() -> None:
    body = fixture_json("alertmanager/kube-prometheus-stack.KubeHpaMaxedOut.json")
    [first] = parse_payload(body, None)
    [repeat] = parse_payload(body, None)
    body["alerts"][0]["status"] = "resolved"
    [resolved] = parse_payload(body, None)
    body["alerts"][0]["startsAt"] = "2026-11-28T01:00:00Z"
    [again] = parse_payload(body, None)
    assert dedup_key(first) == dedup_key(repeat) == dedup_key(resolved) != dedup_key(again)
    assert dedup_key(first) == "alertmanager:3f1c0e9a77d4b2e1:2026-11-27T21:14:03Z"


def test_workload_name_of_container_insights_workload() -> None:
    [ci] = parse_payload(fixture_json("sns/container-insights.pod_memory_utilization_over_pod_limit.https.json"), None)
    assert workload_name(ci) == "checkout" and incident_key(ci) == "prod-eks/shop/checkout"
