"""KubeGateway against the simulated cluster over real HTTP, connected through a kubeconfig."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from firstresponder.kube.connection import connect_kubeconfig
from firstresponder.kube.gateway import GatewayOptions, KubeGateway
from firstresponder.kube.reader import REDACTED, KubeApiError
from firstresponder.models.resource import ResourceRef
from firstresponder.sim import FaultKind, FaultPlan, FaultRule, SimulatedCluster
from firstresponder.snapshot import Snapshot, load_snapshot
from tests.support.simulator import BASIC_SNAPSHOT, running_simulator, write_methods

NS = "shop"
CRASHING = "checkout-7d9f8b6c5d-x2k4p"
NODE_1 = "ip-10-0-1-17.eu-west-1.compute.internal"


@pytest.fixture(scope="module")
def fixture() -> Snapshot:
    return load_snapshot(BASIC_SNAPSHOT)


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatedCluster]:
    with running_simulator() as cluster:
        yield cluster


@pytest.fixture
def gateway(sim: SimulatedCluster, tmp_path: Path) -> Iterator[KubeGateway]:
    with connect_kubeconfig(sim.write_kubeconfig(tmp_path / "kubeconfig")) as gw:
        yield gw


def _names(objects: list[dict[str, object]]) -> set[str]:
    return {str(o["metadata"]["name"]) for o in objects}  # type: ignore[index]


def _expected(fixture: Snapshot, kind: str, namespace: str | None = None) -> set[str]:
    return {o["metadata"]["name"] for o in fixture.objects_of_kind(kind)
            if namespace is None or o["metadata"].get("namespace") == namespace}


def test_get_returns_the_snapshot_object(gateway: KubeGateway, fixture: Snapshot) -> None:
    expected = next(o for o in fixture.objects_of_kind("Deployment") if o["metadata"]["name"] == "checkout")
    assert gateway.deployment(NS, "checkout") == expected


def test_get_of_a_missing_object_is_none(gateway: KubeGateway) -> None:
    assert gateway.pod(NS, "no-such-pod") is None
    assert gateway.node("no-such-node") is None


def test_lists_equal_the_snapshot_with_kind_and_api_version_on_items(gateway: KubeGateway,
                                                                    fixture: Snapshot) -> None:
    for kind in ("Pod", "Deployment", "ReplicaSet", "Service", "Event", "Node", "Namespace"):
        items = gateway.list(kind)
        assert _names(items) == _expected(fixture, kind), kind
        assert {item["kind"] for item in items} <= {kind}
        assert all(item["apiVersion"] for item in items)


def test_paging_through_continue_tokens_reads_everything(sim: SimulatedCluster, tmp_path: Path,
                                                         fixture: Snapshot) -> None:
    with KubeGateway.from_kubeconfig(sim.write_kubeconfig(tmp_path / "kc"),
                                     options=GatewayOptions(page_size=1)) as gw:
        pods = gw.pods(None)
        first = gw.list("Pod", None, limit=1)
        stats = gw.stats_snapshot()
    expected = _expected(fixture, "Pod")
    assert [p["metadata"]["name"] for p in pods].count(pods[0]["metadata"]["name"]) == 1
    assert _names(pods) == expected and len(pods) == len(expected)
    assert stats.requests >= len(expected) + 1  # one page per pod, then the one-item list
    assert len(first) == 1


def test_equality_label_selector(gateway: KubeGateway, fixture: Snapshot) -> None:
    pods = gateway.pods(NS, label_selector="app=checkout")
    expected = {o["metadata"]["name"] for o in fixture.objects_of_kind("Pod")
                if o["metadata"].get("labels", {}).get("app") == "checkout"}
    assert _names(pods) == expected and len(expected) == 2


def test_set_based_label_selector(gateway: KubeGateway, fixture: Snapshot) -> None:
    def app(pod: dict[str, Any]) -> str | None:
        return pod["metadata"].get("labels", {}).get("app")

    pods = fixture.objects_of_kind("Pod")
    chosen = {p["metadata"]["name"] for p in pods if app(p) in ("payments", "frontend")}
    not_checkout = {p["metadata"]["name"] for p in pods if app(p) != "checkout"}

    assert _names(gateway.pods(None, label_selector="app in (payments,frontend)")) == chosen and chosen
    assert _names(gateway.pods(None, label_selector="app notin (checkout)")) == not_checkout
    assert _names(gateway.pods(None, label_selector="app,app!=checkout")) == {
        p["metadata"]["name"] for p in pods if app(p) not in (None, "checkout")}


def test_field_selectors_on_node_and_phase(gateway: KubeGateway, fixture: Snapshot) -> None:
    on_node = {o["metadata"]["name"] for o in fixture.objects_of_kind("Pod") if o["spec"].get("nodeName") == NODE_1}
    assert _names(gateway.pods_on_node(NODE_1)) == on_node and on_node
    running = {o["metadata"]["name"] for o in fixture.objects_of_kind("Pod")
               if o.get("status", {}).get("phase") == "Running"}
    assert _names(gateway.pods(None, field_selector="status.phase=Running")) == running
    assert _names(gateway.pods(None, field_selector="status.phase!=Running")) == (
        _expected(fixture, "Pod") - running)


def test_events_for_a_pod(gateway: KubeGateway, fixture: Snapshot) -> None:
    events = gateway.events_for(ResourceRef(kind="Pod", name=CRASHING, namespace=NS))
    expected = {o["metadata"]["name"] for o in fixture.objects_of_kind("Event")
                if o["involvedObject"]["name"] == CRASHING}
    assert _names(events) == expected and len(expected) >= 2


def test_an_unsupported_field_selector_is_a_400(gateway: KubeGateway) -> None:
    with pytest.raises(KubeApiError) as caught:
        gateway.pods(NS, field_selector="spec.containers.image=nginx")
    assert caught.value.status == 400 and caught.value.reason == "BadRequest"
    assert caught.value.message and "field label not supported" in caught.value.message


def test_logs_current_previous_tail_and_limit(gateway: KubeGateway, fixture: Snapshot) -> None:
    # The snapshot stores lines as `kubectl logs --timestamps` prints them.
    stamped = fixture.logs[(NS, CRASHING, "checkout", False)]
    plain = "".join(line.partition(" ")[2] + "\n" for line in stamped.splitlines())

    assert gateway.logs(NS, CRASHING, "checkout", timestamps=True) == stamped
    assert gateway.logs(NS, CRASHING, "checkout") == plain
    assert gateway.logs(NS, CRASHING, "checkout", previous=True, timestamps=True) == (
        fixture.logs[(NS, CRASHING, "checkout", True)])
    assert gateway.logs(NS, CRASHING, "checkout", tail_lines=2) == "".join(plain.splitlines(True)[-2:])
    assert gateway.logs(NS, CRASHING, "checkout", limit_bytes=10) == plain[:10]


def test_a_missing_previous_log_is_an_error(gateway: KubeGateway) -> None:
    with pytest.raises(KubeApiError) as caught:
        gateway.logs(NS, "checkout-7d9f8b6c5d-9hvzt", "checkout", previous=True)
    assert caught.value.status == 400 and caught.value.subresource == "log"


def test_metrics(gateway: KubeGateway, fixture: Snapshot) -> None:
    assert gateway.metrics_available()
    pods = gateway.pod_metrics(NS)
    nodes = gateway.node_metrics()
    assert pods is not None and _names(pods) == _expected(fixture, "PodMetrics")
    assert nodes is not None and _names(nodes) == _expected(fixture, "NodeMetrics")


def test_secret_values_are_redacted(gateway: KubeGateway, fixture: Snapshot) -> None:
    raw = fixture.objects_of_kind("Secret")[0]
    secret = gateway.secret(NS, raw["metadata"]["name"])
    assert secret is not None and set(secret["data"]) == set(raw["data"])
    assert set(secret["data"].values()) == {REDACTED}
    listed = json.dumps(gateway.list("Secret"))
    assert not any(value in listed or value in json.dumps(secret) for value in raw["data"].values())


def test_stats_match_what_the_server_saw(sim: SimulatedCluster, tmp_path: Path) -> None:
    before = len(sim.requests)
    with connect_kubeconfig(sim.write_kubeconfig(tmp_path / "kc")) as gw:
        gw.pods(NS)
        gw.deployment(NS, "checkout")
        gw.pod(NS, "gone")
        stats = gw.stats_snapshot()
    served = sim.requests[before:]
    assert stats.requests == len(served) == 3
    assert stats.bytes == sum(record.bytes for record in served)
    assert stats.errors == {"404": 1}
    assert write_methods(sim) == []


def test_concurrent_reads_share_the_pool(sim: SimulatedCluster, tmp_path: Path,
                                        caplog: pytest.LogCaptureFixture) -> None:
    options = GatewayOptions(pool_maxsize=16)
    with KubeGateway.from_kubeconfig(sim.write_kubeconfig(tmp_path / "kc"), options=options) as gw, \
            ThreadPoolExecutor(max_workers=16) as pool, caplog.at_level(logging.WARNING, "urllib3"):
        results = list(pool.map(lambda _i: gw.deployment(NS, "checkout"), range(160)))
        stats = gw.stats_snapshot()
    assert all(r is not None and r["metadata"]["name"] == "checkout" for r in results)
    assert stats.requests == 160 and stats.errors == {}
    assert not [r for r in caplog.records if "pool is full" in r.getMessage()]


# Faults --------------------------------------------------------------------------------------
def _faulty(tmp_path: Path, *rules: FaultRule, **options: float) -> tuple[SimulatedCluster, KubeGateway]:
    sim = SimulatedCluster(BASIC_SNAPSHOT, faults=FaultPlan(rules))
    sim.start()
    gateway = KubeGateway.from_kubeconfig(sim.write_kubeconfig(tmp_path / "kubeconfig"),
                                          options=GatewayOptions(max_retry_sleep=0.05, **options))
    return sim, gateway


def test_forbidden_names_the_exact_rbac_rule(tmp_path: Path) -> None:
    sim, gateway = _faulty(tmp_path, FaultRule.http(403, kind="Deployment"), FaultRule.http(403, subresource="log"))
    try:
        with pytest.raises(KubeApiError) as listing:
            gateway.list("Deployment", NS)
        with pytest.raises(KubeApiError) as logs:
            gateway.logs(NS, CRASHING, "checkout")
    finally:
        gateway.close()
        sim.stop()
    assert listing.value.rbac_rule == 'apiGroups: ["apps"], resources: ["deployments"], verbs: ["list"]'
    assert listing.value.message and "cannot list resource \"deployments\"" in listing.value.message
    assert logs.value.rbac_rule == 'apiGroups: [""], resources: ["pods/log"], verbs: ["get"]'


def test_throttling_is_retried_after_retry_after(tmp_path: Path) -> None:
    sim, gateway = _faulty(tmp_path, FaultRule.http(429, kind="Pod", first=2))
    try:
        pods = gateway.pods(NS)
    finally:
        gateway.close()
        sim.stop()
    stats = gateway.stats_snapshot()
    assert pods and stats.requests == 3 and stats.errors == {"429": 2}
    assert [r.status for r in sim.requests][:2] == [429, 429]


def test_a_500_is_not_retried(tmp_path: Path) -> None:
    sim, gateway = _faulty(tmp_path, FaultRule.http(500, kind="Node"))
    try:
        with pytest.raises(KubeApiError) as caught:
            gateway.nodes()
        served = len(sim.requests)
    finally:
        gateway.close()
        sim.stop()
    assert (caught.value.status, served) == (500, 1)


def test_a_reset_is_retried_once(tmp_path: Path) -> None:
    sim, gateway = _faulty(tmp_path, FaultRule.of(FaultKind.RESET, kind="Service", first=1))
    try:
        services = gateway.services(NS)
    finally:
        gateway.close()
        sim.stop()
    assert services and gateway.stats_snapshot().errors == {"connection": 1}


def test_a_silent_server_times_out(tmp_path: Path) -> None:
    sim, gateway = _faulty(tmp_path, FaultRule.timeout(5, kind="Node"), read_timeout=0.3)
    try:
        with pytest.raises(KubeApiError) as caught:
            gateway.node(NODE_1)
    finally:
        gateway.close()
        sim.stop()
    assert (caught.value.status, caught.value.reason) == (None, "timeout")


@pytest.mark.parametrize("fault", [FaultKind.MALFORMED_JSON, FaultKind.TRUNCATED_JSON])
def test_broken_bodies_are_malformed_responses(tmp_path: Path, fault: FaultKind) -> None:
    sim, gateway = _faulty(tmp_path, FaultRule.of(fault, kind="Namespace"))
    try:
        with pytest.raises(KubeApiError) as caught:
            gateway.list("Namespace")
    finally:
        gateway.close()
        sim.stop()
    assert caught.value.reason == "malformed response"
