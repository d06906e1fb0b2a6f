"""KubeGateway reads over real HTTP against a scripted stand-in: paths, shapes, paging, redaction."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from firstresponder.kube.gateway import GatewayOptions, KubeGateway
from firstresponder.kube.reader import REDACTED, ClusterReader
from firstresponder.models.resource import ResourceRef
from tests.unit.kube.scripted_api import EMPTY_LIST, Answer, ScriptedApi, scripted_api

CANARY = "canary-c2VjcmV0LXZhbHVl-0xDEADBEEF"


@pytest.fixture
def api() -> Iterator[ScriptedApi]:
    with scripted_api() as stand_in:
        yield stand_in


@pytest.fixture
def gateway(api: ScriptedApi) -> Iterator[KubeGateway]:
    with KubeGateway.from_endpoint(api.url, options=GatewayOptions(read_timeout=5)) as gw:
        yield gw


def _pod(name: str) -> dict[str, object]:
    return {"metadata": {"name": name, "namespace": "shop"}, "spec": {"nodeName": "n1"}}


def test_gateway_satisfies_the_cluster_reader_protocol(gateway: KubeGateway) -> None:
    reader: ClusterReader = gateway
    assert reader.stats.requests == 0


def test_get_returns_the_served_dict_at_the_kinds_path(api: ScriptedApi, gateway: KubeGateway) -> None:
    body = {"kind": "Deployment", "apiVersion": "apps/v1", "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"replicas": 3}}
    api.script("/apis/apps/v1/namespaces/shop/deployments/web", Answer(body=body))

    assert gateway.deployment("shop", "web") == body
    assert api.seen[0].headers["accept"] == "application/json"
    assert "read-only" in api.seen[0].headers["user-agent"]


def test_get_of_a_missing_object_is_none(api: ScriptedApi, gateway: KubeGateway) -> None:
    assert gateway.get("Node", "ghost") is None
    assert api.paths() == ["/api/v1/nodes/ghost"]


def test_list_adds_kind_and_api_version_to_items(api: ScriptedApi, gateway: KubeGateway) -> None:
    api.script("/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers",
               Answer(body={"kind": "HorizontalPodAutoscalerList", "apiVersion": "autoscaling/v2",
                            "metadata": {}, "items": [{"metadata": {"name": "web"}}]}))

    items = gateway.hpas("shop")

    assert items == [{"metadata": {"name": "web"}, "kind": "HorizontalPodAutoscaler",
                      "apiVersion": "autoscaling/v2"}]


def test_list_sends_selectors_and_follows_continue_tokens(api: ScriptedApi, gateway: KubeGateway) -> None:
    path = "/api/v1/pods"
    api.script(path,
               Answer(body={"kind": "PodList", "apiVersion": "v1", "metadata": {"continue": "t1"},
                            "items": [_pod("a")]}),
               Answer(body={"kind": "PodList", "apiVersion": "v1", "metadata": {"continue": "t2"},
                            "items": [_pod("b")]}),
               Answer(body={"kind": "PodList", "apiVersion": "v1", "metadata": {}, "items": [_pod("c")]}))

    pods = gateway.pods(None, label_selector="app in (web,api),tier!=db", field_selector="spec.nodeName=n1")

    assert [p["metadata"]["name"] for p in pods] == ["a", "b", "c"]
    assert [s.query.get("continue") for s in api.seen] == [None, ["t1"], ["t2"]]
    assert api.seen[0].query["labelSelector"] == ["app in (web,api),tier!=db"]
    assert api.seen[0].query["fieldSelector"] == ["spec.nodeName=n1"]
    assert api.seen[0].query["limit"] == ["500"]


def test_list_with_a_limit_reads_one_page_only(api: ScriptedApi, gateway: KubeGateway) -> None:
    api.script("/api/v1/namespaces/shop/events",
               Answer(body={"kind": "EventList", "apiVersion": "v1", "metadata": {"continue": "more"},
                            "items": [{"metadata": {"name": "e1"}}, {"metadata": {"name": "e2"}}]}))

    events = gateway.list("Event", "shop", limit=2)

    assert [e["metadata"]["name"] for e in events] == ["e1", "e2"]
    assert len(api.seen) == 1 and api.seen[0].query["limit"] == ["2"]


def test_cluster_scoped_kinds_ignore_a_namespace(api: ScriptedApi, gateway: KubeGateway) -> None:
    api.default = lambda _path: EMPTY_LIST
    gateway.list("StorageClass", "shop")
    assert api.paths() == ["/apis/storage.k8s.io/v1/storageclasses"]


def test_events_for_selects_on_the_involved_object(api: ScriptedApi, gateway: KubeGateway) -> None:
    api.default = lambda _path: EMPTY_LIST
    gateway.events_for(ResourceRef(kind="Pod", name="web-1", namespace="shop"))

    assert api.paths() == ["/api/v1/namespaces/shop/events"]
    assert api.seen[0].query["fieldSelector"] == [
        "involvedObject.kind=Pod,involvedObject.name=web-1,involvedObject.namespace=shop"]


def test_secret_values_never_leave_the_gateway(api: ScriptedApi, gateway: KubeGateway) -> None:
    applied = json.dumps({"kind": "Secret", "data": {"password": CANARY}})
    secret = {"kind": "Secret", "apiVersion": "v1", "type": "Opaque",
              "metadata": {"name": "db", "namespace": "shop",
                           "annotations": {"kubectl.kubernetes.io/last-applied-configuration": applied,
                                           "team": "payments"}},
              "data": {"password": CANARY, "user": "YWRtaW4="}, "stringData": {"token": CANARY}}
    api.script("/api/v1/namespaces/shop/secrets/db", Answer(body=secret))
    listed = {key: value for key, value in secret.items() if key not in ("kind", "apiVersion")}
    api.script("/api/v1/namespaces/shop/secrets",
               Answer(body={"kind": "SecretList", "apiVersion": "v1", "metadata": {}, "items": [listed]}))

    one = gateway.secret("shop", "db")
    many = gateway.list("Secret", "shop")

    assert one is not None
    assert one["data"] == {"password": REDACTED, "user": REDACTED}
    assert one["stringData"] == {"token": REDACTED}
    assert one["metadata"]["annotations"] == {"team": "payments"}
    assert many == [one]
    assert CANARY not in json.dumps([one, many])


def test_logs_pass_every_option_and_return_text(api: ScriptedApi, gateway: KubeGateway) -> None:
    api.script("/api/v1/namespaces/shop/pods/web-1/log", Answer(body="line 1\nline 2\n"))

    text = gateway.logs("shop", "web-1", "app", previous=True, tail_lines=50, since_seconds=600,
                        limit_bytes=4096, timestamps=True)

    assert text == "line 1\nline 2\n"
    assert api.seen[0].query == {"container": ["app"], "previous": ["true"], "timestamps": ["true"],
                                 "tailLines": ["50"], "sinceSeconds": ["600"], "limitBytes": ["4096"]}


def test_logs_decode_invalid_utf8_without_failing(api: ScriptedApi, gateway: KubeGateway) -> None:
    api.script("/api/v1/namespaces/shop/pods/web-1/log", Answer(body=b"ok \xff\xfe end"))
    assert gateway.logs("shop", "web-1", "app") == "ok \ufffd\ufffd end"


def test_metrics_discovery_is_cached(api: ScriptedApi, gateway: KubeGateway) -> None:
    api.script("/apis/metrics.k8s.io/v1beta1", Answer(body={"kind": "APIResourceList", "resources": []}))
    api.script("/apis/metrics.k8s.io/v1beta1/nodes",
               Answer(body={"kind": "NodeMetricsList", "apiVersion": "metrics.k8s.io/v1beta1",
                            "metadata": {}, "items": [{"metadata": {"name": "n1"}, "usage": {"cpu": "1"}}]}))

    assert gateway.metrics_available() and gateway.metrics_available()
    nodes = gateway.node_metrics()

    assert nodes is not None and nodes[0]["kind"] == "NodeMetrics"
    assert api.paths().count("/apis/metrics.k8s.io/v1beta1") == 1


def test_metrics_not_served_reads_as_none(api: ScriptedApi, gateway: KubeGateway) -> None:
    assert gateway.metrics_available() is False
    assert gateway.pod_metrics("shop") is None
    assert gateway.node_metrics("n1") is None
    assert api.paths() == ["/apis/metrics.k8s.io/v1beta1"]


def test_pod_metrics_of_one_pod(api: ScriptedApi, gateway: KubeGateway) -> None:
    api.script("/apis/metrics.k8s.io/v1beta1", Answer(body={"kind": "APIResourceList"}))
    api.script("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-1",
               Answer(body={"kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
                            "metadata": {"name": "web-1", "namespace": "shop"}, "containers": []}))

    metrics = gateway.pod_metrics("shop", "web-1")

    assert metrics is not None and [m["metadata"]["name"] for m in metrics] == ["web-1"]
    assert gateway.pod_metrics("shop", "gone") == []


def test_stats_count_requests_and_bytes_across_threads(api: ScriptedApi, gateway: KubeGateway) -> None:
    body = {"kind": "Node", "apiVersion": "v1", "metadata": {"name": "n1"}}
    size = len(json.dumps(body).encode())
    api.default = lambda _path: Answer(body=body)

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda _i: gateway.node("n1"), range(200)))

    stats = gateway.stats_snapshot()
    assert stats.requests == 200
    assert stats.bytes == 200 * size
    assert stats.errors == {}


def test_a_token_source_is_asked_before_each_request(api: ScriptedApi) -> None:
    tokens = iter(["tok-1", "tok-2", "tok-3", "tok-4"])
    with KubeGateway.from_endpoint(api.url, token_source=lambda: next(tokens)) as gw:
        gw.get("Node", "a")
        gw.get("Node", "b")

    # The first token is taken at construction; the hook then refreshes before every request.
    assert [s.headers["authorization"] for s in api.seen] == ["Bearer tok-2", "Bearer tok-3"]


def test_kubeconfig_connection(api: ScriptedApi, tmp_path: object) -> None:
    from pathlib import Path

    config = Path(str(tmp_path)) / "kubeconfig"
    config.write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "other",
        "clusters": [{"name": "sim", "cluster": {"server": api.url}},
                     {"name": "far", "cluster": {"server": "http://127.0.0.1:9"}}],
        "users": [{"name": "reader", "user": {"token": "kc-token"}}],
        "contexts": [{"name": "sim", "context": {"cluster": "sim", "user": "reader"}},
                     {"name": "other", "context": {"cluster": "far", "user": "reader"}}]}))

    with KubeGateway.from_kubeconfig(config, context="sim") as gw:
        assert gw.get("Namespace", "default") is None

    assert api.seen[0].headers["authorization"] == "Bearer kc-token"


@pytest.mark.parametrize(("kind", "name", "namespace"), [
    ("Widget", "x", "shop"),  # not in KIND_RESOURCES
    ("Pod", "..", "shop"),
    ("Pod", "", "shop"),
    ("Pod", "web-1", None),  # namespaced kinds need a namespace
])
def test_bad_arguments_are_refused_before_any_request(api: ScriptedApi, gateway: KubeGateway, kind: str,
                                                      name: str, namespace: str | None) -> None:
    with pytest.raises(ValueError):
        gateway.get(kind, name, namespace)
    assert api.seen == []


def test_a_zero_limit_is_refused(api: ScriptedApi, gateway: KubeGateway) -> None:
    with pytest.raises(ValueError):
        gateway.list("Pod", "shop", limit=0)
    assert api.seen == []


def test_a_name_is_escaped_into_one_path_segment(api: ScriptedApi, gateway: KubeGateway) -> None:
    gateway.get("Pod", "../../nodes/n1", "shop")
    assert api.paths() == ["/api/v1/namespaces/shop/pods/..%2F..%2Fnodes%2Fn1"]
