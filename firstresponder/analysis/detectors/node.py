"""Node NotReady or under Memory/Disk/PID pressure, with failing pods on it."""

from __future__ import annotations

from datetime import datetime

from firstresponder.analysis.facts import facts_of, pod_key
from firstresponder.analysis.failures import failing_pods
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.remediation import commands
from firstresponder.models import Category, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import NodeFacts, PodStatusFacts

NAME = "node"


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    failing = failing_pods(bundle, now)
    pods_on: dict[str, list[tuple[str, str]]] = {}
    for ev, pod in facts_of(bundle, PodStatusFacts):
        if pod.node and pod_key(ev, pod.pod) in failing:
            pods_on.setdefault(pod.node, []).append((pod_key(ev, pod.pod), ev.id))
    findings = []
    for ev, node in facts_of(bundle, NodeFacts):
        if node.ready and not node.pressure:
            continue
        on_it = pods_on.get(node.node, [])
        if not on_it:
            continue
        ref = ResourceRef(kind="Node", name=node.node)
        problem = "NotReady" if not node.ready else " and ".join(node.pressure)
        findings.append(Finding(
            detector=NAME, category=Category.NODE, culprit=ref,
            summary=f"Node {node.node} is {problem}; {len(on_it)} failing pod(s) run on it",
            detail=f"Conditions: {node.conditions}. Taints: {', '.join(node.taints) or 'none'}."
                   + (f" Allocatable: {node.allocatable}." if node.allocatable else "")
                   + (f" Evictions: {evictions[0]}" if (evictions := _evictions(bundle, on_it)) else ""),
            evidence_ids=[ev.id, *(i for _p, i in on_it)], strength=0.75 if not node.ready else 0.65,
            direct=True, explains=sorted({p for p, _ in on_it}),
            # pressure is usually caused by a workload on the node (eviction finds it); NotReady is the node's own
            symptom_of=[p for p, _ in on_it] if node.ready else [],
            reasons=[f"node condition {problem}"],
            remediations=[Remediation(
                description=(f"Inspect node {node.node}; if it does not recover, cordon and drain it so its pods "
                             "move (draining evicts pods: check the PodDisruptionBudgets first)."),
                command=commands.describe(ref), verify=commands.get(ref))],
            verification=f"`kubectl describe node {node.node}` shows the condition and its last transition.",
        ))
    return findings


def _evictions(bundle: EvidenceBundle, on_it: list[tuple[str, str]]) -> list[str]:
    """The kubelet's eviction messages for pods on the node (they say which resource ran out)."""
    ids = {i for _p, i in on_it}
    return [f.message.strip() for ev, f in facts_of(bundle, PodStatusFacts)
            if ev.id in ids and f.reason == "Evicted" and f.message]
