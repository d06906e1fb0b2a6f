"""Detectors for what pods depend on: dependencies, Services, NetworkPolicies, DNS, Ingress, outside hosts."""

from typing import Any

from firstresponder.analysis.detectors import (
    dependency_down,
    dns,
    external_dependency,
    ingress,
    network_policy,
    service_routing,
)
from firstresponder.models import Category, EdgeRelation, ResourceRef
from firstresponder.models.evidence import (
    ConfigFacts,
    DependencyFacts,
    IngressBackend,
    IngressFacts,
    LogFacts,
    NetworkPolicyFacts,
    ServiceFacts,
    ServicePort,
    WorkloadHealthFacts,
)

from .builders import NS, BundleBuilder, at, container, deployment
from .test_detectors_crash import NOW, assert_valid

DB_SVC = ResourceRef(kind="Service", namespace=NS, name="payments-db")
DB_HOST = "payments-db.production.svc.cluster.local"


def service(name: str, selector: dict[str, str], port: int = 5432, target: Any = 5432) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": NS},
            "spec": {"selector": selector, "ports": [{"port": port, "targetPort": target}]}}


def api_calling_db(*, db_replicas: int = 1, db_labels: dict[str, str] | None = None, matched: int = 0,
                   signatures: tuple[str, ...] = ("connection_refused",)) -> tuple[BundleBuilder, list[ResourceRef]]:
    b = BundleBuilder()
    _dep, pods = b.app(pods=2)
    db = deployment("payments-db", [container("postgres", image="postgres:16", ports=[{"containerPort": 5432}])],
                    replicas=db_replicas, labels=db_labels or {"app": "payments-db"})
    b.add(db)
    b.add(service("payments-db", {"app": "payments-db"}))
    b.fact(DB_SVC, ServiceFacts(service="payments-db", selector={"app": "payments-db"}, matched_pods=matched,
                                ports=[ServicePort(port=5432, target_port="5432", resolved_container_port=5432)]))
    b.fact(DB_SVC, DependencyFacts(host=DB_HOST, port=5432, found_in="ConfigMap/production/payments-config key DB_HOST",
                                   service=DB_SVC, ready_endpoints=0))
    for p in pods:
        b.crashloop(p)
        b.logs(p, [f"dial tcp {DB_HOST}:5432: connect: connection refused"], signatures=list(signatures),
               hosts=[DB_HOST])
    return b, pods


# --- dependency down -----------------------------------------------------------------------------

def test_scaled_to_zero_dependency_is_the_culprit_not_the_caller() -> None:
    b, pods = api_calling_db(db_replicas=0)
    bundle = b.build()
    [f] = dependency_down.detect(bundle, NOW)
    assert f.culprit == ResourceRef(kind="Deployment", namespace=NS, name="payments-db")
    assert "scaled to zero" in f.summary and f.direct
    assert sorted(f.explains) == sorted(p.key for p in pods)
    assert f.remediations[0].command == "kubectl scale deployment/payments-db -n production --replicas=1"
    assert_valid(bundle, [f])


def test_selector_mismatch_after_a_label_change_patches_the_selector() -> None:
    b, _pods = api_calling_db(db_labels={"app": "payments-db", "tier": "db"})
    b.topology.nodes["Deployment/production/payments-db"].object["spec"]["template"]["metadata"]["labels"] = {  # type: ignore[index]
        "app": "payments-database"}
    b.evidence = [e for e in b.evidence if e.facts.source != "service.status"]
    b.fact(DB_SVC, ServiceFacts(service="payments-db", selector={"app": "payments-db"}, matched_pods=0))
    bundle = b.build()
    [f] = dependency_down.detect(bundle, NOW)
    assert f.culprit == DB_SVC and "selects no pods" in f.summary
    assert f.remediations[0].command == ("kubectl patch service/payments-db -n production --type merge -p "
                                         "'{\"spec\":{\"selector\":{\"app\":\"payments-database\"}}}'")
    assert_valid(bundle, [f])


def test_dependency_with_failing_pods_is_a_symptom_of_them() -> None:
    b, _pods = api_calling_db(matched=1)
    [f] = dependency_down.detect(b.build(), NOW)
    assert f.culprit.name == "payments-db" and f.culprit.kind == "Deployment"
    assert "Deployment/production/payments-db" in f.symptom_of


def test_dependency_with_ready_endpoints_is_not_down() -> None:
    b, _pods = api_calling_db()
    b.evidence = [e for e in b.evidence if e.facts.source not in {"service.status", "dependency"}]
    b.fact(DB_SVC, DependencyFacts(host=DB_HOST, found_in="env", service=DB_SVC, ready_endpoints=2))
    assert dependency_down.detect(b.build(), NOW) == []


# --- service routing ------------------------------------------------------------------------------

def test_service_selecting_nothing() -> None:
    b = BundleBuilder(alert_resource=ResourceRef(kind="Service", namespace=NS, name="payments-api"))
    b.app(pods=1)
    b.add(service("payments-api", {"app": "payments", "tier": "api"}, 80, "http"))
    svc = ResourceRef(kind="Service", namespace=NS, name="payments-api")
    b.fact(svc, ServiceFacts(service="payments-api", selector={"app": "payments", "tier": "api"}, matched_pods=0))
    [f] = service_routing.detect(b.build(), NOW)
    assert f.category is Category.SERVICE_ROUTING and "selects no pods" in f.summary


def test_wrong_target_port_is_patched_with_a_json_patch() -> None:
    b = BundleBuilder(alert_resource=ResourceRef(kind="Service", namespace=NS, name="payments-api"))
    b.app(pods=1)
    b.add(service("payments-api", {"app": "payments-api"}, 80, 9090))
    svc = ResourceRef(kind="Service", namespace=NS, name="payments-api")
    b.fact(svc, ServiceFacts(service="payments-api", selector={"app": "payments-api"}, matched_pods=1,
                             ports=[ServicePort(port=80, target_port="9090", resolved_container_port=None)]))
    bundle = b.build()
    [f] = service_routing.detect(bundle, NOW)
    assert "targetPort 9090" in f.summary
    assert '"value":8080' in (f.remediations[0].command or "")
    assert_valid(bundle, [f])


def test_correct_target_port_is_fine() -> None:
    b = BundleBuilder()
    b.app(pods=1)
    svc = ResourceRef(kind="Service", namespace=NS, name="payments-api")
    b.fact(svc, ServiceFacts(service="payments-api", selector={"app": "payments-api"}, matched_pods=1,
                             ports=[ServicePort(port=80, target_port="http", resolved_container_port=8080)]))
    assert service_routing.detect(b.build(), NOW) == []


# --- network policy ------------------------------------------------------------------------------

def test_new_network_policy_blocking_the_caller_gets_an_allow_rule() -> None:
    b, pods = api_calling_db(signatures=("timeout",))
    netpol = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
              "metadata": {"name": "db-lockdown", "namespace": NS},
              "spec": {"podSelector": {"matchLabels": {"app": "payments-db"}}, "policyTypes": ["Ingress"], "ingress": []}}
    ref = b.add(netpol)
    b.fact(ref, NetworkPolicyFacts(policy="db-lockdown", policy_types=["Ingress"], selects=["payments-db-0"],
                                   denies=[f"ingress from {pods[0].key} to Pod/production/payments-db-0 port 5432"],
                                   created_at=NOW.replace(minute=0)))
    bundle = b.build()
    [f] = network_policy.detect(bundle, NOW)
    assert f.culprit == ref and pods[0].key in f.explains
    assert '"podSelector":{"matchLabels":{"app":"payments-api"}}' in (f.remediations[0].command or "")
    assert_valid(bundle, [f])


def test_policy_blocking_dns_egress_allows_kube_dns() -> None:
    b, pods = api_calling_db(signatures=("dns_failure",))
    netpol = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
              "metadata": {"name": "egress-lockdown", "namespace": NS},
              "spec": {"podSelector": {}, "policyTypes": ["Egress"]}}
    ref = b.add(netpol)
    b.fact(ref, NetworkPolicyFacts(policy="egress-lockdown", policy_types=["Egress"], selects=[pods[0].name],
                                   denies=[f"egress from {pods[0].key} to DNS (kube-system/kube-dns) port 53"]))
    bundle = b.build()
    [f] = network_policy.detect(bundle, NOW)
    command = f.remediations[0].command or ""
    assert '"path":"/spec/egress"' in command and '"k8s-app":"kube-dns"' in command and '"protocol":"UDP"' in command
    assert_valid(bundle, [f])


def test_policy_that_denies_nothing_is_ignored() -> None:
    b, _pods = api_calling_db()
    b.fact(b.root, NetworkPolicyFacts(policy="default-deny", denies=[]))
    assert network_policy.detect(b.build(), NOW) == []


# --- dns ------------------------------------------------------------------------------------------

def test_coredns_down_with_resolution_errors() -> None:
    b, _pods = api_calling_db(signatures=("dns_failure",))
    coredns = ResourceRef(kind="Deployment", namespace="kube-system", name="coredns")
    b.fact(coredns, WorkloadHealthFacts(resource=coredns, problem="CoreDNS 0/2 ready"))
    bundle = b.build()
    [f] = dns.detect(bundle, NOW)
    assert f.culprit == coredns and f.direct and len(f.explains) == 2
    assert_valid(bundle, [f])


def test_healthy_coredns_is_not_blamed() -> None:
    b, _pods = api_calling_db(signatures=("dns_failure",))
    coredns = ResourceRef(kind="Deployment", namespace="kube-system", name="coredns")
    b.fact(coredns, WorkloadHealthFacts(resource=coredns, problem="CoreDNS 2/2 ready"))
    assert dns.detect(b.build(), NOW) == []


def test_broken_corefile_edit_is_the_culprit() -> None:
    b, _pods = api_calling_db(signatures=("dns_failure",))
    coredns = ResourceRef(kind="Deployment", namespace="kube-system", name="coredns")
    b.fact(coredns, WorkloadHealthFacts(resource=coredns, problem="CoreDNS 0/2 ready"))
    corefile = ResourceRef(kind="ConfigMap", namespace="kube-system", name="coredns")
    old, new = ".:53 {\n  forward . /etc/resolv.conf\n}\n", ".:53 {\n  forward . 10.0.0.2:53:53\n}\n"
    b.fact(corefile, ConfigFacts(kind="ConfigMap", name="coredns", keys=["Corefile"], values={"Corefile": new},
                                 previous_values={"Corefile": old}, last_changed_at=at(-20), last_changed_by="kubectl-edit"))
    dns_pod = ResourceRef(kind="Pod", namespace="kube-system", name="coredns-5d78c9869d-x1")
    b.logs(dns_pod, ['/etc/coredns/Corefile:12 - Error during parsing: not an IP address or file: "10.0.0.2:53:53"'],
           name="coredns", previous=False)
    bundle = b.build()
    [f] = dns.detect(bundle, NOW)
    assert f.culprit == corefile and "kubectl-edit" in f.summary and "10.0.0.2:53:53" in f.detail
    patch, restart = f.remediations
    assert "forward . /etc/resolv.conf" in (patch.command or "")
    assert restart.command == "kubectl rollout restart deployment/coredns -n kube-system"
    assert_valid(bundle, [f])


def test_unrelated_unhealthy_workload_is_not_dns() -> None:
    b, _pods = api_calling_db(signatures=("dns_failure",))
    other = ResourceRef(kind="Deployment", namespace=NS, name="reports")
    b.fact(other, WorkloadHealthFacts(resource=other, problem="0/1 ready"))
    assert dns.detect(b.build(), NOW) == []


# --- ingress --------------------------------------------------------------------------------------

def ingress_object() -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "shop", "namespace": NS},
            "spec": {"ingressClassName": "nginx", "rules": [{"host": "shop.example.com", "http": {"paths": [
                {"path": "/", "pathType": "Prefix",
                 "backend": {"service": {"name": "payments-api", "port": {"number": 8081}}}}]}}]}}


def test_ingress_port_missing_is_patched_to_the_service_port() -> None:
    b = BundleBuilder()
    ref = b.add(ingress_object())
    b.add(service("payments-api", {"app": "payments-api"}, 80, 8080))
    b.fact(ref, IngressFacts(ingress="shop", class_name="nginx", backends=[
        IngressBackend(host="shop.example.com", path="/", service="payments-api", port="8081", port_exists=False)]))
    bundle = b.build()
    [f] = ingress.detect(bundle, NOW)
    assert f.culprit == ref and "no such port" in f.summary
    assert '"value":{"number":80}' in (f.remediations[0].command or "")
    assert_valid(bundle, [f])


def test_ingress_missing_tls_secret_and_class() -> None:
    b = BundleBuilder()
    ref = b.add(ingress_object())
    b.fact(ref, IngressFacts(ingress="shop", class_name="nginx", class_exists=False, tls_secrets={"shop-tls": False}))
    summaries = sorted(f.summary for f in ingress.detect(b.build(), NOW))
    assert len(summaries) == 2
    assert "IngressClass nginx" in summaries[0] and "TLS Secret shop-tls" in summaries[1]


def test_healthy_ingress_has_no_findings() -> None:
    b = BundleBuilder()
    ref = b.add(ingress_object())
    b.fact(ref, IngressFacts(ingress="shop", backends=[IngressBackend(service="payments-api", port="80")]))
    assert ingress.detect(b.build(), NOW) == []


# --- outside the cluster ---------------------------------------------------------------------------

def external_bundle() -> BundleBuilder:
    b = BundleBuilder()
    _dep, pods = b.app(pods=2)
    b.fact(b.root, DependencyFacts(host="api.stripe.com", port=443, found_in="env STRIPE_URL of container api",
                                   external=True))
    for p in pods:
        b.crashloop(p)
        b.logs(p, ["POST https://api.stripe.com/v1/charges: 503 Service Unavailable"], signatures=["http_5xx"],
               hosts=["api.stripe.com"])
    return b


def test_external_host_failing_is_outside_the_cluster() -> None:
    [f] = external_dependency.detect(external_bundle().build(), NOW)
    assert f.culprit == ResourceRef(kind="External", name="api.stripe.com")
    assert f.outside_cluster and not f.direct
    assert all(r.command is None or r.command.startswith("kubectl logs ") for r in f.remediations)  # reads only


def test_external_host_not_in_the_errors_is_not_blamed() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.fact(b.root, DependencyFacts(host="api.stripe.com", found_in="env", external=True))
    b.crashloop(pods[0])
    b.logs(pods[0], ["panic: index out of range"], signatures=[])
    assert external_dependency.detect(b.build(), NOW) == []


def test_missing_dependency_service_is_named() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    ghost = ResourceRef(kind="Service", namespace=NS, name="payments-dbb")
    b.missing(ghost)
    b.fact(ghost, DependencyFacts(host="payments-dbb", port=5432, found_in="env DB_HOST of container api",
                                  service=ghost, ready_endpoints=None))
    b.crashloop(pods[0])
    b.logs(pods[0], ["dial tcp: lookup payments-dbb on 10.96.0.10:53: no such host"], signatures=["dns_failure"],
           hosts=["payments-dbb"])
    [f] = dependency_down.detect(b.build(), NOW)
    assert f.culprit == ghost and "does not exist" in f.summary


def test_relabel_moves_the_selector_to_the_key_that_carries_the_value() -> None:
    from firstresponder.analysis.service_links import selector_for
    assert selector_for({"app": "inventory"}, {"app.kubernetes.io/name": "inventory"}) == {
        "app.kubernetes.io/name": "inventory"}
    assert selector_for({"app": "db", "tier": "x"}, {"app": "database"}) == {"app": "database"}
    assert selector_for({"app": "db"}, {"team": "payments"}) == {}


def test_scaled_to_zero_by_a_downscaler_restores_the_recorded_count() -> None:
    b, _pods = api_calling_db(db_replicas=0)
    obj = b.topology.nodes["Deployment/production/payments-db"].object
    assert obj is not None
    obj["metadata"]["annotations"]["downscaler/original-replicas"] = "3"
    obj["metadata"]["managedFields"] = [{"manager": "kube-downscaler", "time": "2026-11-28T09:20:00Z"}]
    [f] = dependency_down.detect(b.build(), NOW)
    assert "by kube-downscaler at 09:20" in f.summary
    assert f.remediations[0].command == "kubectl scale deployment/payments-db -n production --replicas=3"
    assert f.change is not None and f.change.actor == "kube-downscaler"


def test_callers_that_log_only_an_ip_are_found_through_their_dependency_edges() -> None:
    b, pods = api_calling_db(db_replicas=0)
    for ev in b.evidence:
        if isinstance(ev.facts, LogFacts):
            ev.facts.hosts = ["10.100.4.7"]
    for p in pods:
        b.link(p, DB_SVC, EdgeRelation.DEPENDS_ON, f"env DB_HOST: {DB_HOST}:5432")
    [f] = dependency_down.detect(b.build(), NOW)
    assert sorted(f.explains) == sorted(p.key for p in pods)
