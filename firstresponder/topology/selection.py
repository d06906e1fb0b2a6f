"""Selection edges: Services, PDBs and NetworkPolicies selecting the pods; HPAs; endpoints."""

from __future__ import annotations

from typing import Any

from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import EdgeRelation
from firstresponder.topology.objects import as_list, dig, labels_of, name_of, pod_problem
from firstresponder.topology.ownership import choose_pods
from firstresponder.topology.selectors import map_string, selector_matches, service_selects
from firstresponder.topology.walk import Edge, Found, Role, Via, Visit, WalkContext


def _ports(service: dict[str, Any]) -> str:
    parts = []
    for port in as_list(dig(service, "spec", "ports")):
        if isinstance(port, dict):
            parts.append(f"port {port.get('port')} -> {port.get('targetPort', port.get('port'))}")
    return ", ".join(parts)


def selecting_services(ctx: WalkContext, visit: Visit) -> list[Found]:
    """Services of the pod's namespace whose selector matches its labels (one list, matched here)."""
    labels = labels_of(visit.obj or {})
    found = []
    for service in ctx.lookup.list("Service", visit.ref.namespace):
        if service_selects(dig(service, "spec", "selector"), labels):
            ref = ResourceRef(kind="Service", name=name_of(service), namespace=visit.ref.namespace)
            found.append(Found(ref, service, "Service selecting the pods",
                               Edge(ref, visit.ref, EdgeRelation.SELECTS, _ports(service))))
    return found


def selecting_policies(ctx: WalkContext, visit: Visit) -> list[Found]:
    """NetworkPolicies whose podSelector matches the pod (an empty selector matches all)."""
    labels = labels_of(visit.obj or {})
    found = []
    for policy in ctx.lookup.list("NetworkPolicy", visit.ref.namespace):
        if selector_matches(dig(policy, "spec", "podSelector") or {}, labels):
            ref = ResourceRef(kind="NetworkPolicy", name=name_of(policy), namespace=visit.ref.namespace)
            types = ",".join(str(t) for t in as_list(dig(policy, "spec", "policyTypes"))) or "Ingress"
            relation = ("NetworkPolicy selecting the dependency's pods" if visit.role is Role.DEPENDENCY
                        else "NetworkPolicy selecting the pods")
            found.append(Found(ref, policy, relation,
                               Edge(ref, visit.ref, EdgeRelation.SELECTS, f"policyTypes {types}")))
    return found


def selecting_budgets(ctx: WalkContext, visit: Visit) -> list[Found]:
    """PodDisruptionBudgets whose selector matches the pod."""
    labels = labels_of(visit.obj or {})
    found = []
    for pdb in ctx.lookup.list("PodDisruptionBudget", visit.ref.namespace):
        if selector_matches(dig(pdb, "spec", "selector"), labels):
            ref = ResourceRef(kind="PodDisruptionBudget", name=name_of(pdb), namespace=visit.ref.namespace)
            found.append(Found(ref, pdb, "PodDisruptionBudget covering the pods",
                               Edge(ref, visit.ref, EdgeRelation.SELECTS)))
    return found


def scaling_autoscalers(ctx: WalkContext, visit: Visit) -> list[Found]:
    """HPAs whose scaleTargetRef is this workload."""
    found = []
    for hpa in ctx.lookup.list("HorizontalPodAutoscaler", visit.ref.namespace):
        target = dig(hpa, "spec", "scaleTargetRef") or {}
        if target.get("kind") == visit.ref.kind and target.get("name") == visit.ref.name:
            ref = ResourceRef(kind="HorizontalPodAutoscaler", name=name_of(hpa), namespace=visit.ref.namespace)
            found.append(Found(ref, hpa, f"autoscaler of {visit.ref.kind} {visit.ref.name}",
                               Edge(ref, visit.ref, EdgeRelation.SCALES)))
    return found


def service_pods(ctx: WalkContext, visit: Visit) -> list[Found]:
    """Pods a Service selects (label-selector list), unhealthy first."""
    selector = map_string(dig(visit.obj or {}, "spec", "selector"))
    if not selector:
        return []
    pods = ctx.lookup.list("Pod", visit.ref.namespace, label_selector=selector)
    dependency = visit.role is Role.DEPENDENCY
    limit = ctx.budget.max_dependency_pods if dependency else ctx.budget.max_pods_per_workload
    found = []
    for pod in choose_pods(pods, limit, set()):
        ref = ResourceRef(kind="Pod", name=name_of(pod), namespace=visit.ref.namespace)
        relation = f"pod behind dependency Service {visit.ref.name}" if dependency else \
            f"pod selected by Service {visit.ref.name}"
        found.append(Found(ref, pod, relation,
                           Edge(visit.ref, ref, EdgeRelation.SELECTS, pod_problem(pod) or "healthy"),
                           role=visit.role, via=Via.SIDE))  # SIDE: their owners are still to be found
    return found


def service_endpoints(ctx: WalkContext, visit: Visit) -> list[Found]:
    """EndpointSlices of a Service (label kubernetes.io/service-name); Endpoints when there are none."""
    ns = visit.ref.namespace
    slices = ctx.lookup.list("EndpointSlice", ns, label_selector=f"kubernetes.io/service-name={visit.ref.name}")
    found = []
    for item in slices[:3]:
        ready, not_ready = _slice_counts(item)
        ref = ResourceRef(kind="EndpointSlice", name=name_of(item), namespace=ns)
        found.append(Found(ref, item, f"endpoints of Service {visit.ref.name}",
                           Edge(visit.ref, ref, EdgeRelation.ENDPOINTS, f"{ready} ready, {not_ready} not ready")))
    if found:
        return found
    endpoints = ctx.lookup.get("Endpoints", visit.ref.name, ns)
    if endpoints is None:
        return []
    ref = ResourceRef(kind="Endpoints", name=visit.ref.name, namespace=ns)
    ready = sum(len(as_list(s.get("addresses"))) for s in as_list(endpoints.get("subsets")) if isinstance(s, dict))
    not_ready = sum(len(as_list(s.get("notReadyAddresses"))) for s in as_list(endpoints.get("subsets"))
                    if isinstance(s, dict))
    return [Found(ref, endpoints, f"endpoints of Service {visit.ref.name}",
                  Edge(visit.ref, ref, EdgeRelation.ENDPOINTS, f"{ready} ready, {not_ready} not ready"))]


def _slice_counts(item: dict[str, Any]) -> tuple[int, int]:
    ready = not_ready = 0
    for endpoint in as_list(item.get("endpoints")):
        if not isinstance(endpoint, dict):
            continue
        if (endpoint.get("conditions") or {}).get("ready", True) is False:
            not_ready += 1
        else:
            ready += 1
    return ready, not_ready


def scale_target(ctx: WalkContext, visit: Visit) -> list[Found]:
    """The workload an alerting HPA scales (missing=True when it does not exist)."""
    target = dig(visit.obj or {}, "spec", "scaleTargetRef") or {}
    if not target.get("kind") or not target.get("name"):
        return []
    kind, name = str(target["kind"]), str(target["name"])
    obj = ctx.lookup.get(kind, name, visit.ref.namespace)
    ref = ResourceRef(kind=kind, name=name, namespace=visit.ref.namespace)
    return [Found(ref, obj, f"scaled by HorizontalPodAutoscaler {visit.ref.name}",
                  Edge(visit.ref, ref, EdgeRelation.SCALES), role=Role.FOCUS, via=Via.DOWN, missing=obj is None)]


def service_workloads(ctx: WalkContext, visit: Visit) -> list[Found]:
    """For a Service that selects no pods: workloads whose pod template it matches (scaled to zero), else
    the workload of the same name whose labels drifted from the selector."""
    selector = dig(visit.obj or {}, "spec", "selector")
    if not selector or ctx.lookup.list("Pod", visit.ref.namespace, label_selector=map_string(selector)):
        return []
    candidates = [w for kind in ("Deployment", "StatefulSet") for w in ctx.lookup.list(kind, visit.ref.namespace)]
    found = []
    for workload in candidates:
        labels = {str(k): str(v) for k, v in (dig(workload, "spec", "template", "metadata", "labels") or {}).items()}
        replicas = dig(workload, "spec", "replicas")
        if service_selects(selector, labels):
            detail = f"pod template matches the selector; spec.replicas={replicas}"
        elif name_of(workload) == visit.ref.name:
            detail = f"same name, but its pod labels {labels} do not match selector {map_string(selector)}"
        else:
            continue
        ref = ResourceRef(kind=str(workload.get("kind")), name=name_of(workload), namespace=visit.ref.namespace)
        found.append(Found(ref, workload, f"workload behind Service {visit.ref.name} (no pods selected)",
                           Edge(visit.ref, ref, EdgeRelation.SELECTS, detail), role=visit.role, via=Via.DOWN))
    return found[:3]
