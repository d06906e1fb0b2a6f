"""HTTP-level behaviour: keep-alive, bodies read before 405, HEAD, request records, and every injected fault."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import urllib3
from kubernetes import client
from kubernetes.client.rest import ApiException

from firstresponder.sim import FaultKind, FaultPlan, FaultRule, SimulatedCluster
from tests.integration.sim.conftest import api_client_for
from tests.support.simulator import BASIC_SNAPSHOT, running_simulator

CRASHING = "checkout-7d9f8b6c5d-x2k4p"
PODS = "/api/v1/namespaces/shop/pods"


def connect(cluster: SimulatedCluster) -> http.client.HTTPConnection:
    host, port = cluster.url.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=10)


def test_keep_alive_and_write_bodies_are_consumed(cluster: SimulatedCluster) -> None:
    connection = connect(cluster)
    body = json.dumps({"spec": {"replicas": 3}})

    connection.request("PATCH", "/apis/apps/v1/namespaces/shop/deployments/checkout", body=body,
                       headers={"Content-Type": "application/merge-patch+json"})
    refused = connection.getresponse()
    refused_body = json.loads(refused.read())
    connection.request("GET", f"{PODS}/{CRASHING}")
    after = connection.getresponse()
    pod = json.loads(after.read())
    connection.close()

    assert refused.status == 405 and refused_body["reason"] == "MethodNotAllowed"
    assert after.status == 200 and pod["metadata"]["name"] == CRASHING


def test_chunked_write_body_is_consumed(cluster: SimulatedCluster) -> None:
    connection = connect(cluster)

    connection.request("POST", PODS, body=iter([b'{"kind":', b'"Pod"}']), encode_chunked=True)
    first = connection.getresponse()
    first.read()
    connection.request("GET", "/version")
    second = connection.getresponse()

    assert (first.status, second.status) == (405, 200)
    assert json.loads(second.read())["major"] == "1"


def test_head_is_refused_and_sends_no_body(cluster: SimulatedCluster) -> None:
    connection = connect(cluster)

    connection.request("HEAD", f"{PODS}/{CRASHING}")
    response = connection.getresponse()

    assert response.status == 405
    assert int(response.headers["Content-Length"]) > 0
    assert response.read() == b""


def test_requests_are_recorded(cluster: SimulatedCluster) -> None:
    connection = connect(cluster)
    connection.request("GET", f"{PODS}?labelSelector=app%3Dcheckout&limit=1")
    response = connection.getresponse()
    size = len(response.read())

    record = cluster.requests[-1]

    assert (record.method, record.path, record.status, record.bytes) == ("GET", PODS, 200, size)
    assert record.query == {"labelSelector": "app=checkout", "limit": "1"}


def faulty(*rules: FaultRule, latency: float = 0.0) -> SimulatedCluster:
    return SimulatedCluster(BASIC_SNAPSHOT, faults=FaultPlan(rules), latency_seconds=latency)


@pytest.mark.parametrize(("status", "reason"), [(401, "Unauthorized"), (403, "Forbidden"), (404, "NotFound"),
                                                (409, "Conflict"), (410, "Expired"), (429, "TooManyRequests"),
                                                (500, "InternalError"), (503, "ServiceUnavailable")])
def test_status_faults_reach_the_official_client(tmp_path: Path, status: int, reason: str) -> None:
    with faulty(FaultRule.http(status, kind="Pod", retry_after=3, user="system:serviceaccount:fr:fr")) as cluster, \
            api_client_for(cluster, tmp_path) as api:
        core = client.CoreV1Api(api)
        with pytest.raises(ApiException) as caught:
            core.list_namespaced_pod("shop")
        nodes = core.list_node()

    assert caught.value.status == status
    assert json.loads(caught.value.body)["reason"] == reason
    assert len(nodes.items) == 2  # other kinds are unaffected
    if status == 403:
        assert json.loads(caught.value.body)["message"] == (
            'pods is forbidden: User "system:serviceaccount:fr:fr" cannot list resource "pods" in API group "" '
            'in the namespace "shop"')
    if status in (429, 503):
        assert caught.value.headers["Retry-After"] == "3"


def test_nth_request_fault(tmp_path: Path) -> None:
    with faulty(FaultRule.http(500, path=r"/pods/", nth=2)) as cluster, api_client_for(cluster, tmp_path) as api:
        core = client.CoreV1Api(api)
        core.read_namespaced_pod(CRASHING, "shop")
        with pytest.raises(ApiException):
            core.read_namespaced_pod(CRASHING, "shop")
        core.read_namespaced_pod(CRASHING, "shop")

    assert [r.status for r in cluster.requests] == [200, 500, 200]


def test_timeout_fault_exceeds_the_client_timeout(tmp_path: Path) -> None:
    # stop() wakes the sleeping handler rather than waiting out the 30 seconds
    with faulty(FaultRule.timeout(30, kind="Node")) as cluster, api_client_for(cluster, tmp_path) as api, \
            pytest.raises(urllib3.exceptions.ReadTimeoutError):
        client.CoreV1Api(api).list_node(_request_timeout=(5, 0.2))  # a bare float is ignored by the client
    assert cluster.requests[0].fault == "timeout"


def test_delay_fault_still_answers(tmp_path: Path) -> None:
    with faulty(FaultRule.delay(0.05, kind="Node"), latency=0.01) as cluster, api_client_for(cluster, tmp_path) as api:
        nodes = client.CoreV1Api(api).list_node()

    assert len(nodes.items) == 2
    assert cluster.requests[-1].fault == "delay"


def test_connection_reset(tmp_path: Path) -> None:
    with faulty(FaultRule.of(FaultKind.RESET, kind="Service", first=1)) as cluster, \
            api_client_for(cluster, tmp_path) as api:
        core = client.CoreV1Api(api)
        with pytest.raises(urllib3.exceptions.ProtocolError) as caught:
            core.list_namespaced_service("shop")
        services = core.list_namespaced_service("shop")

    assert isinstance(caught.value.args[1], ConnectionResetError) or "reset" in str(caught.value).lower()
    assert len(services.items) == 2


def test_truncated_and_malformed_json_fail_to_decode(cluster: SimulatedCluster) -> None:
    for fault in (FaultKind.TRUNCATED_JSON, FaultKind.MALFORMED_JSON):
        with faulty(FaultRule.of(fault, kind="Pod")) as broken:
            connection = connect(broken)
            connection.request("GET", PODS)
            response = connection.getresponse()
            body = response.read()  # a complete HTTP response...
            with pytest.raises(json.JSONDecodeError):  # ...whose JSON is not
                json.loads(body)
            assert response.status == 200


def test_cut_log_stream(tmp_path: Path) -> None:
    with faulty(FaultRule.of(FaultKind.CUT_LOG, subresource="log")) as cluster, \
            api_client_for(cluster, tmp_path) as api, pytest.raises(urllib3.exceptions.ProtocolError):
        client.CoreV1Api(api).read_namespaced_pod_log(CRASHING, "shop", previous=True)

    assert cluster.requests[0].bytes < len(_full_previous_log())


def _full_previous_log() -> bytes:
    return (BASIC_SNAPSHOT / "logs/shop" / CRASHING / "checkout.previous.log").read_bytes()


def test_stop_is_idempotent_and_frees_the_port() -> None:
    with running_simulator() as cluster:
        port = int(cluster.url.rsplit(":", 1)[1])
    cluster.stop()

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))


def test_serve_writes_a_kubeconfig_and_answers(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    code = ("from pathlib import Path; from firstresponder.sim import serve; "
            f"serve(Path({str(BASIC_SNAPSHOT)!r}), port=0, kubeconfig=Path({str(kubeconfig)!r}), shift=True)")
    process = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(200):
            if kubeconfig.exists() and kubeconfig.stat().st_size:
                break
            time.sleep(0.05)
        with api_client_for_kubeconfig(kubeconfig) as api:
            pods = client.CoreV1Api(api).list_pod_for_all_namespaces()
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert len(pods.items) == 4


def api_client_for_kubeconfig(kubeconfig: Path) -> client.ApiClient:
    from kubernetes import config

    configuration = client.Configuration()
    config.load_kube_config(config_file=str(kubeconfig), client_configuration=configuration)
    return client.ApiClient(configuration)


def test_garbled_body_framing_is_answered_then_closed(cluster: SimulatedCluster) -> None:
    host, port = cluster.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(b"POST /api/v1/namespaces/shop/pods HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n")
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk

    assert answer.startswith(b"HTTP/1.1 405 ")
    assert b"Connection: close" in answer
