"""Field selectors: only the apiserver's fields per kind; ``=``, ``==``, ``!=``, comma = AND."""

from __future__ import annotations

import pytest

from firstresponder.sim.errors import ApiError
from firstresponder.sim.fields import parse_field_selector, supported_fields

POD = {"kind": "Pod", "metadata": {"name": "web-1", "namespace": "shop"},
       "spec": {"nodeName": "node-a", "restartPolicy": "Always", "hostNetwork": True},
       "status": {"phase": "Running", "podIP": "10.0.0.1"}}
EVENT = {"kind": "Event", "metadata": {"name": "e1", "namespace": "shop"}, "reason": "BackOff", "type": "Warning",
         "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "shop", "uid": "u-1"},
         "source": {"component": "kubelet"}, "reportingComponent": "kubelet"}


@pytest.mark.parametrize(("kind", "obj", "selector", "expected"), [
    ("Pod", POD, "spec.nodeName=node-a", True),
    ("Pod", POD, "spec.nodeName==node-b", False),
    ("Pod", POD, "spec.nodeName=node-a,status.phase!=Succeeded,status.phase!=Failed", True),
    ("Pod", POD, "status.phase!=Running", False),
    ("Pod", POD, "spec.hostNetwork=true", True),
    ("Pod", {**POD, "spec": {}}, "spec.hostNetwork=false", True),
    ("Pod", {**POD, "spec": {}}, "spec.nodeName=", True),
    ("Pod", POD, "metadata.name=web-1,metadata.namespace=shop", True),
    ("Pod", POD, "status.podIP=10.0.0.1", True),
    ("Event", EVENT, "involvedObject.name=web-1,involvedObject.namespace=shop,involvedObject.uid=u-1", True),
    ("Event", EVENT, "involvedObject.kind=Deployment", False),
    ("Event", EVENT, "reason=BackOff,type=Warning,source=kubelet,reportingComponent=kubelet", True),
    ("Node", {"metadata": {"name": "n"}}, "spec.unschedulable=false", True),
    ("Node", {"metadata": {"name": "n"}, "spec": {"unschedulable": True}}, "spec.unschedulable=false", False),
    ("Secret", {"metadata": {"name": "s"}, "type": "Opaque"}, "type=Opaque", True),
    ("Namespace", {"metadata": {"name": "n"}, "status": {"phase": "Active"}}, "status.phase=Active", True),
    ("ReplicaSet", {"metadata": {"name": "r"}, "status": {"replicas": 0}}, "status.replicas=0", True),
    ("Job", {"metadata": {"name": "j"}, "status": {"successful": 1}}, "status.successful=1", True),
    ("ConfigMap", {"metadata": {"name": "c", "namespace": "x"}}, "metadata.namespace!=x", False),
    ("Pod", {**POD, "metadata": {"name": "a,b"}}, r"metadata.name=a\,b", True),
    ("Pod", POD, "", True),
])
def test_matching(kind: str, obj: dict[str, object], selector: str, expected: bool) -> None:
    assert parse_field_selector(selector, kind).matches(obj) is expected


@pytest.mark.parametrize(("kind", "selector", "field"), [
    ("Pod", "spec.containers=x", "spec.containers"),
    ("Pod", "status.podIP=1,foo=bar", "foo"),
    ("Deployment", "status.phase=Running", "status.phase"),
    ("Event", "involvedObject.foo=x", "involvedObject.foo"),
    ("ConfigMap", "type=Opaque", "type"),
    ("Service", "spec.nodeName=n", "spec.nodeName"),
])
def test_unsupported_fields_are_rejected_like_the_apiserver(kind: str, selector: str, field: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_field_selector(selector, kind)

    assert (caught.value.code, caught.value.reason) == (400, "BadRequest")
    assert caught.value.message == f"field label not supported: {field}"


@pytest.mark.parametrize("selector", ["spec.nodeName", "metadata.name=a=b", r"metadata.name=a\q"])
def test_malformed_selectors_are_400(selector: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_field_selector(selector, "Pod")

    assert caught.value.code == 400


def test_supported_fields_list_the_documented_ones() -> None:
    assert set(supported_fields("Pod")) == {
        "metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
        "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"}
    assert set(supported_fields("Deployment")) == {"metadata.name", "metadata.namespace"}


def test_exact_reports_pinned_values() -> None:
    selector = parse_field_selector("metadata.name=a,metadata.namespace!=b", "Pod")

    assert selector.exact("metadata.name") == "a"
    assert selector.exact("metadata.namespace") is None
