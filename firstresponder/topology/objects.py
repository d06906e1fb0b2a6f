"""Plain-dict accessors for Kubernetes objects as the API serves them (camelCase JSON)."""

from __future__ import annotations

from typing import Any

from firstresponder.models.resource import CLUSTER_SCOPED_KINDS, ResourceRef

Obj = dict[str, Any]


def meta(obj: Obj) -> Obj:
    value = obj.get("metadata")
    return value if isinstance(value, dict) else {}


def name_of(obj: Obj) -> str:
    return str(meta(obj).get("name", ""))


def namespace_of(obj: Obj) -> str | None:
    ns = meta(obj).get("namespace")
    return str(ns) if ns else None


def labels_of(obj: Obj) -> dict[str, str]:
    value = meta(obj).get("labels")
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def annotations_of(obj: Obj) -> dict[str, str]:
    value = meta(obj).get("annotations")
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def dig(obj: Any, *path: str) -> Any:
    """Follow dict keys; None as soon as one is absent."""
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def ref_to(kind: str, name: str, namespace: str | None) -> ResourceRef:
    """A ref with namespace dropped for cluster-scoped kinds."""
    return ResourceRef(kind=kind, name=name, namespace=None if kind in CLUSTER_SCOPED_KINDS else namespace)


def controller_of(obj: Obj) -> Obj | None:
    """The ownerReference marked controller (or the only one)."""
    owners = [o for o in as_list(meta(obj).get("ownerReferences")) if isinstance(o, dict)]
    for owner in owners:
        if owner.get("controller"):
            return owner
    return owners[0] if len(owners) == 1 else None


def is_owned_by(obj: Obj, owner: Obj) -> bool:
    uid = meta(owner).get("uid")
    for ref in as_list(meta(obj).get("ownerReferences")):
        if not isinstance(ref, dict):
            continue
        if uid and ref.get("uid") == uid:
            return True
        if ref.get("kind") == owner.get("kind") and ref.get("name") == name_of(owner):
            return True
    return False


def pod_spec(obj: Obj) -> Obj:
    """The pod spec of a Pod, a workload template or a CronJob's job template."""
    kind = obj.get("kind")
    if kind == "Pod":
        return as_dict(obj.get("spec"))
    if kind == "CronJob":
        return as_dict(dig(obj, "spec", "jobTemplate", "spec", "template", "spec"))
    return as_dict(dig(obj, "spec", "template", "spec"))


def containers_of(spec: Obj, *, init: bool = True) -> list[tuple[Obj, bool]]:
    """(container, is_init) pairs, init containers first."""
    out: list[tuple[Obj, bool]] = []
    if init:
        out += [(c, True) for c in as_list(spec.get("initContainers")) if isinstance(c, dict)]
    out += [(c, False) for c in as_list(spec.get("containers")) if isinstance(c, dict)]
    return out


def revision_of(replicaset: Obj) -> int:
    try:
        return int(annotations_of(replicaset).get("deployment.kubernetes.io/revision", "0"))
    except ValueError:
        return 0


def condition(obj: Obj, kind: str) -> Obj | None:
    for cond in as_list(dig(obj, "status", "conditions")):
        if isinstance(cond, dict) and cond.get("type") == kind:
            return cond
    return None


def pod_problem(pod: Obj) -> str | None:
    """Why a pod is unhealthy (None when Running and Ready or Succeeded)."""
    phase = dig(pod, "status", "phase") or "Unknown"
    if phase == "Succeeded":
        return None
    statuses = as_list(dig(pod, "status", "initContainerStatuses")) + as_list(
        dig(pod, "status", "containerStatuses"))
    for status in statuses:
        waiting = dig(status, "state", "waiting")
        if isinstance(waiting, dict) and waiting.get("reason") not in (None, "ContainerCreating", "PodInitializing"):
            return str(waiting.get("reason"))
        terminated = dig(status, "state", "terminated")
        if isinstance(terminated, dict) and terminated.get("exitCode", 0) != 0:
            return str(terminated.get("reason") or f"exit {terminated.get('exitCode')}")
    if phase in ("Pending", "Failed", "Unknown"):
        reason = dig(pod, "status", "reason")
        return f"{phase} ({reason})" if reason else str(phase)
    ready = condition(pod, "Ready")
    if ready is not None and ready.get("status") != "True":
        return "not Ready"
    restarts = sum(int(s.get("restartCount", 0) or 0) for s in statuses if isinstance(s, dict))
    if restarts > 0 and any(isinstance(dig(s, "lastState", "terminated"), dict) for s in statuses):
        return f"{restarts} restarts"
    return None


def workload_problem(workload: Obj) -> str | None:
    """Why a Deployment/StatefulSet/DaemonSet is unhealthy (None when all replicas are available)."""
    status = as_dict(workload.get("status"))
    if workload.get("kind") == "DaemonSet":
        desired = int(status.get("desiredNumberScheduled", 0) or 0)
        ready = int(status.get("numberReady", 0) or 0)
        unavailable = int(status.get("numberUnavailable", 0) or 0)
    else:
        desired = int(dig(workload, "spec", "replicas") if dig(workload, "spec", "replicas") is not None else 1)
        ready = int(status.get("readyReplicas", 0) or 0)
        unavailable = int(status.get("unavailableReplicas", 0) or 0) or max(desired - ready, 0)
    if unavailable > 0 or ready < desired:
        return f"{ready}/{desired} ready"
    return None
