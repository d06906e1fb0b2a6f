"""Discovery from an alerting pod: every edge kind, missing objects, dependencies, gaps, request count."""

from __future__ import annotations

import threading
import time
from typing import Any

from firstresponder.models import EdgeRelation, ResourceRef, Topology
from firstresponder.topology import TopologyBudget, compact_topology, discover
from tests.support.memory_cluster import MemoryCluster
from tests.unit.topology.cluster_fixtures import NS, payments_cluster, unrelated_pods

POD = ResourceRef(kind="Pod", name="payments-api-7d9f8b6c5d-x2x9z", namespace=NS)
POD_KEY = POD.key


def edge(topology: Topology, source: str, target: str, relation: EdgeRelation) -> str:
    """The detail of the one matching edge (fails when absent)."""
    details = [e.detail for e in topology.edges
               if e.source == source and e.target == target and e.relation == relation]
    assert details, f"no {relation} edge {source} -> {target}"
    return details[0]


def walk(objects: list[dict[str, Any]] | None = None, **kwargs: Any) -> tuple[Topology, Any, MemoryCluster]:
    cluster = MemoryCluster(objects if objects is not None else payments_cluster(), **kwargs)
    topology, gaps = discover(cluster, POD, namespace=NS, budget=TopologyBudget())
    return topology, gaps, cluster


def test_ownership_goes_up_to_the_deployment_and_down_to_siblings_and_previous_revision() -> None:
    topology, gaps, _ = walk()
    rs = "ReplicaSet/production/payments-api-7d9f8b6c5d"
    edge(topology, rs, POD_KEY, EdgeRelation.OWNS)
    edge(topology, "Deployment/production/payments-api", rs, EdgeRelation.OWNS)
    edge(topology, "Deployment/production/payments-api", "ReplicaSet/production/payments-api-5c6b7a8d9e",
         EdgeRelation.OWNS)
    assert "healthy" in edge(topology, rs, "Pod/production/payments-api-7d9f8b6c5d-abcde", EdgeRelation.OWNS)
    assert topology.get("ReplicaSet/production/payments-api-44f5b6c7d8") is None  # revision 1, no pods
    assert topology.get(rs).relation == f"owner of Pod {POD.name}"  # type: ignore[union-attr]
    assert gaps == []


def test_selection_routing_and_scaling_edges() -> None:
    topology, _, _ = walk()
    assert edge(topology, "Service/production/payments-api", POD_KEY, EdgeRelation.SELECTS) == "port 80 -> http"
    edge(topology, "PodDisruptionBudget/production/payments-api", POD_KEY, EdgeRelation.SELECTS)  # matchExpressions
    assert "1 not ready" in edge(topology, "Service/production/payments-api",
                                 "EndpointSlice/production/payments-api-abc12", EdgeRelation.ENDPOINTS)
    assert "pay.example.com/" in edge(topology, "Ingress/production/payments", "Service/production/payments-api",
                                      EdgeRelation.ROUTES_TO)
    edge(topology, "Ingress/production/payments", "IngressClass/nginx", EdgeRelation.USES_CLASS)
    edge(topology, "Ingress/production/payments", "Secret/production/payments-tls", EdgeRelation.TLS)
    edge(topology, "HorizontalPodAutoscaler/production/payments-api", "Deployment/production/payments-api",
         EdgeRelation.SCALES)
    edge(topology, POD_KEY, "Node/node-a", EdgeRelation.SCHEDULED_ON)
    edge(topology, POD_KEY, "ServiceAccount/production/payments-api", EdgeRelation.RUNS_AS)


def test_configuration_edges_name_the_use_and_flag_missing_keys() -> None:
    topology, _, _ = walk()
    details = [e.detail for e in topology.edges
               if e.source == POD_KEY and e.relation == EdgeRelation.CONFIGURES]
    assert "env DB_URL of container api (key DB_URL)" in details
    assert "env FEATURE_FLAGS of container api (key FLAGS): key FLAGS missing" in details
    assert "envFrom of container api" in details
    assert "volume files" in details
    assert "imagePullSecrets" in details
    assert topology.get("Secret/production/payments-secrets").relation == (  # type: ignore[union-attr]
        "referenced by env DB_PASSWORD of container api")


def test_missing_configmap_is_a_missing_node() -> None:
    objects = [o for o in payments_cluster() if o["metadata"]["name"] != "payments-env"]
    topology, gaps, _ = walk(objects)
    node = topology.get("ConfigMap/production/payments-env")
    assert node is not None and node.missing and node.object is None
    assert gaps == []  # a 404 is a finding, not a gap


def test_dependencies_from_env_and_configmap_values_are_followed_to_their_workloads() -> None:
    topology, _, _ = walk()
    db = "Service/production/payments-db"
    assert "payments-db.production.svc:5432" in edge(topology, POD_KEY, db, EdgeRelation.DEPENDS_ON)
    edge(topology, db, "Pod/production/payments-db-0", EdgeRelation.SELECTS)
    edge(topology, "StatefulSet/production/payments-db", "Pod/production/payments-db-0", EdgeRelation.OWNS)
    edge(topology, "NetworkPolicy/production/db-ingress", "Pod/production/payments-db-0", EdgeRelation.SELECTS)
    assert "CACHE_HOST" in edge(topology, POD_KEY, "Service/production/payments-cache", EdgeRelation.DEPENDS_ON)
    assert "application.yaml" in edge(topology, POD_KEY, "Service/finance/ledger", EdgeRelation.DEPENDS_ON)
    assert topology.get(db).relation == (  # type: ignore[union-attr]
        "dependency via ConfigMap/production/payments-config key DB_URL")


def test_unknown_cluster_dns_name_is_a_missing_service_and_public_host_is_external() -> None:
    topology, _, _ = walk()
    missing = topology.get("Service/production/reporting-v2")
    assert missing is not None and missing.missing
    external = topology.get("External/fraud.vendor-api.com")
    assert external is not None and not external.missing and external.ref.namespace is None
    assert "fraud.vendor-api.com:8443" in edge(topology, POD_KEY, external.ref.key, EdgeRelation.DEPENDS_ON)


def test_forbidden_kind_becomes_a_gap_with_the_rbac_rule_and_the_walk_goes_on() -> None:
    topology, gaps, _ = walk(failures={"NetworkPolicy": 403})
    assert [g.what for g in gaps] == ["list NetworkPolicy in namespace production"]
    assert gaps[0].status == 403
    assert gaps[0].rbac_rule == 'apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["list"]'
    assert topology.get("Service/production/payments-api") is not None
    assert topology.get("Service/production/payments-db") is not None
    assert not list(topology.of_kind("NetworkPolicy"))


def test_forbidden_secrets_leave_unreadable_not_missing_nodes() -> None:
    topology, gaps, _ = walk(failures={"Secret": 403})
    node = topology.get("Secret/production/payments-secrets")
    assert node is not None and not node.missing and node.object is None
    assert "(unreadable)" in node.relation
    assert any(g.rbac_rule and '"secrets"' in g.rbac_rule for g in gaps)


def test_server_errors_on_one_kind_degrade_into_gaps() -> None:
    topology, gaps, _ = walk(failures={"Ingress": 500})
    assert [(g.what, g.status, g.rbac_rule) for g in gaps] == [("list Ingress in namespace production", 500, None)]
    assert topology.get("IngressClass/nginx") is None and topology.get("Deployment/production/payments-api")


def test_a_typical_pod_investigation_examines_a_senior_engineers_worth_of_resources() -> None:
    topology, _, cluster = walk()
    assert 15 <= len(topology.nodes) <= 30
    assert cluster.stats.requests <= 40


def test_request_count_does_not_grow_with_unrelated_pods() -> None:
    _, _, small = walk()
    topology, _, large = walk(payments_cluster() + unrelated_pods(1000))
    assert large.stats.requests == small.stats.requests
    assert not any(n.ref.name.startswith("worker-") for n in topology.nodes.values())
    pod_lists = [c for c in large.calls if c[0] == "list" and c[1] == "Pod"]
    assert pod_lists and all(c[3] or c[4] for c in pod_lists)  # always a label or field selector


def test_template_siblings_share_the_full_walk() -> None:
    _, _, cluster = walk()
    config_gets = [c for c in cluster.calls if c[0] == "get" and c[1] in ("ConfigMap", "Secret")]
    assert len(config_gets) == len(set(config_gets))  # every object read once
    assert cluster.count("list", "Service") == 1


class _SlowCluster(MemoryCluster):
    """Each read takes a moment; records how many were in flight at once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = 0
        self.max_in_flight = 0
        self._flight = threading.Lock()

    def _count(self, *call: str) -> None:
        with self._flight:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        time.sleep(0.01)
        with self._flight:
            self.in_flight -= 1
        super()._count(*call)


def test_reads_of_one_layer_run_concurrently() -> None:
    cluster = _SlowCluster(payments_cluster())
    discover(cluster, POD, namespace=NS)
    assert cluster.max_in_flight >= 4


def test_size_budget_truncates_with_a_gap() -> None:
    cluster = MemoryCluster(payments_cluster())
    topology, gaps = discover(cluster, POD, namespace=NS, budget=TopologyBudget(max_nodes=5))
    assert len(topology.nodes) == 5
    assert any("size budget 5" in g.reason for g in gaps)


def test_depth_budget_stops_the_walk_with_a_gap() -> None:
    cluster = MemoryCluster(payments_cluster())
    topology, gaps = discover(cluster, POD, namespace=NS, budget=TopologyBudget(max_depth=1))
    assert max(n.depth for n in topology.nodes.values()) == 1
    assert any("depth budget 1" in g.reason for g in gaps)


def test_compact_topology_keeps_the_graph_and_change_times_but_not_field_sets() -> None:
    objects = payments_cluster()
    for obj in objects:
        obj["metadata"]["managedFields"] = [{"manager": "kubectl-edit", "time": "2026-11-28T02:30:00Z",
                                             "fieldsV1": {"f:data": {"f:DB_URL": {"f:deep": {}}}}}]
        if obj["kind"] == "Node":
            obj["status"]["images"] = [{"names": ["registry/x:1"], "sizeBytes": 1}]
    topology, _, _ = walk(objects)
    slim = compact_topology(topology)
    assert slim.edges == topology.edges and slim.nodes.keys() == topology.nodes.keys()
    config = slim.get("ConfigMap/production/payments-config")
    assert config is not None and config.object is not None
    assert config.object["metadata"]["managedFields"] == [{"manager": "kubectl-edit", "time": "2026-11-28T02:30:00Z",
                                                           "fieldsV1": {"f:data": {"f:DB_URL": {}}}}]
    node = slim.get("Node/node-a")
    assert node is not None and node.object is not None and "images" not in node.object["status"]
    assert "f:deep" in topology.model_dump_json()  # the original is untouched
