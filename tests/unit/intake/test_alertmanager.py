"""Alertmanager webhook: the subject of each standard alert, never the exporter; fingerprints; hostile labels."""

from __future__ import annotations

from typing import Any

import pytest

from firstresponder.intake import IntakeError
from firstresponder.intake.alertmanager import normalise_alertmanager
from firstresponder.intake.alertmanager_rules import ALERT_RULES
from firstresponder.intake.fingerprints import label_fingerprint
from firstresponder.intake.sanitize import MAX_LABEL_CHARS, MAX_LABELS
from firstresponder.models.alert import Alert, AlertStatus
from firstresponder.models.resource import ResourceRef
from tests.unit.intake.alert_fixtures import fixture_json

# kube-state-metrics' own scrape labels, as they ride on every alert computed from its series.
KSM = {"job": "kube-state-metrics", "endpoint": "http", "instance": "10.2.14.7:8080",
       "pod": "kps-kube-state-metrics-6b8f7d9c5d-w4x2k", "container": "kube-state-metrics",
       "service": "kps-kube-state-metrics", "namespace": "monitoring"}


def one(labels: dict[str, str], **alert: Any) -> Alert:
    body = {"version": "4", "status": "firing", "alerts": [
        {"labels": labels, "annotations": {}, "startsAt": "2026-11-27T21:00:00Z", **alert}]}
    [result] = normalise_alertmanager(body)
    return result


# alertname, subject labels (on top of the exporter's), expected resource key, expected container
STANDARD_ALERTS = [
    ("KubePodCrashLooping", {"namespace": "shop", "pod": "web-7c9d8f6b5-qx4mz", "container": "api"},
     "Pod/shop/web-7c9d8f6b5-qx4mz", "api"),
    ("KubePodNotReady", {"namespace": "shop", "pod": "web-7c9d8f6b5-qx4mz"}, "Pod/shop/web-7c9d8f6b5-qx4mz", None),
    ("KubeContainerWaiting", {"namespace": "shop", "pod": "web-7c9d8f6b5-qx4mz", "container": "api"},
     "Pod/shop/web-7c9d8f6b5-qx4mz", "api"),
    ("KubeDeploymentReplicasMismatch", {"namespace": "shop", "deployment": "web"}, "Deployment/shop/web", None),
    ("KubeDeploymentRolloutStuck", {"namespace": "shop", "deployment": "web"}, "Deployment/shop/web", None),
    ("KubeStatefulSetReplicasMismatch", {"namespace": "shop", "statefulset": "db"}, "StatefulSet/shop/db", None),
    ("KubeDaemonSetRolloutStuck", {"namespace": "logging", "daemonset": "fluent-bit"},
     "DaemonSet/logging/fluent-bit", None),
    ("KubeHpaMaxedOut", {"namespace": "shop", "horizontalpodautoscaler": "web"},
     "HorizontalPodAutoscaler/shop/web", None),
    ("KubeHpaReplicasMismatch", {"namespace": "shop", "horizontalpodautoscaler": "web"},
     "HorizontalPodAutoscaler/shop/web", None),
    ("KubeJobFailed", {"namespace": "batch", "job_name": "export-29403720"}, "Job/batch/export-29403720", None),
    ("KubeJobNotCompleted", {"namespace": "batch", "job_name": "reindex"}, "Job/batch/reindex", None),
    ("KubeNodeNotReady", {"node": "ip-10-0-1-2.ec2.internal"}, "Node/ip-10-0-1-2.ec2.internal", None),
    ("KubeNodePressure", {"node": "ip-10-0-1-2.ec2.internal", "condition": "DiskPressure"},
     "Node/ip-10-0-1-2.ec2.internal", None),
    ("KubeNodeUnreachable", {"node": "ip-10-0-1-2.ec2.internal"}, "Node/ip-10-0-1-2.ec2.internal", None),
    ("KubePersistentVolumeFillingUp", {"namespace": "shop", "persistentvolumeclaim": "data-db-0"},
     "PersistentVolumeClaim/shop/data-db-0", None),
    ("KubePersistentVolumeErrors", {"persistentvolume": "pvc-4f1c9a2e", "phase": "Failed"},
     "PersistentVolume/pvc-4f1c9a2e", None),
    ("KubeQuotaExceeded", {"namespace": "data", "resourcequota": "data-quota", "resource": "requests.memory"},
     "ResourceQuota/data/data-quota", None),
    ("TargetDown", {"namespace": "payments", "service": "payments-api", "job": "payments-api"},
     "Service/payments/payments-api", None),
]


@pytest.mark.parametrize(("alertname", "subject", "key", "container"), STANDARD_ALERTS,
                         ids=[case[0] for case in STANDARD_ALERTS])
def test_standard_alert_subject_is_never_the_exporter(alertname: str, subject: dict[str, str], key: str,
                                                      container: str | None) -> None:
    # Given an alert carrying the exporter's labels and the subject's (the subject's win where they overlap)
    alert = one({**KSM, **subject, "alertname": alertname})
    # Then the resource is the subject, never the kube-state-metrics pod
    assert alert.resource is not None and alert.resource.key == key
    assert alert.container == container
    assert "kube-state-metrics" not in alert.resource.name


def test_table_covers_the_standard_alerts() -> None:
    required = {case[0] for case in STANDARD_ALERTS} | {"CPUThrottlingHigh", "KubeMemoryOvercommit"}
    assert required <= ALERT_RULES.keys()


def test_node_alert_drops_the_exporters_namespace_and_says_so() -> None:
    alert = one({**KSM, "alertname": "KubeNodeNotReady", "node": "n1"})
    assert alert.namespace is None
    assert any("namespace=monitoring belongs to the exporter" in note for note in alert.scope_notes)
    assert any("kps-kube-state-metrics-6b8f7d9c5d-w4x2k" in note for note in alert.scope_notes)


def test_cpu_throttling_takes_the_pod_but_not_the_kubelet_service() -> None:
    alert = one({"alertname": "CPUThrottlingHigh", "namespace": "shop", "pod": "web-0", "container": "api",
                 "service": "kps-kubelet", "instance": "10.0.1.2:10250"})
    assert alert.resource == ResourceRef(kind="Pod", namespace="shop", name="web-0")
    assert alert.container == "api"


def test_memory_overcommit_is_cluster_wide() -> None:
    alert = one({"alertname": "KubeMemoryOvercommit", "cluster": "prod", "severity": "warning"})
    assert (alert.resource, alert.namespace, alert.cluster) == (None, None, "prod")
    assert alert.scope == "Cluster/prod"


def test_unknown_alert_skips_exporter_pod_for_the_workload_label() -> None:
    alert = one({**KSM, "alertname": "MyDeploymentPaused", "namespace": "shop", "deployment": "web"})
    assert alert.resource == ResourceRef(kind="Deployment", namespace="shop", name="web")
    assert alert.scope_notes == ["unknown alertname MyDeploymentPaused: subject taken from label deployment"]


def test_unknown_alert_with_a_custom_release_name_still_spots_the_exporter_by_container() -> None:
    labels = {**KSM, "pod": "metrics-7f8d9c6b5-abcde", "alertname": "X", "namespace": "shop", "statefulset": "db"}
    assert one(labels).resource == ResourceRef(kind="StatefulSet", namespace="shop", name="db")


def test_unknown_alert_with_a_real_pod_takes_the_pod() -> None:
    alert = one({"alertname": "AppErrors", "namespace": "shop", "pod": "web-7c9d8f6b5-qx4mz", "container": "api"})
    assert alert.resource == ResourceRef(kind="Pod", namespace="shop", name="web-7c9d8f6b5-qx4mz")
    assert alert.container == "api"


def test_unknown_alert_without_subject_is_namespace_scoped_with_a_note() -> None:
    alert = one({"alertname": "ErrorBudgetBurn", "namespace": "payments"})
    assert alert.resource is None and alert.scope == "Namespace/payments"
    assert alert.scope_notes == ["unknown alertname ErrorBudgetBurn: no subject label; scoped to namespace payments"]


def test_known_alert_missing_its_subject_label_falls_back_to_namespace() -> None:
    alert = one({"alertname": "KubePodCrashLooping", "namespace": "shop"})
    assert alert.resource is None and alert.namespace == "shop"
    assert any("no usable label pod" in note for note in alert.scope_notes)


def test_fingerprint_is_alertmanagers_own_when_absent() -> None:
    # The real label set of a captured KubePodCrashLooping alert and the fingerprint Alertmanager gave it.
    labels = fixture_json("alertmanager/holmesgpt.KubePodCrashLooping.issue_data.json")["raw"]["labels"]
    assert label_fingerprint(labels) == "a38bd979bba359db"
    assert one(labels).fingerprint == "a38bd979bba359db"


def test_source_fingerprint_is_kept() -> None:
    assert one({"alertname": "A"}, fingerprint="0123456789abcdef").fingerprint == "0123456789abcdef"


def test_resolved_alert_keeps_its_end_and_go_zero_time_means_not_ended() -> None:
    resolved = one({"alertname": "A"}, status="resolved", endsAt="2026-11-27T21:30:00.123456789Z")
    assert resolved.status == AlertStatus.RESOLVED
    assert resolved.ends_at is not None and resolved.ends_at.isoformat() == "2026-11-27T21:30:00.123456+00:00"
    assert one({"alertname": "A"}, endsAt="0001-01-01T00:00:00Z").ends_at is None


def test_group_status_applies_when_an_alert_has_none() -> None:
    body = {"version": "4", "status": "resolved",
            "alerts": [{"labels": {"alertname": "A"}, "startsAt": "2026-11-27T21:00:00Z"}]}
    assert normalise_alertmanager(body)[0].status == AlertStatus.RESOLVED


def test_a_group_gives_one_alert_each_in_order() -> None:
    alerts = normalise_alertmanager(fixture_json("alertmanager/kube-prometheus-stack.group.checkout.json"))
    assert [a.name for a in alerts] == ["KubeDeploymentRolloutStuck", "KubePodCrashLooping", "KubePodCrashLooping",
                                        "KubeContainerWaiting", "KubeHpaReplicasMismatch"]


def test_prometheus_style_bare_list_is_accepted() -> None:
    alerts = normalise_alertmanager([{"labels": {"alertname": "A", "namespace": "x", "deployment": "d"},
                                      "startsAt": "2026-11-27T21:00:00+02:00"}])
    assert alerts[0].resource == ResourceRef(kind="Deployment", namespace="x", name="d")
    assert alerts[0].starts_at.isoformat() == "2026-11-27T19:00:00+00:00"


@pytest.mark.parametrize(("body", "reason"), [
    ({"version": "3", "alerts": []}, "unsupported version '3'"),
    ({"version": "4"}, "alerts: Field required"),
    ({"version": "4", "alerts": [{"labels": {"a": 1}, "startsAt": "2026-11-27T21:00:00Z"}]}, "alerts.0.labels.a"),
    ({"version": "4", "alerts": [{"labels": {}}]}, "alerts.0.startsAt missing"),
    ({"version": "4", "alerts": [{"labels": {}, "startsAt": "yesterday"}]}, "alerts.0.startsAt missing"),
    ({"version": "4", "alerts": [{"startsAt": "2026-11-27T21:00:00Z"}] * 501}, "alerts: List should have at most 500"),
])
def test_bad_webhooks_are_422_with_the_field(body: Any, reason: str) -> None:
    with pytest.raises(IntakeError) as caught:
        normalise_alertmanager(body)
    assert caught.value.status == 422
    assert reason in caught.value.reason


def test_hostile_labels_are_capped_and_cleaned() -> None:
    labels = {f"l{i:03}": "v" for i in range(500)} | {
        "alertname": "A\x00\x1b[31mB", "pod": "x" * 10_000, "namespace": "shop\u202e",
        "description": "y" * 10_000}
    alert = one(labels, annotations={"summary": "line1\nline2\x07", "description": "keep\nnewlines\x00"},
                generatorURL="javascript:alert(1)")
    assert len(alert.labels) == MAX_LABELS
    assert all(len(value) <= MAX_LABEL_CHARS for value in alert.labels.values())
    assert alert.name == "A[31mB" and alert.title == "line1 line2"
    assert alert.description == "keep\nnewlines"
    assert alert.generator_url is None
    # An unusable pod name is not a resource: the alert falls back to its namespace, with a note.
    assert alert.resource is None
    assert alert.namespace == "shop"


def test_pod_name_that_could_escape_an_api_path_is_refused() -> None:
    alert = one({"alertname": "KubePodNotReady", "namespace": "shop", "pod": "../../secrets/x"})
    assert alert.resource is None
    assert any("not a valid Kubernetes name" in note for note in alert.scope_notes)


def test_firing_alerts_estimated_end_is_not_an_end() -> None:
    # Alertmanager sends firing alerts with endsAt = now + resolve_timeout: a guess, not an end.
    assert one({"alertname": "A"}, status="firing", endsAt="2026-11-27T21:05:00Z").ends_at is None
