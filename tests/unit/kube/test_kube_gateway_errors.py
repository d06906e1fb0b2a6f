"""KubeGateway failures over real HTTP: Status reasons, retry policy, timeouts, malformed bodies."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from firstresponder.kube.gateway import GatewayOptions, KubeGateway
from firstresponder.kube.reader import KubeApiError
from tests.unit.kube.scripted_api import Answer, ScriptedApi, scripted_api, status_body

NODE = {"kind": "Node", "apiVersion": "v1", "metadata": {"name": "n1"}}
NODE_PATH = "/api/v1/nodes/n1"


class Sleeps:
    """Records requested pauses instead of sleeping: retry tests take no wall-clock time."""

    def __init__(self) -> None:
        self.pauses: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)


@pytest.fixture
def api() -> Iterator[ScriptedApi]:
    with scripted_api() as stand_in:
        yield stand_in


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def gateway(api: ScriptedApi, sleeps: Sleeps) -> Iterator[KubeGateway]:
    options = GatewayOptions(read_timeout=5, max_retry_sleep=4)
    with KubeGateway.from_endpoint(api.url, options=options, sleep=sleeps) as gw:
        yield gw


def test_forbidden_carries_the_status_reason_message_and_rbac_rule(api: ScriptedApi,
                                                                  gateway: KubeGateway) -> None:
    message = 'pods is forbidden: User "fr" cannot list resource "pods" in API group "" in the namespace "shop"'
    api.script("/api/v1/namespaces/shop/pods", Answer(403, status_body(403, "Forbidden", message)))

    with pytest.raises(KubeApiError) as caught:
        gateway.pods("shop")

    error = caught.value
    assert (error.status, error.reason, error.message) == (403, "Forbidden", message)
    assert (error.kind, error.verb, error.namespace) == ("Pod", "list", "shop")
    assert error.rbac_rule == 'apiGroups: [""], resources: ["pods"], verbs: ["list"]'
    assert gateway.stats_snapshot().errors == {"403": 1}


def test_forbidden_logs_name_the_log_subresource(api: ScriptedApi, gateway: KubeGateway) -> None:
    api.script("/api/v1/namespaces/shop/pods/web-1/log", Answer(403, status_body(403, "Forbidden", "no")))

    with pytest.raises(KubeApiError) as caught:
        gateway.logs("shop", "web-1", "app")

    assert caught.value.rbac_rule == 'apiGroups: [""], resources: ["pods/log"], verbs: ["get"]'


def test_missing_log_is_an_error_not_none(api: ScriptedApi, gateway: KubeGateway) -> None:
    with pytest.raises(KubeApiError) as caught:
        gateway.logs("shop", "gone", "app", previous=True)
    assert (caught.value.status, caught.value.subresource, caught.value.name) == (404, "log", "gone")


@pytest.mark.parametrize("status", [400, 401, 409, 410, 500])
def test_other_failures_raise_once_without_retry(api: ScriptedApi, gateway: KubeGateway, status: int) -> None:
    api.script(NODE_PATH, Answer(status, b"not a status body"), Answer(body=NODE))

    with pytest.raises(KubeApiError) as caught:
        gateway.node("n1")

    assert caught.value.status == status
    assert caught.value.reason  # the HTTP phrase when the body is no Status
    assert len(api.seen) == 1


def test_a_503_is_retried_once(api: ScriptedApi, gateway: KubeGateway) -> None:
    api.script(NODE_PATH, Answer(503, status_body(503, "ServiceUnavailable", "busy")), Answer(body=NODE))

    assert gateway.node("n1") == NODE
    assert gateway.stats_snapshot().requests == 2
    assert gateway.stats_snapshot().errors == {"503": 1}


def test_two_503s_fail(api: ScriptedApi, gateway: KubeGateway) -> None:
    api.script(NODE_PATH, *[Answer(503, status_body(503, "ServiceUnavailable", "busy"))] * 2, Answer(body=NODE))

    with pytest.raises(KubeApiError) as caught:
        gateway.node("n1")

    assert (caught.value.status, caught.value.reason) == (503, "ServiceUnavailable")
    assert len(api.seen) == 2


def test_throttling_honours_retry_after_capped(api: ScriptedApi, gateway: KubeGateway, sleeps: Sleeps) -> None:
    throttled = status_body(429, "TooManyRequests", "slow down")
    api.script(NODE_PATH, Answer(429, throttled, {"Retry-After": "2"}),
               Answer(429, throttled, {"Retry-After": "30"}), Answer(body=NODE))

    assert gateway.node("n1") == NODE
    assert sleeps.pauses == [2.0, 4.0]  # 30 s capped at max_retry_sleep
    assert gateway.stats_snapshot().errors == {"429": 2}


def test_throttling_gives_up_after_two_retries(api: ScriptedApi, gateway: KubeGateway, sleeps: Sleeps) -> None:
    throttled = Answer(429, status_body(429, "TooManyRequests", "slow down"))
    api.script(NODE_PATH, throttled, throttled, throttled, Answer(body=NODE))

    with pytest.raises(KubeApiError) as caught:
        gateway.node("n1")

    assert caught.value.status == 429
    assert sleeps.pauses == [1.0, 1.0]  # no Retry-After: the default pause
    assert len(api.seen) == 3


def test_a_reset_connection_is_retried_once(api: ScriptedApi, gateway: KubeGateway) -> None:
    api.script(NODE_PATH, Answer(reset=True), Answer(body=NODE))

    assert gateway.node("n1") == NODE
    assert gateway.stats_snapshot().errors == {"connection": 1}


def test_two_resets_fail_as_a_connection_error(api: ScriptedApi, gateway: KubeGateway) -> None:
    api.script(NODE_PATH, Answer(reset=True), Answer(reset=True), Answer(body=NODE))

    with pytest.raises(KubeApiError) as caught:
        gateway.node("n1")

    assert (caught.value.status, caught.value.reason) == (None, "connection error")


def test_a_refused_connection_is_a_connection_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with KubeGateway.from_endpoint(f"http://127.0.0.1:{port}") as gw, pytest.raises(KubeApiError) as caught:
        gw.list("Namespace")
    assert (caught.value.status, caught.value.reason) == (None, "connection error")
    assert gw.stats_snapshot().errors == {"connection": 2}  # retried once


def test_a_slow_answer_times_out(api: ScriptedApi) -> None:
    api.script(NODE_PATH, Answer(body=NODE, delay=1.0))
    with KubeGateway.from_endpoint(api.url, options=GatewayOptions(read_timeout=0.2)) as gw:
        with pytest.raises(KubeApiError) as caught:
            gw.node("n1")
        assert (caught.value.status, caught.value.reason) == (None, "timeout")
        assert gw.stats_snapshot().errors == {"timeout": 1}


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe", b'"a string"'])
def test_malformed_bodies_are_errors(api: ScriptedApi, gateway: KubeGateway, body: bytes) -> None:
    api.script(NODE_PATH, Answer(body=body))

    with pytest.raises(KubeApiError) as caught:
        gateway.node("n1")

    assert caught.value.reason == "malformed response"


def test_list_items_that_are_not_objects_are_malformed(api: ScriptedApi, gateway: KubeGateway) -> None:
    api.script("/api/v1/nodes", Answer(body={"kind": "NodeList", "items": ["n1"]}))
    with pytest.raises(KubeApiError, match="malformed response"):
        gateway.nodes()


def test_a_repeated_continue_token_stops_paging(api: ScriptedApi, gateway: KubeGateway) -> None:
    page = Answer(body={"kind": "NodeList", "metadata": {"continue": "same"}, "items": []})
    api.script("/api/v1/nodes", page, page, page)
    with pytest.raises(KubeApiError, match="malformed response"):
        gateway.nodes()
    assert len(api.seen) == 2


def test_expired_continue_token_is_a_410(api: ScriptedApi, gateway: KubeGateway) -> None:
    api.script("/api/v1/nodes", Answer(body={"kind": "NodeList", "metadata": {"continue": "t1"}, "items": []}),
               Answer(410, status_body(410, "Expired", "too old resource version")))
    with pytest.raises(KubeApiError) as caught:
        gateway.nodes()
    assert (caught.value.status, caught.value.reason) == (410, "Expired")


def test_metrics_discovery_failure_other_than_not_served_raises(api: ScriptedApi, gateway: KubeGateway) -> None:
    api.script("/apis/metrics.k8s.io/v1beta1", Answer(401, status_body(401, "Unauthorized", "who?")),
               Answer(body={"kind": "APIResourceList"}))
    with pytest.raises(KubeApiError):
        gateway.metrics_available()
    assert gateway.metrics_available() is True  # a failure is not cached
