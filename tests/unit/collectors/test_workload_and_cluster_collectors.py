"""Rollout, HPA, Job, node, PVC, quota, namespace health, CoreDNS and dependency collectors."""

from __future__ import annotations

import copy
from typing import Any

from firstresponder.models import ResourceRef
from firstresponder.models.evidence import ChangeKind
from tests.unit.collectors.support import discovered, only, run
from tests.unit.topology.cluster_fixtures import (
    API_SPEC,
    NS,
    container,
    node,
    payments_cluster,
    pod,
    simple,
)


def _with_new_revision(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Revision 3 changed the image and lowered the memory limit; the rollout is stuck."""
    for obj in objects:
        if obj["kind"] == "ReplicaSet" and obj["metadata"]["name"] == "payments-api-5c6b7a8d9e":
            old = copy.deepcopy(API_SPEC)
            old["containers"][0]["image"] = "registry.example.com/payments-api:1.4.1"
            old["containers"][0]["resources"]["limits"]["memory"] = "1Gi"
            obj["spec"]["template"]["spec"] = old
        if obj["kind"] == "ReplicaSet" and obj["metadata"]["name"] == "payments-api-7d9f8b6c5d":
            obj["metadata"]["creationTimestamp"] = "2026-11-28T02:40:00Z"
        if obj["kind"] == "Deployment" and obj["metadata"]["name"] == "payments-api":
            obj["status"]["conditions"] = [
                {"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable"},
                {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]
    return objects


def test_rollout_revisions_template_diff_and_new_revision_change() -> None:
    topology, cluster = discovered(_with_new_revision(payments_cluster()))
    result = run(cluster, topology, "workload.rollout", "Deployment/production/payments-api")
    facts = only(result, "ev-rollout-deployment-payments-api")
    assert (facts.desired, facts.ready, facts.current_revision) == (2, 1, 3)
    assert facts.progress_deadline_exceeded
    assert [r.revision for r in facts.revisions] == [3, 2, 1]
    assert facts.revisions[0].images == {"api": "registry.example.com/payments-api:1.4.2"}
    assert {(d.path, d.before, d.after) for d in facts.diff} == {
        ("containers[api].image", "registry.example.com/payments-api:1.4.1",
         "registry.example.com/payments-api:1.4.2"),
        ("containers[api].resources.limits.memory", "1Gi", "512Mi")}
    newest = [c for c in result.changes if c.kind == ChangeKind.NEW_REVISION and "revision 3" in c.summary]
    assert newest and newest[0].seconds_before_alert == 1200 and "containers[api].image" in newest[0].summary


def test_statefulset_rollout_counts() -> None:
    topology, cluster = discovered()
    facts = only(run(cluster, topology, "workload.rollout", "StatefulSet/production/payments-db"),
                 "ev-rollout-statefulset-payments-db")
    assert (facts.desired, facts.ready, facts.revisions) == (1, 1, [])


def test_hpa_at_max_with_metrics() -> None:
    hpa = simple("HorizontalPodAutoscaler", "autoscaling/v2", "payments-api", spec={
        "scaleTargetRef": {"kind": "Deployment", "name": "payments-api"}, "minReplicas": 2, "maxReplicas": 6,
        "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                                 "averageUtilization": 70}}}]},
        status={"currentReplicas": 6, "desiredReplicas": 6, "lastScaleTime": "2026-11-28T02:50:00Z",
                "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {
                    "averageUtilization": 95}}}],
                "conditions": [{"type": "ScalingLimited", "status": "True", "reason": "TooManyReplicas"}]})
    objects = [o for o in payments_cluster() if o["kind"] != "HorizontalPodAutoscaler"] + [hpa]
    topology, cluster = discovered(objects)
    result = run(cluster, topology, "hpa.status", "HorizontalPodAutoscaler/production/payments-api")
    facts = only(result, "ev-hpa-payments-api")
    assert facts.metrics == ["cpu 95% / target 70%"] and facts.current_replicas == facts.max_replicas == 6
    assert facts.conditions["ScalingLimited"] == "True: TooManyReplicas"
    assert "at max" in result.evidence[0].summary
    assert result.changes[0].kind == ChangeKind.HPA and result.changes[0].seconds_before_alert == 600


def test_job_backoff_limit_exceeded() -> None:
    job = simple("Job", "batch/v1", "migrate-42", spec={"backoffLimit": 2, "selector": {"matchLabels": {"j": "m"}},
                                                       "template": {"spec": {"containers": [container()]}}},
                 status={"failed": 3, "conditions": [{"type": "Failed", "status": "True",
                                                      "reason": "BackoffLimitExceeded"}]})
    topology, cluster = discovered([job], start=ResourceRef(kind="Job", name="migrate-42", namespace=NS))
    result = run(cluster, topology, "job.status", "Job/production/migrate-42")
    facts = only(result, "ev-job-job-migrate-42")
    assert facts.conditions["Failed"] == "True: BackoffLimitExceeded"
    assert "failed (BackoffLimitExceeded)" in result.evidence[0].summary


def test_node_pressure_taints_cordon_requested_and_condition_changes() -> None:
    pressured = node("node-a", taints=[{"key": "node.kubernetes.io/memory-pressure", "effect": "NoSchedule"}],
                     unschedulable=True)
    pressured["status"]["conditions"][1] = {"type": "MemoryPressure", "status": "True", "reason": "KubeletHasInsufficientMemory",
                                            "lastTransitionTime": "2026-11-28T02:45:00Z"}
    done = pod("finished", phase="Succeeded", spec={"containers": [container(resources={"requests": {"memory": "4Gi"}})]})
    objects = [o for o in payments_cluster() if o["metadata"]["name"] != "node-a"] + [pressured, done]
    topology, cluster = discovered(objects)
    result = run(cluster, topology, "node", "Node/node-a")
    assert ("list", "Pod", "", "", "spec.nodeName=node-a,status.phase!=Succeeded,status.phase!=Failed") in cluster.calls
    facts = only(result, "ev-node-node-a")
    assert facts.pressure == ["MemoryPressure"] and facts.unschedulable and facts.ready
    assert facts.taints == ["node.kubernetes.io/memory-pressure:NoSchedule"]
    assert facts.requested == {"cpu": "250m", "memory": "256Mi"}  # payments-api + payments-db-0 (no requests)
    memory = [c for c in result.changes if "MemoryPressure" in c.summary]
    assert memory and memory[0].seconds_before_alert == 900


def test_pvc_with_missing_storage_class() -> None:
    claim = simple("PersistentVolumeClaim", "v1", "data", spec={"storageClassName": "gp3-encrypted",
                                                               "resources": {"requests": {"storage": "20Gi"}}},
                   status={"phase": "Pending"})
    topology, cluster = discovered([claim], start=ResourceRef(kind="PersistentVolumeClaim", name="data", namespace=NS))
    facts = only(run(cluster, topology, "pvc", "PersistentVolumeClaim/production/data"), "ev-pvc-data")
    assert (facts.phase, facts.storage_class_exists, facts.volume, facts.requested) == (
        "Pending", False, None, "20Gi")


def test_quota_exhausted() -> None:
    quota = simple("ResourceQuota", "v1", "compute", spec={"hard": {"limits.memory": "4Gi", "pods": "20"}},
                   status={"hard": {"limits.memory": "4Gi", "pods": "20"}, "used": {"limits.memory": "4Gi", "pods": "7"}})
    topology, cluster = discovered([*payments_cluster(), quota])
    facts = only(run(cluster, topology, "quota", ResourceRef(kind="Namespace", name=NS)), "ev-quota-compute")
    assert facts.exhausted == ["limits.memory 4Gi/4Gi"] and facts.usage["pods"] == "7/20"


def test_namespace_health_reports_other_failing_deployments_only() -> None:
    topology, cluster = discovered()
    result = run(cluster, topology, "namespace.health", ResourceRef(kind="Namespace", name=NS))
    assert [e.id for e in result.evidence] == ["ev-health-deployment-checkout"]
    assert result.evidence[0].facts.problem == "0/3 ready"


def test_coredns_health() -> None:
    dns_labels = {"k8s-app": "kube-dns"}
    pods = [pod("coredns-1", ns="kube-system", labels=dns_labels),
            pod("coredns-2", ns="kube-system", labels=dns_labels, ready=False, phase="Running")]
    topology, cluster = discovered([*payments_cluster(), *pods])
    result = run(cluster, topology, "coredns", ResourceRef(kind="Deployment", name="coredns", namespace="kube-system"))
    assert result.evidence[0].summary.startswith("CoreDNS 1/2 ready")


def test_dependency_facts_for_present_missing_and_external_hosts() -> None:
    topology, cluster = discovered([*payments_cluster(), simple("Service", "v1", "reporting", spec={})])
    db = only(run(cluster, topology, "dependency", "Service/production/payments-db"), "ev-dep-payments-db.production.svc")
    assert (db.host, db.port, db.external, db.ready_endpoints) == ("payments-db.production.svc", 5432, False, 1)
    assert db.found_in == "ConfigMap/production/payments-config key DB_URL"
    missing = run(cluster, topology, "dependency", "Service/production/reporting-v2")
    facts = only(missing, "ev-dep-reporting-v2.production.svc.cluster.local")
    assert facts.service == ResourceRef(kind="Service", name="reporting-v2", namespace=NS)
    assert "similar names in production: reporting" in missing.evidence[0].summary
    external = only(run(cluster, topology, "dependency", "External/fraud.vendor-api.com"), "ev-dep-fraud.vendor-api.com")
    assert external.external and external.port == 8443


def test_the_alert_itself_is_citable_evidence() -> None:
    topology, cluster = discovered()
    result = run(cluster, topology, "alert", topology.root)
    assert result.evidence[0].id == "ev-alert" and result.evidence[0].facts.name == "KubePodCrashLooping"


def test_limit_range_names_the_containers_it_rejects() -> None:
    limits = simple("LimitRange", "v1", "container-limits", spec={"limits": [
        {"type": "Container", "max": {"memory": "256Mi"}, "min": {"cpu": "500m"}, "default": {"memory": "128Mi"}}]})
    limits["metadata"]["creationTimestamp"] = "2026-11-28T01:48:00Z"
    topology, cluster = discovered([*payments_cluster(), limits])
    result = run(cluster, topology, "limitrange", ResourceRef(kind="Namespace", name=NS))
    facts = only(result, "ev-limitrange-container-limits")
    assert "Deployment/production/payments-api container api limits.memory 512Mi > max 256Mi" in facts.exhausted
    assert "Deployment/production/payments-api container api requests.cpu 250m < min 500m" in facts.exhausted
    assert facts.usage["Container max.memory"] == "256Mi"
    assert result.evidence[0].resource.kind == "LimitRange"
    assert result.changes[0].kind == ChangeKind.CREATED and result.changes[0].seconds_before_alert == 4320
