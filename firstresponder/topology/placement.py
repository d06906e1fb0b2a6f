"""Placement edges: the node a pod runs on; for a Pending pod, the nodes that could take it."""

from __future__ import annotations

from typing import Any

from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import EdgeRelation
from firstresponder.topology.objects import as_dict, as_list, condition, dig, labels_of, name_of, pod_problem
from firstresponder.topology.selectors import selector_matches
from firstresponder.topology.walk import Edge, Found, Role, Via, Visit, WalkContext, follow_name


def scheduled_node(ctx: WalkContext, visit: Visit) -> list[Found]:
    """The node in spec.nodeName."""
    return follow_name(ctx, visit, dig(visit.obj or {}, "spec", "nodeName"), "Node", EdgeRelation.SCHEDULED_ON,
                       f"node of Pod {visit.ref.name}")


def candidate_nodes(ctx: WalkContext, visit: Visit) -> list[Found]:
    """Every node (nodes are few: one list) with why it can or cannot take the Pending pod."""
    pod = visit.obj or {}
    if dig(pod, "spec", "nodeName") or dig(pod, "status", "phase") != "Pending":
        return []
    fits = [(node, node_misfits(pod, node)) for node in ctx.lookup.list("Node", None)]
    fits.sort(key=lambda pair: (bool(pair[1]), name_of(pair[0])))  # fitting nodes first
    found = []
    for node, misfits in fits[: ctx.budget.max_candidate_nodes]:
        ref = ResourceRef(kind="Node", name=name_of(node))
        detail = "; ".join(misfits) if misfits else "fits selector, affinity and taints"
        found.append(Found(ref, node, f"candidate node for Pending Pod {visit.ref.name}",
                           Edge(visit.ref, ref, EdgeRelation.CANDIDATE_NODE, detail)))
    return found


def node_misfits(pod: dict[str, Any], node: dict[str, Any]) -> list[str]:
    """Why the scheduler would skip this node (empty: no static reason; resources are checked later)."""
    spec = as_dict(pod.get("spec"))
    labels = labels_of(node)
    reasons: list[str] = []
    if dig(node, "spec", "unschedulable"):
        reasons.append("cordoned (unschedulable)")
    ready = condition(node, "Ready")
    if ready is not None and ready.get("status") != "True":
        reasons.append("node not Ready")
    for key, value in as_dict(spec.get("nodeSelector")).items():
        if labels.get(str(key)) != str(value):
            reasons.append(f"nodeSelector {key}={value} not matched")
    terms = as_list(dig(spec, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                        "nodeSelectorTerms"))
    if terms and not any(selector_matches({"matchExpressions": as_dict(t).get("matchExpressions")}, labels)
                         for t in terms):
        reasons.append("required node affinity not matched")
    tolerations = [as_dict(t) for t in as_list(spec.get("tolerations"))]
    for taint in as_list(dig(node, "spec", "taints")):
        taint = as_dict(taint)
        if taint.get("effect") in ("NoSchedule", "NoExecute") and not _tolerated(taint, tolerations):
            value = f"={taint['value']}" if taint.get("value") else ""
            reasons.append(f"taint {taint.get('key')}{value}:{taint.get('effect')} not tolerated")
    return reasons


def _tolerated(taint: dict[str, Any], tolerations: list[dict[str, Any]]) -> bool:
    for toleration in tolerations:
        if toleration.get("effect") and toleration.get("effect") != taint.get("effect"):
            continue
        if toleration.get("operator") == "Exists" and (not toleration.get("key")
                                                        or toleration.get("key") == taint.get("key")):
            return True
        if toleration.get("key") == taint.get("key") and toleration.get("value") == taint.get("value"):
            return True
    return False


def node_pods(ctx: WalkContext, visit: Visit) -> list[Found]:
    """Pods on an alerting node (field selector spec.nodeName), unhealthy first."""
    pods = ctx.lookup.list("Pod", None, field_selector=f"spec.nodeName={visit.ref.name}")
    pods.sort(key=lambda p: (pod_problem(p) is None, str(p.get("metadata", {}).get("namespace")), name_of(p)))
    found = []
    for pod in pods[: ctx.budget.max_pods_per_workload * 3]:
        ref = ResourceRef(kind="Pod", name=name_of(pod), namespace=pod.get("metadata", {}).get("namespace"))
        found.append(Found(ref, pod, f"pod on Node {visit.ref.name}",
                           Edge(ref, visit.ref, EdgeRelation.SCHEDULED_ON, pod_problem(pod) or "healthy"),
                           role=Role.CONTEXT, via=Via.DOWN))
    return found
