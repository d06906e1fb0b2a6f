"""Planning, independent task runs, parallel collection and bundle assembly."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from firstresponder.collectors import (
    COLLECTORS,
    KIND_COLLECTORS,
    CollectionTask,
    collect_all,
    plan_collection,
    run_task,
)
from firstresponder.models import ResourceRef, Topology
from tests.support.memory_cluster import MemoryCluster
from tests.unit.collectors.support import NOW, POD, alert_for, discovered
from tests.unit.topology.cluster_fixtures import NS, payments_cluster

LOGS = {f"{NS}/{POD.name}/api": "ERROR dial tcp: lookup db on 10.96.0.10:53: no such host\n",
        f"{NS}/{POD.name}/api.previous": "panic: boom\n"}


def test_registry_names_every_collector_the_kind_table_uses() -> None:
    assert {name for names in KIND_COLLECTORS.values() for name in names} <= set(COLLECTORS)


def test_plan_is_serialisable_and_covers_the_topology() -> None:
    topology, _ = discovered()
    tasks = plan_collection(topology)
    assert [CollectionTask.model_validate_json(t.model_dump_json()) for t in tasks] == tasks
    keys = {t.key for t in tasks}
    assert {f"pod.status:{POD.key}", f"pod.logs:{POD.key}", f"events:{POD.key}",
            "config:ConfigMap/production/payments-config", "config:Secret/production/regcred",
            "workload.rollout:Deployment/production/payments-api", "service:Service/production/payments-api",
            "ingress:Ingress/production/payments", "networkpolicy:NetworkPolicy/production/db-ingress",
            "node:Node/node-a", "dependency:External/fraud.vendor-api.com",
            "dependency:Service/production/reporting-v2", "quota:Namespace/production",
            "namespace.health:Namespace/production", f"alert:{POD.key}"} <= keys
    assert "pod.logs:Pod/production/payments-api-7d9f8b6c5d-abcde" not in keys  # healthy sibling: status only
    assert "config:Secret/production/payments-tls" not in keys  # TLS: the ingress collector's business
    assert len(keys) == len(tasks)


def test_a_task_runs_alone_from_its_json_form() -> None:
    topology, cluster = discovered(logs=LOGS)
    task_json = CollectionTask(collector="pod.logs", resource=POD).model_dump_json()
    topology_json, alert_json = topology.model_dump_json(), alert_for().model_dump_json()
    result = run_task(cluster, CollectionTask.model_validate_json(task_json), Topology.model_validate_json(topology_json),
                      alert_for().model_validate_json(alert_json), NOW)
    assert result.status == "ok" and result.api_requests == 2 and len(result.evidence) == 2


def test_unknown_collector_and_crashing_reads_become_gaps() -> None:
    topology, cluster = discovered()
    unknown = run_task(cluster, CollectionTask(collector="nope", resource=POD), topology, alert_for(), NOW)
    assert unknown.status == "error" and unknown.gaps[0].reason == "unknown collector"

    class Broken(MemoryCluster):
        def list(self, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
            raise RuntimeError("connection reset")

    crashed = run_task(Broken(payments_cluster()), CollectionTask(collector="events", resource=POD), topology,
                       alert_for(), NOW)
    assert crashed.status == "error" and crashed.gaps[0].reason == "RuntimeError: connection reset"


def test_collect_all_assembles_a_time_ordered_bundle_with_a_dns_follow_up() -> None:
    topology, cluster = discovered(logs=LOGS)
    bundle = collect_all(cluster, topology, alert_for(), now=NOW)
    ids = [e.id for e in bundle.evidence]
    assert len(ids) == len(set(ids))
    assert "ev-dns-coredns" in ids  # logs showed dns_failure, so cluster DNS was checked
    assert [c.at for c in bundle.changes] == sorted(c.at for c in bundle.changes)
    assert bundle.gaps == []
    assert bundle.by_source("container.logs") and bundle.by_source("config.object")
    # one selector list per Service, node (requests) and Ingress (its controller), one for CoreDNS
    services = len(list(topology.of_kind("Service"))) - 1  # reporting-v2 is missing
    nodes = len(list(topology.of_kind("Node")))
    ingresses = len(list(topology.of_kind("Ingress")))
    assert cluster.count("list", "Pod") == services + nodes + ingresses + 1
    assert all(c[3] or c[4] for c in cluster.calls if c[:2] == ("list", "Pod"))


def test_no_dns_follow_up_without_dns_failures() -> None:
    topology, cluster = discovered()
    bundle = collect_all(cluster, topology, alert_for(), now=NOW)
    assert bundle.get("ev-dns-coredns") is None


def test_one_failing_kind_degrades_into_a_gap() -> None:
    topology, cluster = discovered(logs=LOGS)
    cluster.failures["Event"] = 403
    bundle = collect_all(cluster, topology, alert_for(), now=NOW)
    assert bundle.get("ev-logs-payments-api-7d9f8b6c5d-x2x9z-api-current") is not None
    rules = {g.rbac_rule for g in bundle.gaps}
    assert rules == {'apiGroups: [""], resources: ["events"], verbs: ["list"]'}


def test_evidence_ids_stay_unique_across_namespaces() -> None:
    topology, cluster = discovered()
    results_topology = topology.model_copy(deep=True)
    bundle = collect_all(cluster, results_topology, alert_for(), now=NOW)
    assert len({e.id for e in bundle.evidence}) == len(bundle.evidence)


class _SlowCluster(MemoryCluster):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = self.max_in_flight = 0
        self._flight = threading.Lock()

    def _count(self, *call: str) -> None:
        with self._flight:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        time.sleep(0.005)
        with self._flight:
            self.in_flight -= 1
        super()._count(*call)


def test_tasks_run_in_parallel() -> None:
    topology, _ = discovered()
    slow = _SlowCluster(payments_cluster(), logs=LOGS)
    collect_all(slow, topology, alert_for(), now=NOW, max_workers=8)
    assert slow.max_in_flight >= 4


def test_namespace_start_plans_namespace_collectors() -> None:
    memory = MemoryCluster(payments_cluster())
    from firstresponder.topology import discover

    topology, _ = discover(memory, None, namespace=NS)
    keys = {t.key for t in plan_collection(topology)}
    assert "quota:Namespace/production" in keys and "alert:Namespace/production" in keys
    assert json.loads(json.dumps([t.model_dump() for t in plan_collection(topology)]))
    assert ResourceRef(kind="Namespace", name=NS) == topology.root


def test_follow_ups_check_hosts_only_the_logs_name() -> None:
    logs = {f"{NS}/{POD.name}/api": "\n".join([
        "ERROR dial tcp: lookup payments-db.production.svc on 10.96.0.10:53: no such host",  # configured: covered
        "ERROR POST https://hooks.partner-bank.example.net/v2/settle failed: 503 Service Unavailable",
        "ERROR dial tcp: lookup ledger-v2 on 10.96.0.10:53: no such host"])}
    topology, cluster = discovered(logs=logs)
    bundle = collect_all(cluster, topology, alert_for(), now=NOW)
    ledger = bundle.get("ev-dep-ledger-v2")
    assert ledger is not None and ledger.facts.service == ResourceRef(kind="Service", name="ledger-v2", namespace=NS)
    assert ledger.facts.found_in == "container logs of the alerting pods"
    partner = bundle.get("ev-dep-hooks.partner-bank.example.net")
    assert partner is not None and partner.facts.external
    db = [e for e in bundle.evidence if e.id.startswith("ev-dep-payments-db")]
    assert [e.facts.found_in for e in db] == ["ConfigMap/production/payments-config key DB_URL"]  # not duplicated


def test_log_host_resolving_to_an_existing_service() -> None:
    logs = {f"{NS}/{POD.name}/api": "ERROR connect ECONNREFUSED payments-cache:6379\n"}
    topology, cluster = discovered(logs=logs)
    topology.edges = [e for e in topology.edges if "payments-cache" not in e.target]  # as if not configured
    bundle = collect_all(cluster, topology, alert_for(), now=NOW)
    cache = bundle.get("ev-dep-payments-cache")
    assert cache is not None and cache.facts.ready_endpoints == 0 and not cache.facts.external


def test_collection_request_count_does_not_grow_with_unrelated_pods() -> None:
    from tests.unit.topology.cluster_fixtures import unrelated_pods

    counts = []
    for objects in (payments_cluster(), payments_cluster() + unrelated_pods(1000)):
        topology, cluster = discovered(objects, logs=LOGS)
        collect_all(cluster, topology, alert_for(), now=NOW)
        counts.append(cluster.stats.requests)
    assert counts[0] == counts[1]


def test_memory_cluster_serves_a_scenario_snapshot_like_the_simulator() -> None:
    from pathlib import Path

    from firstresponder.intake import parse_alert_file
    from firstresponder.topology import discover

    directory = Path(__file__).resolve().parents[2] / "scenarios" / "01-payments-configmap-db-host"
    cluster = MemoryCluster.from_snapshot(directory)
    alert = parse_alert_file(directory / "alert.json")[0]
    assert alert.resource is not None
    topology, gaps = discover(cluster, alert.resource, namespace=alert.namespace)
    bundle = collect_all(cluster, topology, alert, now=alert.starts_at, gaps=gaps)
    assert bundle.get(f"ev-logs-{alert.resource.name}-api-current") is not None
    missing = topology.get("Service/production/payments-db-v2")
    assert missing is not None and missing.missing
