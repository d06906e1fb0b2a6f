"""Service, Ingress and NetworkPolicy collectors."""

from __future__ import annotations

from typing import Any

from firstresponder.models import ResourceRef
from tests.unit.collectors.support import discovered, only, run
from tests.unit.topology.cluster_fixtures import NS, endpoint_slice, payments_cluster, service, simple


def _replace(objects: list[dict[str, Any]], *new: dict[str, Any]) -> list[dict[str, Any]]:
    keys = {(o["kind"], o["metadata"]["name"]) for o in new}
    return [o for o in objects if (o["kind"], o["metadata"]["name"]) not in keys] + list(new)


def test_service_resolves_named_target_port_and_counts_endpoints() -> None:
    topology, cluster = discovered()
    result = run(cluster, topology, "service", "Service/production/payments-api")
    facts = only(result, "ev-svc-payments-api")
    assert facts.selector == {"app": "payments-api"} and facts.matched_pods == 2
    assert [(p.port, p.target_port, p.resolved_container_port) for p in facts.ports] == [(80, "http", 8080)]
    assert (facts.ready_endpoints, facts.not_ready_endpoints) == (1, 1)


def test_service_with_a_target_port_name_no_container_declares() -> None:
    objects = _replace(payments_cluster(), service("payments-api", {"app": "payments-api"}, target_port="web"))
    topology, cluster = discovered(objects)
    result = run(cluster, topology, "service", "Service/production/payments-api")
    assert only(result, "ev-svc-payments-api").ports[0].resolved_container_port is None
    assert "targetPort web matches no container port" in result.evidence[0].summary


def test_service_whose_selector_matches_nothing() -> None:
    objects = _replace(payments_cluster(), service("payments-api", {"app": "payments-api", "tier": "web"}),
                       endpoint_slice("payments-api", 0))
    topology, cluster = discovered(objects, start=ResourceRef(kind="Service", name="payments-api", namespace=NS))
    facts = only(run(cluster, topology, "service", "Service/production/payments-api"), "ev-svc-payments-api")
    assert facts.matched_pods == 0 and facts.ready_endpoints == 0


def test_ingress_reports_missing_backend_port_class_and_tls() -> None:
    ingress = simple("Ingress", "networking.k8s.io/v1", "payments", spec={
        "ingressClassName": "traefik",
        "tls": [{"hosts": ["pay.example.com"], "secretName": "pay-tls-2026"}],
        "defaultBackend": {"service": {"name": "payments-api", "port": {"number": 8080}}},
        "rules": [{"host": "pay.example.com", "http": {"paths": [
            {"path": "/", "backend": {"service": {"name": "payments-api", "port": {"name": "web"}}}},
            {"path": "/admin", "backend": {"service": {"name": "admin", "port": {"number": 80}}}}]}}]})
    topology, cluster = discovered(_replace(payments_cluster(), ingress))
    result = run(cluster, topology, "ingress", "Ingress/production/payments")
    facts = only(result, "ev-ingress-payments")
    backends = {(b.path, b.service, b.port): (b.service_exists, b.port_exists) for b in facts.backends}
    assert backends == {("(default)", "payments-api", "8080"): (True, False),
                        ("/", "payments-api", "web"): (True, True),
                        ("/admin", "admin", "80"): (False, False)}
    assert (facts.class_name, facts.class_exists) == ("traefik", False)
    assert facts.tls_secrets == {"pay-tls-2026": False}
    assert "backend Service admin missing" in result.evidence[0].summary


def test_network_policy_that_blocks_the_app_from_its_database() -> None:
    topology, cluster = discovered()
    result = run(cluster, topology, "networkpolicy", "NetworkPolicy/production/db-ingress")
    facts = only(result, "ev-netpol-db-ingress")
    assert facts.selects == ["payments-db-0"] and facts.policy_types == ["Ingress"]
    assert facts.denies == ["ingress from Pod/production/payments-api-7d9f8b6c5d-x2x9z to "
                            "Pod/production/payments-db-0 port 5432"]
    assert result.changes[0].summary == "NetworkPolicy db-ingress created"


def test_network_policy_that_admits_the_app_denies_nothing() -> None:
    policy = simple("NetworkPolicy", "networking.k8s.io/v1", "db-ingress", spec={
        "podSelector": {"matchLabels": {"app": "payments-db"}}, "policyTypes": ["Ingress"],
        "ingress": [{"from": [{"podSelector": {"matchExpressions": [
            {"key": "app", "operator": "In", "values": ["payments-api", "ledger"]}]}}],
            "ports": [{"protocol": "TCP", "port": 5400, "endPort": 5499}]}]})
    topology, cluster = discovered(_replace(payments_cluster(), policy))
    assert only(run(cluster, topology, "networkpolicy", "NetworkPolicy/production/db-ingress"),
                "ev-netpol-db-ingress").denies == []


def test_egress_policy_without_dns_or_db_access() -> None:
    policy = simple("NetworkPolicy", "networking.k8s.io/v1", "api-egress", spec={
        "podSelector": {"matchLabels": {"app": "payments-api"}}, "policyTypes": ["Egress"],
        "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "finance"}}}]}]})
    topology, cluster = discovered([*payments_cluster(), policy])
    facts = only(run(cluster, topology, "networkpolicy", "NetworkPolicy/production/api-egress"),
                 "ev-netpol-api-egress")
    assert "egress from Pod/production/payments-api-7d9f8b6c5d-x2x9z to Pod/production/payments-db-0 port 5432" \
        in facts.denies
    assert any("DNS" in d for d in facts.denies)
    assert sorted(facts.selects) == ["payments-api-7d9f8b6c5d-abcde", "payments-api-7d9f8b6c5d-x2x9z"]
