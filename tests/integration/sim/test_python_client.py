"""The official Python client, unchanged and configured from the written kubeconfig, reads the simulator."""

from __future__ import annotations

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from firstresponder.sim import SimulatedCluster
from tests.support.simulator import write_methods

CRASHING = "checkout-7d9f8b6c5d-x2k4p"


def test_list_and_get_typed_objects(api_client: client.ApiClient) -> None:
    core = client.CoreV1Api(api_client)
    apps = client.AppsV1Api(api_client)

    pods = core.list_pod_for_all_namespaces()
    pod = core.read_namespaced_pod(CRASHING, "shop")
    deployment = apps.read_namespaced_deployment("checkout", "shop")

    assert len(pods.items) == 4
    assert pod.status.container_statuses[0].state.waiting.reason == "CrashLoopBackOff"
    assert pod.status.container_statuses[0].last_state.terminated.exit_code == 1
    assert (deployment.spec.replicas, deployment.status.ready_replicas) == (2, 1)
    assert apps.list_namespaced_replica_set("shop").items[0].metadata.owner_references[0].kind == "Deployment"
    assert core.read_node("ip-10-0-2-42.eu-west-1.compute.internal").spec.unschedulable is True


def test_label_and_field_selectors(api_client: client.ApiClient) -> None:
    core = client.CoreV1Api(api_client)

    checkout = core.list_namespaced_pod("shop", label_selector="app=checkout,pod-template-hash")
    not_checkout = core.list_pod_for_all_namespaces(label_selector="app notin (checkout)")
    on_node = core.list_pod_for_all_namespaces(
        field_selector="spec.nodeName=ip-10-0-1-17.eu-west-1.compute.internal,status.phase!=Succeeded")
    events = core.list_namespaced_event("shop", field_selector=f"involvedObject.name={CRASHING},type=Warning")

    assert sorted(p.metadata.name for p in checkout.items) == ["checkout-7d9f8b6c5d-9hvzt", CRASHING]
    assert sorted(p.metadata.name for p in not_checkout.items) == ["frontend", "payments-5c8d7f9b4-qm2lz"]
    assert len(on_node.items) == 2
    assert [e.reason for e in events.items] == ["BackOff"]


def test_paging_with_limit_and_continue(api_client: client.ApiClient) -> None:
    core = client.CoreV1Api(api_client)

    first = core.list_pod_for_all_namespaces(limit=3)
    rest = core.list_pod_for_all_namespaces(limit=3, _continue=first.metadata._continue)

    assert len(first.items) == 3 and first.metadata.remaining_item_count == 1
    assert len(rest.items) == 1 and rest.metadata._continue is None


def test_previous_logs_and_options(api_client: client.ApiClient) -> None:
    core = client.CoreV1Api(api_client)

    previous = core.read_namespaced_pod_log(CRASHING, "shop", container="checkout", previous=True)
    tail = core.read_namespaced_pod_log(CRASHING, "shop", container="checkout", previous=True, tail_lines=1,
                                        timestamps=True)

    assert "payments health check failed" in previous
    assert tail.startswith("2024-05-14T09:27:41.003317004Z ") and tail.count("\n") == 1


def test_missing_object_raises_api_exception_404(api_client: client.ApiClient) -> None:
    with pytest.raises(ApiException) as caught:
        client.CoreV1Api(api_client).read_namespaced_pod("nope", "shop")

    assert caught.value.status == 404
    assert '"reason":"NotFound"' in caught.value.body


def test_missing_previous_log_is_400(api_client: client.ApiClient) -> None:
    with pytest.raises(ApiException) as caught:
        client.CoreV1Api(api_client).read_namespaced_pod_log("frontend", "default", previous=True)

    assert caught.value.status == 400


def test_unsupported_field_selector_is_400(api_client: client.ApiClient) -> None:
    with pytest.raises(ApiException) as caught:
        client.CoreV1Api(api_client).list_pod_for_all_namespaces(field_selector="spec.containers=x")

    assert caught.value.status == 400
    assert "field label not supported: spec.containers" in caught.value.body


def test_metrics_through_custom_objects(api_client: client.ApiClient) -> None:
    metrics = client.CustomObjectsApi(api_client).list_namespaced_custom_object(
        "metrics.k8s.io", "v1beta1", "shop", "pods")

    assert metrics["items"][0]["containers"][0]["usage"] == {"cpu": "2m", "memory": "41280Ki"}


def test_writes_are_refused_with_405(api_client: client.ApiClient, cluster: SimulatedCluster) -> None:
    core = client.CoreV1Api(api_client)
    body = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="x"), data={"a": "b"})

    with pytest.raises(ApiException) as created:
        core.create_namespaced_config_map("shop", body)
    with pytest.raises(ApiException) as deleted:
        core.delete_namespaced_pod(CRASHING, "shop")
    with pytest.raises(ApiException) as patched:
        client.AppsV1Api(api_client).patch_namespaced_deployment("checkout", "shop", {"spec": {"replicas": 3}})

    assert {created.value.status, deleted.value.status, patched.value.status} == {405}
    assert core.read_namespaced_pod(CRASHING, "shop").metadata.name == CRASHING  # connection still usable
    assert {status for _method, _path, status in write_methods(cluster)} == {405}
    assert client.AppsV1Api(api_client).read_namespaced_deployment("checkout", "shop").spec.replicas == 2


def test_watch_streams_added_events_then_ends_at_its_timeout(api_client: client.ApiClient) -> None:
    core = client.CoreV1Api(api_client)

    events = list(watch.Watch().stream(core.list_namespaced_pod, "shop", label_selector="app=payments",
                                       timeout_seconds=1))

    assert [(e["type"], e["object"].metadata.name) for e in events] == [("ADDED", "payments-5c8d7f9b4-qm2lz")]
