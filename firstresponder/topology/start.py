"""Start points: resolving the alerting resource, workload names, namespace-wide alerts, deleted pods."""

from __future__ import annotations

import re
from typing import Any

from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import EdgeRelation
from firstresponder.topology.cluster_scan import CLUSTER_KIND
from firstresponder.topology.lookup import ReadFailed
from firstresponder.topology.objects import (
    as_dict,
    as_list,
    controller_of,
    dig,
    labels_of,
    name_of,
    pod_problem,
    ref_to,
    workload_problem,
)
from firstresponder.topology.walk import Edge, Found, Role, Via, Visit, WalkContext

# Pseudo-kind for a bare workload name (CloudWatch Container Insights' PodName dimension).
WORKLOAD_KIND = "Workload"
_WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")


def resolve_root(ctx: WalkContext, start: ResourceRef | None,
                 namespace: str | None) -> tuple[ResourceRef, dict[str, Any] | None, bool]:
    """(root ref, its object, missing) for a start point; namespace-only starts root at the Namespace."""
    if start is None:
        if not namespace:
            ctx.notes.append("no resource or namespace in the alert: scanned the cluster")
            return ResourceRef(kind=CLUSTER_KIND, name="cluster"), None, False
        ref = ResourceRef(kind="Namespace", name=namespace)
        return ref, _read(ctx, "Namespace", namespace, None), False
    ns = start.namespace or namespace
    if start.kind in (WORKLOAD_KIND, "Deployment"):
        resolved = resolve_workload_name(ctx, start.name, ns, first_kind=start.kind)
        if resolved is not None:
            return resolved
        kind = "Deployment"
        ref = ResourceRef(kind=kind, name=start.name, namespace=ns)
        ctx.notes.append(f"no Deployment, StatefulSet, DaemonSet or pod named {start.name} in {ns}")
        return ref, None, True
    ref = ref_to(start.kind, start.name, ns)
    try:
        obj = ctx.lookup.get(start.kind, start.name, ref.namespace)
    except ReadFailed:
        return ref, None, False
    return ref, obj, obj is None


def _read(ctx: WalkContext, kind: str, name: str, namespace: str | None) -> dict[str, Any] | None:
    try:
        return ctx.lookup.get(kind, name, namespace)
    except ReadFailed:
        return None


def resolve_workload_name(ctx: WalkContext, name: str, namespace: str | None, *,
                          first_kind: str = WORKLOAD_KIND) -> tuple[ResourceRef, dict[str, Any], bool] | None:
    """A Deployment, StatefulSet or DaemonSet of that name; else a pod whose name starts with it."""
    for kind in _WORKLOAD_KINDS:
        obj = _read(ctx, kind, name, namespace)
        if obj is not None:
            if kind != first_kind:
                ctx.notes.append(f"{name} resolved to {kind}/{namespace}/{name}")
            return ResourceRef(kind=kind, name=name, namespace=namespace), obj, False
    try:
        pods = [p for p in ctx.lookup.list("Pod", namespace) if name_of(p).startswith(f"{name}-")]
    except ReadFailed:
        return None
    if not pods:
        return None
    pods.sort(key=lambda p: (pod_problem(p) is None, name_of(p)))
    ctx.notes.append(f"{name} resolved to Pod/{namespace}/{name_of(pods[0])} by name prefix")
    return ResourceRef(kind="Pod", name=name_of(pods[0]), namespace=namespace), pods[0], False


_STATEFUL_POD = re.compile(r"^(?P<owner>.+)-\d+$")


def probable_owners(ctx: WalkContext, visit: Visit) -> list[Found]:
    """For an alerting pod that no longer exists: its ReplicaSet/Deployment/StatefulSet guessed by name."""
    name, ns = visit.ref.name, visit.ref.namespace
    candidates: list[tuple[str, str]] = []
    stateful = _STATEFUL_POD.match(name)
    if stateful:
        candidates.append(("StatefulSet", stateful.group("owner")))
    base = name.rsplit("-", 1)[0]
    candidates += [("ReplicaSet", base), ("Deployment", base.rsplit("-", 1)[0]), ("DaemonSet", base),
                   ("Job", base)]
    for kind, owner in candidates:
        obj = _read(ctx, kind, owner, ns)
        if obj is not None:
            ref = ResourceRef(kind=kind, name=owner, namespace=ns)
            return [Found(ref, obj, f"probable owner of deleted Pod {name} (by name)",
                          Edge(ref, visit.ref, EdgeRelation.OWNS, "guessed from the pod name"),
                          role=Role.FOCUS, via=Via.UP)]
    return []


def unhealthy_workloads(ctx: WalkContext, visit: Visit) -> list[Found]:
    """Namespace-wide start: unhealthy workloads, then unhealthy pods no listed workload covers."""
    ns = visit.ref.name
    bad: list[tuple[dict[str, Any], str]] = []
    for kind in _WORKLOAD_KINDS:
        try:
            bad += [(w, p) for w in ctx.lookup.list(kind, ns) if (p := workload_problem(w))]
        except ReadFailed:
            continue
    covered = {name_of(w) for w, _p in bad}
    try:
        pods = ctx.lookup.list("Pod", ns)
    except ReadFailed:
        pods = []
    for pod in sorted(pods, key=name_of):
        problem = pod_problem(pod)
        if problem and _workload_name(pod) not in covered:
            bad.append((pod, problem))
            covered.add(_workload_name(pod) or name_of(pod))
    bad += _services_without_endpoints(ctx, ns)
    found = []
    for obj, problem in bad[: ctx.budget.max_unhealthy_workloads]:
        ref = ResourceRef(kind=str(obj.get("kind", "Pod")), name=name_of(obj), namespace=ns)
        found.append(Found(ref, obj, f"unhealthy in namespace {ns}: {problem}",
                           Edge(visit.ref, ref, EdgeRelation.IN_NAMESPACE, problem),
                           role=Role.FOCUS, via=Via.START))
    if len(bad) > ctx.budget.max_unhealthy_workloads:
        ctx.notes.append(f"{len(bad)} unhealthy workloads in {ns}, kept {ctx.budget.max_unhealthy_workloads}")
    return found


def _services_without_endpoints(ctx: WalkContext, ns: str) -> list[tuple[dict[str, Any], str]]:
    """Services with a selector but no ready endpoint (their backends are gone, scaled down or relabelled)."""
    try:
        services = ctx.lookup.list("Service", ns)
        slices = ctx.lookup.list("EndpointSlice", ns)
    except ReadFailed:
        return []
    ready: dict[str, int] = {}
    for item in slices:
        owner = labels_of(item).get("kubernetes.io/service-name", "")
        count = sum(1 for e in as_list(item.get("endpoints"))
                    if (as_dict(e).get("conditions") or {}).get("ready", True) is not False)
        ready[owner] = ready.get(owner, 0) + count
    return [(s, "no ready endpoints") for s in sorted(services, key=name_of)
            if dig(s, "spec", "selector") and ready.get(name_of(s), 0) == 0]


def _workload_name(pod: dict[str, Any]) -> str | None:
    """The top workload name of a pod, from its controller (ReplicaSet name minus pod-template-hash)."""
    owner = controller_of(pod)
    if owner is None:
        return None
    owner_name = str(owner.get("name", ""))
    template_hash = labels_of(pod).get("pod-template-hash")
    if owner.get("kind") == "ReplicaSet" and template_hash and owner_name.endswith(f"-{template_hash}"):
        return owner_name[: -len(template_hash) - 1]
    return owner_name
