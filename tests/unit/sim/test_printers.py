"""Table cells for the cases kubectl users read most: pod status reasons, services, nodes, generic kinds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from firstresponder.sim.errors import ApiError
from firstresponder.sim.printers import pod_status_reason, printer_for
from firstresponder.sim.tables import build_table, table_version

NOW = dt.datetime(2024, 5, 14, 9, 30, tzinfo=dt.UTC)


def pod(status: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    return {"kind": "Pod", "metadata": {"name": "p", **metadata}, "spec": {"containers": [{"name": "c"}],
                                                                        "initContainers": [{"name": "i"}]},
            "status": status}


@pytest.mark.parametrize(("status", "metadata", "reason"), [
    ({"phase": "Pending"}, {}, "Pending"),
    ({"phase": "Failed", "reason": "Evicted"}, {}, "Evicted"),
    ({"phase": "Running", "containerStatuses": [{"state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}, {},
     "CrashLoopBackOff"),
    ({"phase": "Running", "containerStatuses": [{"state": {"terminated": {"reason": "OOMKilled"}}}]}, {},
     "OOMKilled"),
    ({"phase": "Running", "containerStatuses": [{"state": {"terminated": {"exitCode": 137}}}]}, {},
     "ExitCode:137"),
    ({"phase": "Running", "containerStatuses": [{"state": {"terminated": {"exitCode": 0, "signal": 9}}}]}, {},
     "Signal:9"),
    ({"phase": "Pending", "initContainerStatuses": [{"state": {"waiting": {"reason": "PodInitializing"}}}]}, {},
     "Init:0/1"),
    ({"phase": "Pending", "initContainerStatuses": [{"state": {"terminated": {"exitCode": 1, "reason": "Error"}}}]},
     {}, "Init:Error"),
    ({"phase": "Pending", "initContainerStatuses": [{"state": {"waiting": {"reason": "ImagePullBackOff"}}}]}, {},
     "Init:ImagePullBackOff"),
    ({"phase": "Running", "containerStatuses": [{"ready": True, "state": {"running": {}}}]},
     {"deletionTimestamp": "2024-05-14T09:00:00Z"}, "Terminating"),
    ({"phase": "Succeeded", "reason": "Completed",
      "containerStatuses": [{"ready": True, "state": {"running": {}}}],
      "conditions": [{"type": "Ready", "status": "False"}]}, {}, "NotReady"),
])
def test_pod_status_reason(status: dict[str, Any], metadata: dict[str, Any], reason: str) -> None:
    assert pod_status_reason(pod(status, **metadata)) == reason


def cells(kind: str, obj: dict[str, Any]) -> list[Any]:
    return printer_for(kind).cells(obj, NOW)


def test_service_types() -> None:
    pending = {"metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer", "clusterIP": "10.0.0.1",
                                                    "ports": [{"port": 443, "nodePort": 31443, "protocol": "TCP"}]}}
    ready = {**pending, "status": {"loadBalancer": {"ingress": [{"hostname": "a.elb.amazonaws.com"}]}}}
    external = {"metadata": {"name": "x"}, "spec": {"type": "ExternalName", "externalName": "db.example.com"}}

    assert cells("Service", pending)[1:5] == ["LoadBalancer", "10.0.0.1", "<pending>", "443:31443/TCP"]
    assert cells("Service", ready)[3] == "a.elb.amazonaws.com"
    assert cells("Service", external)[2:5] == ["<none>", "db.example.com", "<none>"]


def test_node_roles_and_status() -> None:
    node = {"metadata": {"name": "n", "labels": {"node-role.kubernetes.io/control-plane": ""}},
            "status": {"conditions": [{"type": "Ready", "status": "False"}]}}

    assert cells("Node", node)[1:3] == ["NotReady", "control-plane"]
    assert cells("Node", {"metadata": {"name": "n"}})[1] == "Unknown"


def test_deployment_selector_and_images_in_wide_columns() -> None:
    deployment = {"metadata": {"name": "d"}, "spec": {
        "replicas": 3, "selector": {"matchLabels": {"app": "a"},
                                    "matchExpressions": [{"key": "tier", "operator": "In", "values": ["x", "y"]}]},
        "template": {"spec": {"containers": [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:2"}]}}},
        "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}}

    assert cells("Deployment", deployment)[1:4] == ["2/3", 3, 2]
    assert cells("Deployment", deployment)[5:] == ["a,b", "a:1,b:2", "app=a,tier in (x,y)"]


def test_generic_kinds_get_name_and_age() -> None:
    table = build_table("Widget", [{"metadata": {"name": "w", "creationTimestamp": "2024-05-14T09:00:00Z"}}],
                        version="v1", include_object="None", now=NOW, list_metadata={})

    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Age"]
    assert table["rows"] == [{"cells": ["w", "30m"]}]


def test_bad_include_object_is_400() -> None:
    with pytest.raises(ApiError) as caught:
        build_table("Pod", [], version="v1", include_object="Everything", now=NOW, list_metadata={})

    assert caught.value.code == 400


@pytest.mark.parametrize(("accept", "version"), [
    ("application/json;as=Table;v=v1;g=meta.k8s.io,application/json", "v1"),
    ("application/json;as=Table;v=v1beta1;g=meta.k8s.io", "v1beta1"),
    ("application/json; as=Table; g=meta.k8s.io; v=v1", "v1"),
    ("application/json", None),
    (None, None),
    ("application/json;as=Table;v=v2;g=meta.k8s.io", None),
    ("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io", None),
])
def test_table_negotiation(accept: str | None, version: str | None) -> None:
    assert table_version(accept) == version
