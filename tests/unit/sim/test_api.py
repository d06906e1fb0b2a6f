"""SnapshotApi without HTTP: routing, discovery, get/list, tables, logs and errors over the fixture snapshot."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from firstresponder.kube.reader import KIND_RESOURCES
from firstresponder.sim.api import SnapshotApi
from firstresponder.snapshot import Snapshot, load_snapshot
from tests.support.simulator import BASIC_CAPTURED_AT, BASIC_SNAPSHOT

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
CRASHING = "checkout-7d9f8b6c5d-x2k4p"


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return load_snapshot(BASIC_SNAPSHOT)


@pytest.fixture(scope="module")
def api(snapshot: Snapshot) -> SnapshotApi:
    return SnapshotApi(snapshot, clock=lambda: BASIC_CAPTURED_AT)


def get(api: SnapshotApi, path: str, accept: str | None = None, **query: str) -> tuple[int, Any]:
    response = api.handle("GET", path, query, accept)
    body = json.loads(response.body) if response.content_type == "application/json" else response.body.decode()
    return response.status, body


def test_discovery_lists_every_kind_with_scope_and_verbs(api: SnapshotApi) -> None:
    served: dict[str, dict[str, Any]] = {}
    _, groups = get(api, "/apis")
    group_versions = ["v1"] + [g["preferredVersion"]["groupVersion"] for g in groups["groups"]]
    for group_version in group_versions:
        path = "/api/v1" if group_version == "v1" else f"/apis/{group_version}"
        status, resource_list = get(api, path)
        assert status == 200
        assert resource_list["groupVersion"] == group_version
        for resource in resource_list["resources"]:
            served[resource["name"] if "/" in resource["name"] else f"{group_version}:{resource['name']}"] = resource

    for kind, (group, version, plural, namespaced) in KIND_RESOURCES.items():
        entry = served[f"{group + '/' if group else ''}{version}:{plural}"]
        assert (entry["kind"], entry["namespaced"], entry["singularName"]) == (kind, namespaced, kind.lower())
        assert {"get", "list"} <= set(entry["verbs"])
    assert served["pods/log"]["verbs"] == ["get"]
    assert served["apps/v1:deployments"]["shortNames"] == ["deploy"]


def test_metrics_group_only_when_the_snapshot_has_metrics(snapshot: Snapshot) -> None:
    without = Snapshot(captured_at=snapshot.captured_at, cluster="c",
                       objects=[o for o in snapshot.objects if "metrics" not in o["apiVersion"]])
    _, with_groups = get(SnapshotApi(snapshot), "/apis")
    _, without_groups = get(SnapshotApi(without), "/apis")

    assert "metrics.k8s.io" in [g["name"] for g in with_groups["groups"]]
    assert "metrics.k8s.io" not in [g["name"] for g in without_groups["groups"]]
    assert get(SnapshotApi(without), "/apis/metrics.k8s.io/v1beta1")[0] == 404


def test_version_and_core_versions(api: SnapshotApi) -> None:
    assert get(api, "/version")[1]["minor"] == "32"
    assert get(api, "/api")[1]["versions"] == ["v1"]


def test_get_returns_the_object(api: SnapshotApi) -> None:
    status, pod = get(api, f"/api/v1/namespaces/shop/pods/{CRASHING}")

    assert status == 200
    assert (pod["kind"], pod["metadata"]["name"]) == ("Pod", CRASHING)


def test_list_has_list_kind_and_resource_version(api: SnapshotApi) -> None:
    status, listing = get(api, "/apis/apps/v1/namespaces/shop/deployments")

    assert status == 200
    assert (listing["kind"], listing["apiVersion"]) == ("DeploymentList", "apps/v1")
    assert listing["metadata"]["resourceVersion"].isdigit()
    assert [d["metadata"]["name"] for d in listing["items"]] == ["checkout", "payments"]


def test_all_namespaces_and_cluster_scoped_lists(api: SnapshotApi) -> None:
    pods = get(api, "/api/v1/pods")[1]["items"]
    nodes = get(api, "/api/v1/nodes")[1]["items"]

    assert {p["metadata"]["namespace"] for p in pods} == {"shop", "default"}
    assert len(nodes) == 2
    assert get(api, "/api/v1/namespaces/shop")[1]["kind"] == "Namespace"


def test_selectors_on_lists(api: SnapshotApi) -> None:
    by_label = get(api, "/api/v1/pods", labelSelector="app in (checkout,payments)")[1]["items"]
    by_field = get(api, "/api/v1/namespaces/shop/events",
                   fieldSelector=f"involvedObject.name={CRASHING},involvedObject.namespace=shop")[1]["items"]

    assert len(by_label) == 3
    assert {e["reason"] for e in by_field} == {"BackOff", "Scheduled"}


def test_limit_and_continue_cover_the_whole_list(api: SnapshotApi) -> None:
    first = get(api, "/api/v1/pods", limit="3")[1]
    second = get(api, "/api/v1/pods", limit="3", **{"continue": first["metadata"]["continue"]})[1]

    assert (len(first["items"]), first["metadata"]["remainingItemCount"]) == (3, 1)
    assert len(second["items"]) == 1 and "continue" not in second["metadata"]


@pytest.mark.parametrize(("path", "message"), [
    ("/api/v1/namespaces/shop/pods/nope", 'pods "nope" not found'),
    ("/apis/apps/v1/namespaces/shop/deployments/nope", 'deployments.apps "nope" not found'),
    ("/api/v1/nodes/nope", 'nodes "nope" not found'),
])
def test_missing_objects_are_404_status(api: SnapshotApi, path: str, message: str) -> None:
    status, body = get(api, path)

    assert status == 404
    assert (body["kind"], body["reason"], body["message"], body["code"]) == ("Status", "NotFound", message, 404)
    assert body["details"]["name"] == "nope"


@pytest.mark.parametrize("path", ["/api/v2", "/apis/nope/v1", "/api/v1/widgets", "/api/v1/pods/x",
                                  "/api/v1/namespaces/shop/nodes", "/openapi/v2",
                                  "/api/v1/namespaces/shop/pods/x/exec", "/apis/nope"])
def test_unknown_paths_are_404(api: SnapshotApi, path: str) -> None:
    assert get(api, path)[0] == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writes_are_405(api: SnapshotApi, method: str) -> None:
    response = api.handle(method, "/apis/apps/v1/namespaces/shop/deployments/checkout", {})

    assert response.status == 405
    assert json.loads(response.body)["reason"] == "MethodNotAllowed"


def test_bad_selectors_are_400(api: SnapshotApi) -> None:
    status, body = get(api, "/api/v1/pods", fieldSelector="spec.containers=x")

    assert (status, body["message"]) == (400, "field label not supported: spec.containers")
    assert get(api, "/api/v1/pods", labelSelector="app in (")[0] == 400
    assert get(api, "/api/v1/pods", limit="many")[0] == 400


def test_pod_table_columns_and_cells(api: SnapshotApi) -> None:
    status, table = get(api, "/api/v1/namespaces/shop/pods", TABLE)

    assert status == 200
    assert table["kind"] == "Table" and table["apiVersion"] == "meta.k8s.io/v1"
    assert [c["name"] for c in table["columnDefinitions"]] == [
        "Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"]
    rows = {row["cells"][0]: row for row in table["rows"]}
    assert rows[CRASHING]["cells"][1:5] == ["0/1", "CrashLoopBackOff", "5 (2m19s ago)", "39m"]
    assert rows[CRASHING]["object"]["kind"] == "PartialObjectMetadata"
    assert rows[CRASHING]["object"]["metadata"]["namespace"] == "shop"


@pytest.mark.parametrize(("include", "expected_kind"), [("Object", "Pod"), ("Metadata", "PartialObjectMetadata"),
                                                         ("None", None)])
def test_table_include_object(api: SnapshotApi, include: str, expected_kind: str | None) -> None:
    table = get(api, f"/api/v1/namespaces/shop/pods/{CRASHING}", TABLE, includeObject=include)[1]

    assert len(table["rows"]) == 1
    assert (table["rows"][0].get("object") or {}).get("kind") == expected_kind


@pytest.mark.parametrize(("path", "columns", "first_row"), [
    ("/apis/apps/v1/namespaces/shop/deployments", ["Name", "Ready", "Up-to-date", "Available", "Age"],
     ["checkout", "1/2", 2, 1, "102d"]),
    ("/apis/apps/v1/namespaces/shop/replicasets", ["Name", "Desired", "Current", "Ready", "Age"],
     ["checkout-7d9f8b6c5d", 2, 2, 1, "40m"]),
    ("/api/v1/namespaces/shop/services", ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age"],
     ["checkout", "ClusterIP", "172.20.14.3", "<none>", "80/TCP", "102d"]),
    ("/api/v1/namespaces/shop/configmaps", ["Name", "Data", "Age"], ["checkout-config", 2, "40m"]),
    ("/api/v1/namespaces/shop/secrets", ["Name", "Type", "Data", "Age"], ["checkout-db", "Opaque", 2, "102d"]),
    ("/api/v1/nodes", ["Name", "Status", "Roles", "Age", "Version"],
     ["ip-10-0-1-17.eu-west-1.compute.internal", "Ready", "<none>", "43d", "v1.29.3-eks-ae9a62a"]),
    ("/api/v1/namespaces/shop/events", ["Last Seen", "Type", "Reason", "Object", "Message"],
     ["40m", "Normal", "ScalingReplicaSet", "deployment/checkout"]),
    ("/api/v1/namespaces/shop/serviceaccounts", ["Name", "Age"], ["checkout", "102d"]),
])
def test_tables_for_common_kinds(api: SnapshotApi, path: str, columns: list[str], first_row: list[Any]) -> None:
    table = get(api, path, TABLE)[1]
    visible = [c["name"] for c in table["columnDefinitions"] if c["priority"] == 0]
    rows = sorted((row["cells"] for row in table["rows"]), key=lambda cells: str(cells))

    assert visible == columns
    assert any(cells[:len(first_row)] == first_row for cells in rows), rows


def test_event_table_counts_repeats(api: SnapshotApi) -> None:
    table = get(api, "/api/v1/namespaces/shop/events", TABLE, fieldSelector="reason=BackOff")[1]

    assert table["rows"][0]["cells"][0] == "2m15s (x6 over 28m)"


def test_unschedulable_node_status(api: SnapshotApi) -> None:
    table = get(api, "/api/v1/nodes", TABLE, fieldSelector="spec.unschedulable=true")[1]

    assert [row["cells"][1] for row in table["rows"]] == ["Ready,SchedulingDisabled"]


def test_previous_log(api: SnapshotApi) -> None:
    status, text = get(api, f"/api/v1/namespaces/shop/pods/{CRASHING}/log", container="checkout", previous="true")

    assert status == 200
    assert text.splitlines()[-1] == '{"level":"fatal","msg":"cannot start without payments; exiting"}'


def test_log_options(api: SnapshotApi) -> None:
    path = f"/api/v1/namespaces/shop/pods/{CRASHING}/log"

    assert len(get(api, path, previous="true", tailLines="1")[1].splitlines()) == 1
    assert get(api, path, previous="true", tailLines="0")[1] == ""
    assert get(api, path, previous="true", tailLines="1", timestamps="true")[1].startswith("2024-05-14T09:27:41.003317004Z {")
    assert len(get(api, path, previous="true", limitBytes="10")[1]) == 10
    assert len(get(api, path, previous="true", sinceSeconds="145")[1].splitlines()) == 2  # 09:27:35 onwards


def test_log_errors_are_worded_like_the_apiserver(api: SnapshotApi) -> None:
    payments = "/api/v1/namespaces/shop/pods/payments-5c8d7f9b4-qm2lz/log"

    assert get(api, payments)[1]["message"] == ("a container name must be specified for pod payments-5c8d7f9b4-qm2lz, "
                                                "choose one of: [payments log-shipper]")
    assert get(api, payments, container="nope")[1]["message"] == "container nope is not valid for pod payments-5c8d7f9b4-qm2lz"
    assert get(api, payments, container="payments", previous="true")[1]["message"] == (
        'previous terminated container "payments" in pod "payments-5c8d7f9b4-qm2lz" not found')
    assert get(api, "/api/v1/namespaces/shop/pods/nope/log")[0] == 404
    assert get(api, payments, container="payments", tailLines="-1")[0] == 400


def test_logs_without_timestamps_are_dated_at_capture(api: SnapshotApi) -> None:
    path = "/api/v1/namespaces/shop/pods/payments-5c8d7f9b4-qm2lz/log"

    assert get(api, path, container="log-shipper", timestamps="true")[1].startswith("2024-05-14T09:30:00.000000000Z [")
    assert get(api, path, container="log-shipper", sinceSeconds="1")[1].startswith("[2024/05/14")


def test_shifted_snapshot_reads_with_the_same_ages(snapshot: Snapshot) -> None:
    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    shifted = SnapshotApi(snapshot, shift_timestamps_to=now, clock=lambda: now)

    table = get(shifted, "/api/v1/namespaces/shop/pods", TABLE)[1]
    pod = get(shifted, f"/api/v1/namespaces/shop/pods/{CRASHING}")[1]
    log = get(shifted, f"/api/v1/namespaces/shop/pods/{CRASHING}/log", previous="true", timestamps="true")[1]

    assert {row["cells"][4] for row in table["rows"]} == {"39m", "102d"}
    assert pod["metadata"]["creationTimestamp"] == "2029-12-31T23:20:02Z"
    assert log.startswith("2029-12-31T23:57:30.201337000Z")


def test_metrics_are_served(api: SnapshotApi) -> None:
    listing = get(api, "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods")[1]

    assert listing["kind"] == "PodMetricsList"
    assert listing["items"][0]["containers"][0]["usage"]["cpu"] == "2m"
    assert get(api, "/apis/metrics.k8s.io/v1beta1/nodes")[1]["items"][0]["kind"] == "NodeMetrics"


def test_watch_sends_current_objects_as_added_then_holds_open(api: SnapshotApi) -> None:
    response = api.handle("GET", "/api/v1/namespaces/shop/pods", {"watch": "true", "labelSelector": "app=checkout",
                                                                   "timeoutSeconds": "3"})
    events = [json.loads(line) for line in response.body.splitlines()]

    assert response.status == 200 and response.hold_open_seconds == 3
    assert [e["type"] for e in events] == ["ADDED", "ADDED"]
    assert {e["object"]["metadata"]["name"] for e in events} == {"checkout-7d9f8b6c5d-9hvzt", CRASHING}


def test_watch_resuming_from_the_list_version_sends_nothing(api: SnapshotApi) -> None:
    version = get(api, "/api/v1/pods")[1]["metadata"]["resourceVersion"]

    response = api.handle("GET", "/api/v1/pods", {"watch": "1", "resourceVersion": version})

    assert response.body == b""
    assert response.hold_open_seconds is not None


def test_watch_of_tables_for_kubectl_get_w(api: SnapshotApi) -> None:
    response = api.handle("GET", "/api/v1/nodes", {"watch": "true"}, TABLE)

    event = json.loads(response.body.splitlines()[0])
    assert event["object"]["kind"] == "Table" and len(event["object"]["rows"]) == 1


def test_list_resource_version_semantics(api: SnapshotApi) -> None:
    current = int(get(api, "/api/v1/pods")[1]["metadata"]["resourceVersion"])

    assert get(api, "/api/v1/pods", resourceVersion="0")[0] == 200
    assert get(api, "/api/v1/pods", resourceVersion=str(current), resourceVersionMatch="Exact")[0] == 200
    assert get(api, "/api/v1/pods", resourceVersion="5", resourceVersionMatch="NotOlderThan")[0] == 200
    assert get(api, "/api/v1/pods", resourceVersion="5", resourceVersionMatch="Exact")[1]["reason"] == "Expired"
    assert get(api, "/api/v1/pods", resourceVersion=str(current + 10))[0] == 504
    assert get(api, "/api/v1/pods", resourceVersion="abc")[0] == 400


def test_kinds_outside_the_catalog_are_discovered_and_served() -> None:
    snapshot = Snapshot(captured_at=BASIC_CAPTURED_AT, cluster="c", objects=[
        {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": "web", "namespace": "shop"}},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "view"}},
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "deny", "namespace": "shop"}},
    ])
    extra = SnapshotApi(snapshot)

    rollouts = get(extra, "/apis/argoproj.io/v1alpha1")[1]["resources"]
    roles = get(extra, "/apis/rbac.authorization.k8s.io/v1")[1]["resources"]

    assert [(r["name"], r["kind"], r["namespaced"]) for r in rollouts] == [("rollouts", "Rollout", True)]
    assert [(r["name"], r["namespaced"]) for r in roles] == [("clusterroles", False)]
    assert get(extra, "/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web")[1]["kind"] == "Rollout"
    assert get(extra, "/apis/rbac.authorization.k8s.io/v1/clusterroles")[1]["kind"] == "ClusterRoleList"


@pytest.mark.parametrize(("value", "expected"), [("True", 200), ("true", 200), ("1", 200), ("yes", 400)])
def test_boolean_parameters_parse_like_go(api: SnapshotApi, value: str, expected: int) -> None:
    path = f"/api/v1/namespaces/shop/pods/{CRASHING}/log"

    assert get(api, path, previous=value)[0] == expected


def test_uncaptured_current_log_is_a_clear_404(api: SnapshotApi) -> None:
    status, body = get(api, "/api/v1/namespaces/default/pods/frontend/log")

    assert status == 404
    assert body["message"] == 'the log of container "nginx" in pod "frontend" is not in the snapshot'
