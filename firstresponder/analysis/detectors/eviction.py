"""Pods evicted by the kubelet (status reason Evicted) because their node ran low on memory or disk.

The eviction message names what each container used against its request; the workload using far
more than it requested is what drives the node into pressure (the others are collateral), so it
is the culprit, and the node-pressure finding is folded into this one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from firstresponder.analysis.facts import facts_of, pod_key
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.quantity import QuantityError, format_memory, parse_quantity, round_up_memory
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.workloads import container_spec, fix_target, object_of
from firstresponder.models import Category, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import PodStatusFacts

NAME = "eviction"
_USING = re.compile(r"Container (\S+) was using (\S+?), (?:request is|which exceeds its request of) (\S+?)[,.\s]")


@dataclass(frozen=True)
class Evicted:
    pod: str
    evidence_id: str
    node: str | None
    message: str
    container: str | None = None
    used: Decimal | None = None
    request: Decimal | None = None

    @property
    def excess(self) -> Decimal:
        return (self.used or Decimal(0)) - (self.request or Decimal(0))


def _parse(pod: str, ev_id: str, f: PodStatusFacts) -> Evicted:
    message = f.message or ""
    m = _USING.search(message + " ")
    if m is None:
        return Evicted(pod, ev_id, f.node, message)
    try:
        return Evicted(pod, ev_id, f.node, message, m.group(1), parse_quantity(m.group(2)), parse_quantity(m.group(3)))
    except QuantityError:
        return Evicted(pod, ev_id, f.node, message, m.group(1))


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    by_node: dict[str | None, list[Evicted]] = defaultdict(list)
    for ev, f in facts_of(bundle, PodStatusFacts):
        if f.reason == "Evicted":
            by_node[f.node].append(_parse(pod_key(ev, f.pod), ev.id, f))
    findings = []
    for node, evicted in by_node.items():
        hog = max(evicted, key=lambda e: e.excess)
        if not _is_hog(hog):  # nobody used far beyond its request: the node itself is short (disk, size)
            findings.append(_node_symptom(bundle, node, evicted))
            continue
        target = fix_target(bundle.topology, hog.pod)
        collateral = sorted({fix_target(bundle.topology, e.pod).name for e in evicted} - {target.name})
        resource = "memory" if "memory" in hog.message else "ephemeral-storage" if "ephemeral" in hog.message \
            else "a resource"
        usage = (f" uses {format_memory(round_up_memory(hog.used))} against a {format_memory(int(hog.request))} request"
                 if hog.used is not None and hog.request is not None else "")
        findings.append(Finding(
            detector=NAME, category=Category.EVICTION, culprit=target,
            summary=(f"{target.kind} {target.name}{usage} and node {node or '?'} ran low on {resource}: "
                     f"{len(evicted)} pod(s) evicted" + (f" (collateral: {', '.join(collateral)})" if collateral else "")),
            # one workload evicted: plain fact; several: which one drove the pressure is an inference
            detail=hog.message.strip(), evidence_ids=[e.evidence_id for e in evicted], strength=0.8,
            direct=not collateral,
            explains=sorted({e.pod for e in evicted}), reasons=["pod status reason Evicted"]
            + ([f"{hog.container} used {(hog.used or 0) / (hog.request or 1):.0f}× its request"] if usage else []),
            remediations=_fixes(bundle, target, hog),
            verification=(f"`kubectl describe node {node}` shows MemoryPressure and the eviction events; "
                          f"`kubectl top pod` shows what {target.name} uses now.") if node else "",
        ))
    return findings


def _is_hog(e: Evicted) -> bool:
    """Used at least twice its request (and memory): enough to drive a node into pressure on its own."""
    return e.used is not None and "memory" in e.message and e.used >= 2 * (e.request or Decimal(0))


def _node_symptom(bundle: EvidenceBundle, node: str | None, evicted: list[Evicted]) -> Finding:
    """Evictions with no workload to blame: a symptom of the node (its finding absorbs this one)."""
    target = fix_target(bundle.topology, evicted[0].pod)
    resource = "ephemeral-storage" if "ephemeral" in evicted[0].message else "memory" \
        if "memory" in evicted[0].message else "a resource"
    return Finding(
        detector=NAME, category=Category.EVICTION, culprit=target,
        summary=f"{len(evicted)} pod(s) evicted from node {node or '?'}, which ran low on {resource}",
        detail=evicted[0].message.strip(), evidence_ids=[e.evidence_id for e in evicted], strength=0.6,
        direct=False, explains=sorted({e.pod for e in evicted}), symptom_of=[f"Node/{node}"] if node else [],
        reasons=["pod status reason Evicted, no workload far above its request"],
        remediations=[Remediation(description=f"Look at node {node}: its {resource} is short for what it runs.",
                                  command=commands.describe(ResourceRef(kind="Node", name=node)))] if node else [],
        verification=f"`kubectl describe node {node}` shows the pressure condition." if node else "",
    )


def _fixes(bundle: EvidenceBundle, target: ResourceRef, hog: Evicted) -> list[Remediation]:
    """Request what the container really uses (and cap it), so the scheduler reserves it."""
    if target.kind == "Pod" or hog.used is None or hog.container is None:
        return [Remediation(description="Set memory requests to real usage, and limits, on the evicted workloads.",
                            command=commands.describe(target))]
    spec = container_spec(object_of(bundle.topology, target), hog.container) or {}
    limits = (spec.get("resources") or {}).get("limits") or {}
    request = round_up_memory(hog.used * Decimal("1.1"))
    fields: dict[str, object] = {"requests": {"memory": format_memory(request)}}
    if "memory" not in limits:
        fields["limits"] = {"memory": format_memory(round_up_memory(hog.used * Decimal("1.25")))}
    elif parse_quantity(str(limits["memory"])) < request:
        fields["limits"] = {"memory": format_memory(request)}
    what = "request and limit" if "limits" in fields else "request"
    return [Remediation(
        description=f"Set the memory {what} of {hog.container} in {target.kind} {target.name} to what it really uses.",
        command=commands.patch_container(target, hog.container, {"resources": fields}),
        caution="Requests this size need a node with that much free memory: check `kubectl describe nodes` first.",
        verify=commands.rollout_status(target))]
