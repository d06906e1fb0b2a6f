"""CoreDNS health with its Corefile, ingress controller logs, scaling writes, and which pods' logs are read."""

from __future__ import annotations

import json

from firstresponder.collectors import plan_collection
from firstresponder.models import ResourceRef
from firstresponder.models.evidence import ChangeKind
from tests.unit.collectors.support import discovered, only, run
from tests.unit.topology.cluster_fixtures import (
    NS,
    config_map,
    container,
    deployment,
    node,
    payments_cluster,
    pod,
    replicaset,
    simple,
)

DNS = ResourceRef(kind="Deployment", name="coredns", namespace="kube-system")


def test_unhealthy_coredns_brings_its_corefile_and_a_failing_log() -> None:
    dns_labels = {"k8s-app": "kube-dns"}
    crashing = {"name": "coredns", "ready": False, "restartCount": 6,
                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}
    pods = [pod(f"coredns-{i}", ns="kube-system", labels=dns_labels, ready=False, statuses=[crashing],
                spec={"containers": [container("coredns")]}) for i in (1, 2)]
    applied = {"data": {"Corefile": ".:53 {\n    forward . 10.0.0.2:53\n}\n"}}
    corefile = config_map("coredns", {"Corefile": ".:53 {\n    forward . 10.0.0.2:53:53\n}\n"}, ns="kube-system",
                          annotations={"kubectl.kubernetes.io/last-applied-configuration": json.dumps(applied)},
                          managedFields=[{"manager": "kubectl-edit", "time": "2026-11-28T02:36:00Z"}])
    logs = {"kube-system/coredns-1/coredns.previous":
            "plugin/forward: Error during parsing: not an IP address or file: 10.0.0.2:53:53\n"}
    topology, cluster = discovered([*payments_cluster(), *pods, corefile], logs=logs)
    result = run(cluster, topology, "coredns", DNS)
    assert result.evidence[0].summary.startswith("CoreDNS 0/2 ready")
    facts = only(result, "ev-cm-kube-system-coredns")
    assert "10.0.0.2:53:53" in facts.values["Corefile"] and "10.0.0.2:53\n" in facts.previous_values["Corefile"]
    assert facts.last_changed_by == "kubectl-edit"
    log = only(result, "ev-logs-coredns-1-coredns-previous")
    assert "not an IP address" in log.first_error.text
    assert [c.kind for c in result.changes] == [ChangeKind.CONFIG_UPDATE]


def test_healthy_coredns_reads_nothing_more() -> None:
    dns_labels = {"k8s-app": "kube-dns"}
    topology, cluster = discovered([*payments_cluster(), pod("coredns-1", ns="kube-system", labels=dns_labels)])
    result = run(cluster, topology, "coredns", DNS)
    assert [e.id for e in result.evidence] == ["ev-dns-coredns"] and len(cluster.calls) == 1


def test_ingress_controller_lines_about_the_ingress_and_similar_backends() -> None:
    nginx = {"app.kubernetes.io/name": "ingress-nginx"}
    controller = pod("ingress-nginx-controller-abc", ns="ingress-nginx", labels=nginx,
                     spec={"containers": [container("controller")]})
    ingress = simple("Ingress", "networking.k8s.io/v1", "payments", spec={
        "ingressClassName": "nginx",
        "rules": [{"http": {"paths": [{"path": "/", "backend": {"service": {"name": "payments-apii",
                                                                          "port": {"number": 80}}}}]}}]})
    objects = [o for o in payments_cluster() if o["kind"] != "Ingress"] + [ingress, controller]
    log = "\n".join(['W1128 02:50:01 controller.go:1216] Error obtaining Endpoints for Service "production/payments-apii"',
                     'W1128 02:50:04 controller.go:1216] Error obtaining Endpoints for Service "production/payments-apii"',
                     "I1128 02:50:05 store.go:1] syncing other/thing"])
    topology, cluster = discovered(objects, start=ResourceRef(kind="Ingress", name="payments", namespace=NS),
                                   logs={"ingress-nginx/ingress-nginx-controller-abc/controller": log})
    result = run(cluster, topology, "ingress.controller", "Ingress/production/payments")
    facts = only(result, "ev-logs-ingress-controller-payments")
    assert [line.number for line in facts.key_lines] == [2]  # repeats collapse to the latest
    assert result.evidence[0].resource.namespace == "ingress-nginx"
    summary = run(cluster, topology, "ingress", "Ingress/production/payments").evidence[0].summary
    assert "backend Service payments-apii missing (similar: payments-api" in summary


def test_replica_writes_from_managed_fields_are_scaling_changes() -> None:
    scaled = deployment("recommendations", labels={"app": "rec"}, spec={"containers": [container()]}, replicas=0,
                        ready=0)
    scaled["metadata"]["managedFields"] = [
        {"manager": "helm", "operation": "Update", "time": "2026-11-01T00:00:00Z",
         "fieldsV1": {"f:spec": {"f:template": {}}}},
        {"manager": "kube-downscaler", "operation": "Update", "time": "2026-11-28T02:11:00Z",
         "fieldsV1": {"f:metadata": {"f:annotations": {}}, "f:spec": {"f:replicas": {}}}},
        {"manager": "kube-controller-manager", "operation": "Update", "subresource": "status",
         "time": "2026-11-28T02:12:00Z", "fieldsV1": {"f:status": {"f:replicas": {}}}}]
    topology, cluster = discovered([scaled], start=ResourceRef(kind="Deployment", name="recommendations", namespace=NS))
    result = run(cluster, topology, "workload.rollout", "Deployment/production/recommendations")
    [change] = [c for c in result.changes if c.kind == ChangeKind.SCALE]
    assert change.actor == "kube-downscaler" and change.summary.endswith("(now 0)")
    assert change.seconds_before_alert == 2940


def test_a_healthy_focus_pod_is_read_when_nothing_crashes() -> None:
    labels = {"app": "checkout"}
    spec = {"containers": [container("web")]}
    deploy = deployment("checkout", labels=labels, spec=spec, replicas=2, ready=2)
    rs = replicaset(deploy, "5f6d7c8b9a", 1, 2)
    owner = ("ReplicaSet", rs["metadata"]["name"], rs["metadata"]["uid"])
    pod_labels = {**labels, "pod-template-hash": "5f6d7c8b9a"}
    objects = [deploy, rs, pod("checkout-5f6d7c8b9a-aaaaa", labels=pod_labels, spec=spec, owner=owner),
               pod("checkout-5f6d7c8b9a-bbbbb", labels=pod_labels, spec=spec, owner=owner), node("node-a")]
    topology, _ = discovered(objects, start=ResourceRef(kind="Deployment", name="checkout", namespace=NS))
    logs = [t.resource.name for t in plan_collection(topology) if t.collector == "pod.logs"]
    assert len(logs) == 1 and logs[0].startswith("checkout-")
