"""Cluster-wide start (an alert with neither resource nor namespace, e.g. a synthetic canary).

A bounded scan of what fails cluster-wide: unhealthy nodes, Deployments with unavailable replicas,
and Ingresses whose TLS Secret, class or backend Service is missing (the usual reasons a URL check
fails while every pod is healthy). Nodes, Deployments and Ingresses are listed once each; pods never.
"""

from __future__ import annotations

from typing import Any

from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import EdgeRelation
from firstresponder.topology.lookup import ReadFailed
from firstresponder.topology.objects import (
    as_dict,
    as_list,
    condition,
    dig,
    meta,
    name_of,
    namespace_of,
    workload_problem,
)
from firstresponder.topology.routing import ingress_backends, ingress_class_name
from firstresponder.topology.walk import Edge, Found, Role, Via, Visit, WalkContext

CLUSTER_KIND = "Cluster"
MAX_INGRESSES_CHECKED = 10


def _list(ctx: WalkContext, kind: str) -> list[dict[str, Any]]:
    try:
        return ctx.lookup.list(kind, None)
    except ReadFailed:
        return []


def node_problem(node: dict[str, Any]) -> str | None:
    ready = condition(node, "Ready")
    if ready is not None and ready.get("status") != "True":
        return "NotReady"
    pressure = [c for c in ("MemoryPressure", "DiskPressure", "PIDPressure")
                if (condition(node, c) or {}).get("status") == "True"]
    return ", ".join(pressure) or None


def ingress_problem(ctx: WalkContext, ingress: dict[str, Any]) -> str | None:
    """A missing TLS Secret, IngressClass (named in spec) or backend Service, read with gets."""
    ns = namespace_of(ingress)
    for tls in as_list(dig(ingress, "spec", "tls")):
        secret = as_dict(tls).get("secretName")
        if secret and ctx.lookup.get("Secret", str(secret), ns) is None:
            return f"TLS Secret {secret} missing"
    name, from_spec = ingress_class_name(ingress)
    if name and from_spec and ctx.lookup.get("IngressClass", name, None) is None:
        return f"IngressClass {name} missing"
    for _host, _path, service, _port in ingress_backends(ingress):
        if ctx.lookup.get("Service", service, ns) is None:
            return f"backend Service {service} missing"
    return None


def _newest_first(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def changed(obj: dict[str, Any]) -> str:
        times = [str(as_dict(e).get("time", "")) for e in as_list(meta(obj).get("managedFields"))]
        return max([*times, str(meta(obj).get("creationTimestamp", ""))])

    return sorted(objects, key=changed, reverse=True)


def cluster_problems(ctx: WalkContext, visit: Visit) -> list[Found]:
    """Unhealthy nodes, Deployments and Ingresses anywhere in the cluster (most recently changed first)."""
    bad: list[tuple[dict[str, Any], str]] = []
    bad += [(n, p) for n in _list(ctx, "Node") if (p := node_problem(n))]
    bad += [(d, p) for d in _list(ctx, "Deployment") if (p := workload_problem(d))]
    for ingress in _newest_first(_list(ctx, "Ingress"))[:MAX_INGRESSES_CHECKED]:
        try:
            problem = ingress_problem(ctx, ingress)
        except ReadFailed:
            continue
        if problem:
            bad.append((ingress, problem))
    found = []
    for obj, problem in bad[: ctx.budget.max_unhealthy_workloads]:
        ref = ResourceRef(kind=str(obj.get("kind")), name=name_of(obj), namespace=namespace_of(obj))
        found.append(Found(ref, obj, f"unhealthy in the cluster: {problem}",
                           Edge(visit.ref, ref, EdgeRelation.IN_NAMESPACE, problem), role=Role.FOCUS, via=Via.START))
    if not found:
        ctx.notes.append("cluster-wide scan found no unhealthy node, Deployment or Ingress")
    return found
