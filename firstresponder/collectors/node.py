"""Node facts: conditions, pressure, taints, cordon, allocatable against what its pods request."""

from __future__ import annotations

from typing import Any

from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.collectors.ids import evidence_id
from firstresponder.collectors.quantities import format_quantity, parse_quantity
from firstresponder.collectors.times import parse_time
from firstresponder.models.evidence import ChangeKind, CollectorResult, Evidence, NodeFacts
from firstresponder.models.resource import ResourceRef
from firstresponder.topology.objects import as_dict, as_list, containers_of, dig, pod_spec

NAME = "node"
_PRESSURE = ("MemoryPressure", "DiskPressure", "PIDPressure")
_HEALTHY = {"Ready": "True", "MemoryPressure": "False", "DiskPressure": "False", "PIDPressure": "False",
            "NetworkUnavailable": "False"}


def requested_by(pods: list[dict[str, Any]]) -> dict[str, str]:
    """Sum of container requests (init containers as the scheduler counts them: the max, not the sum)."""
    totals: dict[str, float] = {}
    for pod in pods:
        spec = pod_spec(pod)
        main: dict[str, float] = {}
        init: dict[str, float] = {}
        for container, is_init in containers_of(spec):
            for name, value in as_dict(dig(container, "resources", "requests")).items():
                amount = parse_quantity(value) or 0.0
                if is_init:
                    init[name] = max(init.get(name, 0.0), amount)
                else:
                    main[name] = main.get(name, 0.0) + amount
        for name in set(main) | set(init):
            totals[name] = totals.get(name, 0.0) + max(main.get(name, 0.0), init.get(name, 0.0))
    return {name: format_quantity(name, amount) for name, amount in sorted(totals.items())}


def collect_node(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    out = ResultBuilder(ctx, NAME, ref)
    node = ctx.obj(ref)
    if node is None:
        out.skipped = True
        return out.result()
    conditions = {str(c.get("type")): str(c.get("status")) for c in (as_dict(x) for x in
                  as_list(dig(node, "status", "conditions")))}
    taints = []
    for taint in (as_dict(t) for t in as_list(dig(node, "spec", "taints"))):
        value = f"={taint['value']}" if taint.get("value") else ""
        taints.append(f"{taint.get('key')}{value}:{taint.get('effect')}")
    selector = f"spec.nodeName={ref.name},status.phase!=Succeeded,status.phase!=Failed"
    pods = out.attempt(lambda: ctx.reader.list("Pod", None, field_selector=selector), f"pods on {ref.key}")
    facts = NodeFacts(node=ref.name, ready=conditions.get("Ready") == "True", conditions=conditions,
                      pressure=[p for p in _PRESSURE if conditions.get(p) == "True"],
                      unschedulable=bool(dig(node, "spec", "unschedulable")), taints=taints,
                      allocatable={str(k): str(v) for k, v in as_dict(dig(node, "status", "allocatable")).items()},
                      requested=requested_by(pods) if pods is not None else {})
    evidence_key = evidence_id("node", ref.name)
    out.evidence.append(Evidence(id=evidence_key, resource=ref, summary=_summary(facts, pods),
                                 excerpt=_excerpt(facts), facts=facts))
    for cond in (as_dict(c) for c in as_list(dig(node, "status", "conditions"))):
        kind, status = str(cond.get("type")), str(cond.get("status"))
        if kind == "Ready" or _HEALTHY.get(kind, status) != status:
            out.change(parse_time(cond.get("lastTransitionTime")), ref, ChangeKind.NODE,
                       f"Node {ref.name} {kind} became {status}" + (f" ({cond['reason']})" if cond.get("reason") else ""),
                       actor="kubelet", evidence_id=evidence_key)
    return out.result()


def _summary(facts: NodeFacts, pods: list[dict[str, Any]] | None) -> str:
    parts = [f"Node {facts.node}: {'Ready' if facts.ready else 'NOT Ready'}"]
    if facts.pressure:
        parts.append("pressure " + ", ".join(facts.pressure))
    if facts.unschedulable:
        parts.append("cordoned")
    if facts.taints:
        parts.append("taints " + ", ".join(facts.taints))
    for resource in ("cpu", "memory"):
        allocatable = parse_quantity(facts.allocatable.get(resource))
        if resource in facts.requested and allocatable:
            parts.append(f"{resource} requested {facts.requested[resource]} of "
                         f"{format_quantity(resource, allocatable)}")
    if pods is not None:
        parts.append(f"{len(pods)} pods")
    return "; ".join(parts)


def _excerpt(facts: NodeFacts) -> str:
    lines = [f"{k}: {v}" for k, v in facts.conditions.items()]
    lines.append(f"allocatable: {facts.allocatable}")
    lines.append(f"requested: {facts.requested}")
    return "\n".join(lines)
