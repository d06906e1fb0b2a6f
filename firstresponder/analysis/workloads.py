"""Relations between pods, their controllers and their container specs, read from the topology."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from firstresponder.models import EdgeRelation, ResourceRef, Topology

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet")
_TOP_LEVEL = {"Deployment", "StatefulSet", "DaemonSet", "CronJob"}


def owner_of(topology: Topology, key: str) -> str | None:
    """The controller of a resource: from an OWNS edge, else from ownerReferences."""
    owners = topology.sources(key, EdgeRelation.OWNS)
    if owners:
        return owners[0]
    node = topology.get(key)
    if node is None or node.object is None:
        return None
    ref = node.ref
    for owner in node.object.get("metadata", {}).get("ownerReferences") or []:
        if owner.get("controller", True):
            candidate = ResourceRef(kind=str(owner.get("kind")), namespace=ref.namespace,
                                    name=str(owner.get("name"))).key
            if candidate in topology.nodes:
                return candidate
            if owner.get("kind") == "ReplicaSet":  # the ReplicaSet was not fetched: its Deployment may be
                deployment = ResourceRef(kind="Deployment", namespace=ref.namespace,
                                         name=str(owner.get("name")).rsplit("-", 1)[0]).key
                if deployment in topology.nodes:
                    return deployment
            return candidate
    return None


def workload_of(topology: Topology, pod: str) -> ResourceRef | None:
    """The top-level controller (Deployment, StatefulSet, ...) a pod belongs to; None for bare pods."""
    current, seen = pod, {pod}
    found: str | None = None
    while (parent := owner_of(topology, current)) is not None and parent not in seen:
        seen.add(parent)
        found = current = parent
        if ResourceRef.from_key(parent).kind in _TOP_LEVEL:
            break
    return ResourceRef.from_key(found) if found else None


def fix_target(topology: Topology, pod: str) -> ResourceRef:
    """Where a pod-level fix belongs: its workload, else the pod itself."""
    return workload_of(topology, pod) or ResourceRef.from_key(pod)


def owner_chain(topology: Topology, key: str) -> list[str]:
    """Every controller above a resource, nearest first (Pod -> Job -> CronJob)."""
    chain: list[str] = []
    current = key
    while (parent := owner_of(topology, current)) is not None and parent not in chain and parent != key:
        chain.append(parent)
        current = parent
    return chain


def pods_of(topology: Topology, workload: str) -> list[str]:
    """Pod keys controlled (directly or through a ReplicaSet/Job) by a workload."""
    return [key for key, node in topology.nodes.items()
            if node.ref.kind == "Pod" and workload in owner_chain(topology, key)]


def pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    """The pod spec of a Pod or of a workload's template."""
    kind = obj.get("kind")
    spec: dict[str, Any] = obj.get("spec") or {}
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return ((spec.get("template") or {}).get("spec")) or {}


def container_spec(obj: dict[str, Any] | None, container: str) -> dict[str, Any] | None:
    if obj is None:
        return None
    spec = pod_spec(obj)
    for item in [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]:
        if item.get("name") == container:
            return dict(item)
    return None


def object_of(topology: Topology, key: str | ResourceRef) -> dict[str, Any] | None:
    node = topology.get(key)
    return node.object if node is not None else None


def template_labels(obj: dict[str, Any]) -> dict[str, str]:
    """Labels the pods of a workload carry (a Pod's own labels for a Pod)."""
    if obj.get("kind") == "Pod":
        return dict(obj.get("metadata", {}).get("labels") or {})
    return dict(((obj.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels") or {})


def label_selector(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def last_writer(obj: dict[str, Any]) -> tuple[str | None, datetime | None]:
    """(manager, time) of the newest managedFields entry: who last changed the object, and when."""
    newest: tuple[str | None, datetime | None] = (None, None)
    for entry in (obj.get("metadata") or {}).get("managedFields") or []:
        try:
            at = datetime.fromisoformat(str(entry.get("time", "")).replace("Z", "+00:00"))
        except ValueError:
            continue
        if at.tzinfo is not None and (newest[1] is None or at > newest[1]):
            newest = (str(entry.get("manager")) if entry.get("manager") else None, at)
    return newest
