"""Discovery from every other start point."""

from __future__ import annotations

from typing import Any

import pytest

from firstresponder.models import EdgeRelation, ResourceRef, Topology
from firstresponder.topology import WORKLOAD_KIND, discover
from tests.support.memory_cluster import MemoryCluster
from tests.unit.topology.cluster_fixtures import (
    NS,
    container,
    meta,
    node,
    payments_cluster,
    pod,
    service,
    simple,
)


def run(start: ResourceRef | None, objects: list[dict[str, Any]] | None = None,
        namespace: str | None = NS) -> tuple[Topology, list[Any], MemoryCluster]:
    cluster = MemoryCluster(payments_cluster() if objects is None else objects)
    topology, gaps = discover(cluster, start, namespace=namespace)
    return topology, gaps, cluster


def has_edge(topology: Topology, source: str, target: str, relation: EdgeRelation) -> bool:
    return any(e.source == source and e.target == target and e.relation == relation for e in topology.edges)


def ref(kind: str, name: str, ns: str | None = NS) -> ResourceRef:
    return ResourceRef(kind=kind, name=name, namespace=ns)


def test_deployment_start_walks_down_to_revisions_pods_and_their_context() -> None:
    topology, _, _ = run(ref("Deployment", "payments-api"))
    assert topology.root.key == "Deployment/production/payments-api"
    assert has_edge(topology, "Deployment/production/payments-api", "ReplicaSet/production/payments-api-7d9f8b6c5d",
                    EdgeRelation.OWNS)
    pods = {n.ref.name for n in topology.of_kind("Pod") if n.ref.name.startswith("payments-api")}
    assert pods == {"payments-api-7d9f8b6c5d-x2x9z", "payments-api-7d9f8b6c5d-abcde"}
    assert topology.get("ConfigMap/production/payments-config") is not None
    assert topology.get("HorizontalPodAutoscaler/production/payments-api") is not None


def test_replicaset_start_goes_up_and_down() -> None:
    topology, _, _ = run(ref("ReplicaSet", "payments-api-7d9f8b6c5d"))
    assert topology.get("Deployment/production/payments-api") is not None
    assert topology.get("Pod/production/payments-api-7d9f8b6c5d-x2x9z") is not None


def test_statefulset_and_daemonset_starts_reach_their_pods() -> None:
    topology, _, _ = run(ref("StatefulSet", "payments-db"))
    assert has_edge(topology, "StatefulSet/production/payments-db", "Pod/production/payments-db-0", EdgeRelation.OWNS)
    assert has_edge(topology, "Service/production/payments-db", "Pod/production/payments-db-0", EdgeRelation.SELECTS)

    ds_labels = {"app": "log-agent"}
    ds = simple("DaemonSet", "apps/v1", "log-agent", "kube-system",
                spec={"selector": {"matchLabels": ds_labels}, "template": {"spec": {"containers": [container()]}}},
                status={"desiredNumberScheduled": 2, "numberReady": 1})
    agent = pod("log-agent-abcde", ns="kube-system", labels=ds_labels, owner=("DaemonSet", "log-agent", "uid-log-agent"))
    topology, _, _ = run(ref("DaemonSet", "log-agent", "kube-system"), [ds, agent, node("node-a")])
    assert has_edge(topology, "DaemonSet/kube-system/log-agent", "Pod/kube-system/log-agent-abcde", EdgeRelation.OWNS)
    assert has_edge(topology, "Pod/kube-system/log-agent-abcde", "Node/node-a", EdgeRelation.SCHEDULED_ON)


def _batch_objects() -> list[dict[str, Any]]:
    cron = simple("CronJob", "batch/v1", "nightly-report", spec={"schedule": "0 2 * * *", "jobTemplate": {
        "spec": {"template": {"spec": {"containers": [container("report")]}}}}})
    job_labels = {"batch.kubernetes.io/controller-uid": "uid-job-1"}
    job = simple("Job", "batch/v1", "nightly-report-289", spec={"backoffLimit": 2, "selector": {"matchLabels": job_labels},
                                                               "template": {"spec": {"containers": [container("report")]}}},
                 status={"failed": 3, "conditions": [{"type": "Failed", "status": "True",
                                                      "reason": "BackoffLimitExceeded"}]})
    job["metadata"] = meta("nightly-report-289", uid="uid-job-1", owner=("CronJob", "nightly-report", "uid-nightly-report"))
    worker = pod("nightly-report-289-q8x7z", labels=job_labels, owner=("Job", "nightly-report-289", "uid-job-1"),
                 phase="Failed", ready=False, spec={"containers": [container("report")], "restartPolicy": "Never"})
    return [cron, job, worker, node("node-a")]


def test_job_start_goes_up_to_the_cronjob_and_down_to_its_pods() -> None:
    topology, _, _ = run(ref("Job", "nightly-report-289"), _batch_objects())
    assert has_edge(topology, "CronJob/production/nightly-report", "Job/production/nightly-report-289", EdgeRelation.OWNS)
    assert has_edge(topology, "Job/production/nightly-report-289", "Pod/production/nightly-report-289-q8x7z",
                    EdgeRelation.OWNS)


def test_cronjob_start_reaches_its_jobs() -> None:
    topology, _, _ = run(ref("CronJob", "nightly-report"), _batch_objects())
    assert topology.get("Pod/production/nightly-report-289-q8x7z") is not None


def test_service_start_reaches_pods_endpoints_and_ingresses() -> None:
    topology, _, _ = run(ref("Service", "payments-api"))
    assert has_edge(topology, "Service/production/payments-api", "Pod/production/payments-api-7d9f8b6c5d-x2x9z",
                    EdgeRelation.SELECTS)
    assert topology.get("EndpointSlice/production/payments-api-abc12") is not None
    assert topology.get("Ingress/production/payments") is not None
    assert topology.get("Deployment/production/payments-api") is not None


def test_ingress_start_checks_default_backend_missing_services_and_class() -> None:
    ingress = simple("Ingress", "networking.k8s.io/v1", "shop", spec={
        "ingressClassName": "traefik",
        "defaultBackend": {"service": {"name": "payments-api", "port": {"name": "web"}}},
        "rules": [{"host": "shop.example.com", "http": {"paths": [
            {"path": "/cart", "backend": {"service": {"name": "cart", "port": {"number": 80}}}}]}}]})
    topology, _, _ = run(ref("Ingress", "shop"), [*payments_cluster(), ingress])
    assert "(default) -> port web" in next(e.detail for e in topology.edges if e.target == "Service/production/payments-api")
    cart = topology.get("Service/production/cart")
    assert cart is not None and cart.missing
    ingress_class = topology.get("IngressClass/traefik")
    assert ingress_class is not None and ingress_class.missing
    assert topology.get("Pod/production/payments-api-7d9f8b6c5d-x2x9z") is not None


def _storage_objects() -> list[dict[str, Any]]:
    claim = simple("PersistentVolumeClaim", "v1", "data-payments-db-0",
                   spec={"storageClassName": "gp3", "volumeName": "pvc-123"}, status={"phase": "Bound"})
    volume = simple("PersistentVolume", "v1", "pvc-123", None, spec={"storageClassName": "gp3"})
    user = pod("payments-db-0", spec={"containers": [container("postgres")],
                                      "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": claim["metadata"]["name"]}}]})
    return [claim, volume, user, node("node-a")]


def test_pvc_start_reaches_volume_missing_storage_class_and_mounting_pod() -> None:
    topology, _, _ = run(ref("PersistentVolumeClaim", "data-payments-db-0"), _storage_objects())
    assert has_edge(topology, "PersistentVolumeClaim/production/data-payments-db-0", "PersistentVolume/pvc-123",
                    EdgeRelation.BINDS)
    storage_class = topology.get("StorageClass/gp3")
    assert storage_class is not None and storage_class.missing
    assert has_edge(topology, "Pod/production/payments-db-0", "PersistentVolumeClaim/production/data-payments-db-0",
                    EdgeRelation.MOUNTS)


def test_pod_with_claim_reaches_storage() -> None:
    topology, _, _ = run(ref("Pod", "payments-db-0"), _storage_objects())
    assert topology.get("PersistentVolume/pvc-123") is not None


def test_hpa_start_reaches_its_target() -> None:
    topology, _, _ = run(ref("HorizontalPodAutoscaler", "payments-api"))
    assert has_edge(topology, "HorizontalPodAutoscaler/production/payments-api", "Deployment/production/payments-api",
                    EdgeRelation.SCALES)
    assert topology.get("Pod/production/payments-api-7d9f8b6c5d-x2x9z") is not None


def test_node_start_lists_its_pods_by_field_selector_unhealthy_first() -> None:
    topology, _, cluster = run(ResourceRef(kind="Node", name="node-a"))
    assert has_edge(topology, "Pod/production/payments-api-7d9f8b6c5d-x2x9z", "Node/node-a", EdgeRelation.SCHEDULED_ON)
    assert ("list", "Pod", "", "", "spec.nodeName=node-a") in cluster.calls
    # the crashing pod's owner chain is followed; healthy pods are left as they are
    assert topology.get("ReplicaSet/production/payments-api-7d9f8b6c5d") is not None


def test_pending_pod_gets_candidate_nodes_with_reasons() -> None:
    pending = pod("payments-api-7d9f8b6c5d-pend1", node=None, phase="Pending", ready=False, statuses=[],
                  spec={"containers": [container()], "nodeSelector": {"pool": "payments"}})
    nodes = [node("node-a", labels={"pool": "payments"}),
             node("node-b", labels={"pool": "general"}),
             node("node-c", labels={"pool": "payments"}, taints=[{"key": "gpu", "value": "true", "effect": "NoSchedule"}]),
             node("node-d", labels={"pool": "payments"}, unschedulable=True)]
    topology, _, _ = run(ref("Pod", "payments-api-7d9f8b6c5d-pend1"), [pending, *nodes])
    details = {e.target: e.detail for e in topology.edges if e.relation == EdgeRelation.CANDIDATE_NODE}
    assert details == {
        "Node/node-a": "fits selector, affinity and taints",
        "Node/node-b": "nodeSelector pool=payments not matched",
        "Node/node-c": "taint gpu=true:NoSchedule not tolerated",
        "Node/node-d": "cordoned (unschedulable)",
    }


def test_namespace_start_finds_unhealthy_workloads_first() -> None:
    topology, _, _ = run(None)
    assert topology.root.key == "Namespace/production"
    unhealthy = {e.target: e.detail for e in topology.edges if e.relation == EdgeRelation.IN_NAMESPACE}
    assert unhealthy == {"Deployment/production/payments-api": "1/2 ready",
                         "Deployment/production/checkout": "0/3 ready",
                         "Service/production/payments-cache": "no ready endpoints"}
    assert topology.get("Pod/production/payments-api-7d9f8b6c5d-x2x9z") is not None


@pytest.mark.parametrize(("name", "root"), [
    ("payments-api", "Deployment/production/payments-api"),
    ("payments-db", "StatefulSet/production/payments-db"),
])
def test_workload_name_start_resolves_kind(name: str, root: str) -> None:
    topology, gaps, _ = run(ref(WORKLOAD_KIND, name))
    assert topology.root.key == root
    assert any(f"resolved to {root}" in g.reason for g in gaps)  # the report says how the name was read


def test_container_insights_name_resolves_to_a_pod_by_prefix_when_no_workload_matches() -> None:
    bare = pod("legacy-batch-7x2p", labels={"app": "legacy"})
    topology, gaps, _ = run(ref("Deployment", "legacy-batch"), [bare, node("node-a")])
    assert topology.root.key == "Pod/production/legacy-batch-7x2p"
    assert any("by name prefix" in g.reason for g in gaps)


def test_unknown_workload_name_is_a_missing_root() -> None:
    topology, _, _ = run(ref(WORKLOAD_KIND, "nothing-here"))
    root = topology.get(topology.root)
    assert root is not None and root.missing


def test_deleted_pod_start_finds_its_probable_owner_by_name() -> None:
    topology, _, _ = run(ref("Pod", "payments-api-7d9f8b6c5d-gone1"))
    root = topology.get(topology.root)
    assert root is not None and root.missing
    assert has_edge(topology, "ReplicaSet/production/payments-api-7d9f8b6c5d", "Pod/production/payments-api-7d9f8b6c5d-gone1",
                    EdgeRelation.OWNS)
    assert topology.get("Pod/production/payments-api-7d9f8b6c5d-x2x9z") is not None


def test_named_target_port_and_selectorless_service() -> None:
    manual = service("external-db", None)
    topology, _, _ = run(ref("Service", "external-db"), [manual])
    assert list(topology.nodes) == ["Service/production/external-db"]
