"""Dependencies behind Services without pods, StatefulSet pod DNS names, and the cluster-wide start."""

from __future__ import annotations

from typing import Any

from firstresponder.models import EdgeRelation, ResourceRef, Topology
from firstresponder.topology import discover
from tests.support.memory_cluster import MemoryCluster
from tests.unit.topology.cluster_fixtures import (
    NS,
    container,
    deployment,
    node,
    pod,
    secret,
    service,
    simple,
)

FRONTEND = {"app": "frontend"}


def _frontend(env_value: str) -> list[dict[str, Any]]:
    spec = {"containers": [container("web", env=[{"name": "BACKEND_URL", "value": env_value}])]}
    return [deployment("frontend", labels=FRONTEND, spec=spec, replicas=1, ready=1),
            pod("frontend-abc12", labels=FRONTEND, spec=spec), node("node-a")]


def _edges(topology: Topology, relation: EdgeRelation) -> dict[tuple[str, str], str]:
    return {(e.source, e.target): e.detail for e in topology.edges if e.relation == relation}


def test_service_scaled_to_zero_leads_to_its_workload() -> None:
    backend = deployment("recommendations", labels={"app": "recommendations"},
                         spec={"containers": [container("api")]}, replicas=0, ready=0)
    objects = [*_frontend("http://recommendations:8080"), backend,
               service("recommendations", {"app": "recommendations"})]
    topology, _ = discover(MemoryCluster(objects), ResourceRef(kind="Pod", name="frontend-abc12", namespace=NS))
    selects = _edges(topology, EdgeRelation.SELECTS)
    assert selects[("Service/production/recommendations", "Deployment/production/recommendations")] == (
        "pod template matches the selector; spec.replicas=0")


def test_service_whose_selector_drifted_from_the_workload_labels() -> None:
    relabelled = {"app.kubernetes.io/name": "inventory"}
    backend = deployment("inventory", labels=relabelled, spec={"containers": [container("api")]})
    objects = [*_frontend("http://inventory.production.svc.cluster.local"), backend,
               pod("inventory-x1", labels=relabelled), service("inventory", {"app": "inventory"})]
    topology, _ = discover(MemoryCluster(objects), ResourceRef(kind="Pod", name="frontend-abc12", namespace=NS))
    detail = _edges(topology, EdgeRelation.SELECTS)[("Service/production/inventory", "Deployment/production/inventory")]
    assert detail.startswith("same name, but its pod labels") and "app=inventory" in detail


def test_statefulset_pod_dns_name_resolves_to_the_headless_service() -> None:
    cache_labels = {"app": "session-cache"}
    cache = simple("StatefulSet", "apps/v1", "session-cache", spec={"selector": {"matchLabels": cache_labels}})
    objects = [*_frontend("redis://session-cache-0.session-cache:6379"), cache,
               service("session-cache", cache_labels, port=6379, target_port=6379),
               pod("session-cache-0", labels=cache_labels, owner=("StatefulSet", "session-cache", "uid-session-cache"),
                   ready=False)]
    topology, _ = discover(MemoryCluster(objects), ResourceRef(kind="Pod", name="frontend-abc12", namespace=NS))
    depends = _edges(topology, EdgeRelation.DEPENDS_ON)
    assert ("Pod/production/frontend-abc12", "Service/production/session-cache") in depends
    assert topology.get("StatefulSet/production/session-cache") is not None
    assert topology.get("External/session-cache-0.session-cache") is None


def test_two_label_name_of_an_existing_namespace_is_a_missing_service_not_an_external_host() -> None:
    objects = [*_frontend("http://ledger.finance:9000"), simple("Namespace", "v1", "finance", None)]
    topology, _ = discover(MemoryCluster(objects), ResourceRef(kind="Pod", name="frontend-abc12", namespace=NS))
    ledger = topology.get("Service/finance/ledger")
    assert ledger is not None and ledger.missing
    objects = _frontend("https://partner.example:9000")
    topology, _ = discover(MemoryCluster(objects), ResourceRef(kind="Pod", name="frontend-abc12", namespace=NS))
    assert topology.get("External/partner.example") is not None


def test_cluster_wide_start_scans_nodes_deployments_and_ingresses() -> None:
    shop = simple("Ingress", "networking.k8s.io/v1", "shop", "web", spec={
        "tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls-new"}],
        "rules": [{"host": "shop.example.com", "http": {"paths": [
            {"path": "/", "backend": {"service": {"name": "shop", "port": {"number": 80}}}}]}}]})
    objects = [shop, service("shop", {"app": "shop"}, ns="web"), secret("shop-tls-old", ["tls.crt"], ns="web"),
               node("node-a"), node("node-b", ready=False)]
    cluster = MemoryCluster(objects)
    topology, gaps = discover(cluster, None, namespace=None)
    assert topology.root.key == "Cluster/cluster"
    found = _edges(topology, EdgeRelation.IN_NAMESPACE)
    assert found == {("Cluster/cluster", "Node/node-b"): "NotReady",
                     ("Cluster/cluster", "Ingress/web/shop"): "TLS Secret shop-tls-new missing"}
    tls = topology.get("Secret/web/shop-tls-new")
    assert tls is not None and tls.missing
    assert all(c[3] or c[4] for c in cluster.calls if c[:2] == ("list", "Pod"))  # never all pods
    assert any("scanned the cluster" in g.reason for g in gaps)
