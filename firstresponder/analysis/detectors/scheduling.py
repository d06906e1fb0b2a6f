"""Pods that cannot be scheduled: not enough cpu/memory, selectors or affinity matching no node, taints, cordons.

Unbound PersistentVolumeClaims are left to ``storage`` and quota refusals to ``quota``. A request
larger than any node can allocate will never fit (a plain fact); one that fits an empty node but
not today's free capacity is a capacity question (an inference).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from firstresponder.analysis.facts import events_for, facts_of, pod_key, rollout_of
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.grouping import by_fix_target
from firstresponder.analysis.quantity import QuantityError, format_cpu, format_memory, parse_quantity
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.revisions import previous_revision, revision_change
from firstresponder.analysis.workloads import object_of, pod_spec
from firstresponder.models import Category, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import NodeFacts, PodStatusFacts, TemplateDiff

NAME = "scheduling"
_KINDS = (  # (text in the scheduler message, short reason)
    ("insufficient cpu", "not enough free CPU on any node"),
    ("insufficient memory", "not enough free memory on any node"),
    ("didn't match pod's node affinity/selector", "its nodeSelector/affinity matches no node"),
    ("node affinity", "its node affinity matches no node"),
    ("untolerated taint", "the nodes carry taints it does not tolerate"),
    ("had taint", "the nodes carry taints it does not tolerate"),
    ("were unschedulable", "the nodes are cordoned"),
    ("too many pods", "the nodes are at their pod limit"),
)
_STORAGE = ("persistentvolumeclaim", "volume node affinity", "unbound")
_DIFF_FOR = {"cpu": ("requests.cpu", "limits.cpu"), "memory": ("requests.memory", "limits.memory"),
             "selector": ("nodeSelector", "affinity"), "taint": ("tolerations",)}


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    pending = []
    for ev, pod in facts_of(bundle, PodStatusFacts):
        key = pod_key(ev, pod.pod)
        events = events_for(bundle, key, reasons={"FailedScheduling"})
        message = pod.unschedulable_message or (events[-1][1].message if events else "")
        if pod.phase == "Pending" and message and not any(s in message.lower() for s in _STORAGE):
            pending.append((key, (ev.id, [e.id for e, _ in events], message)))
    return [_finding(bundle, target, items) for target, items in by_fix_target(bundle.topology, pending).items()]


def _requests(bundle: EvidenceBundle, pod: str) -> dict[str, Decimal]:
    """Total cpu/memory the pod requests (its containers summed)."""
    total: dict[str, Decimal] = {}
    for container in pod_spec(object_of(bundle.topology, pod) or {}).get("containers") or []:
        for resource, value in ((container.get("resources") or {}).get("requests") or {}).items():
            try:
                total[resource] = total.get(resource, Decimal(0)) + parse_quantity(value)
            except QuantityError:
                continue
    return total


def _largest_allocatable(bundle: EvidenceBundle, resource: str) -> Decimal | None:
    values = []
    for _ev, node in facts_of(bundle, NodeFacts):
        try:
            values.append(parse_quantity(node.allocatable[resource]))
        except (KeyError, QuantityError):
            continue
    return max(values, default=None)


def _finding(bundle: EvidenceBundle, target: ResourceRef, items: list[tuple[str, tuple[str, list[str], str]]]) -> Finding:
    pod, (_ev_id, _evs, message) = items[0]
    low = message.lower()
    reasons = list(dict.fromkeys(r for text, r in _KINDS if text in low)) or ["no node fits it"]
    ids = list(dict.fromkeys(i for _p, (ev_id, evs, _m) in items for i in (ev_id, *evs)))
    facts_text, never_fits = _explain(bundle, pod, low)
    found = rollout_of(bundle, target.key)
    aspect = next((a for a in ("cpu", "memory", "selector", "taint") if a in low or (
        a == "selector" and "affinity" in low)), None)
    touched = [d for d in (found[1].diff if found else [])
               if aspect and any(part in d.path for part in _DIFF_FOR[aspect])]
    change = revision_change(bundle, target)[0] if touched else None
    culprit, category, fixes = target, Category.SCHEDULING, _fixes(bundle, target, reasons, touched)
    cordoned = [ResourceRef(kind="Node", name=n.node) for _e, n in facts_of(bundle, NodeFacts) if n.unschedulable]
    if "the nodes are cordoned" in reasons and cordoned:
        # a cordon left behind takes capacity away: the node is where the fix belongs
        culprit, category = cordoned[0], Category.NODE
        fixes = [fix for n in cordoned for fix in (
            Remediation(description=f"Uncordon node {n.name} if its maintenance is over.",
                        command=commands.uncordon(n.name), verify=commands.get(n)),
            Remediation(description=f"First check why {n.name} was cordoned (a drain never finished?).",
                        command=commands.describe(n)))]
    changed = "; ".join(f"{d.path}: {d.before} -> {d.after}" for d in touched)
    return Finding(
        detector=NAME, category=category, culprit=culprit,
        summary=(f"{len(items)} pod(s) of {target.kind} {target.name} cannot be scheduled: {'; '.join(reasons)}"
                 + (f" ({facts_text})" if facts_text else "")),
        detail=message[:400] + (f" The last revision changed {changed}." if changed else ""),
        evidence_ids=ids, strength=0.85 if never_fits or (aspect != "cpu" and aspect != "memory") else 0.7,
        direct=never_fits or aspect not in {"cpu", "memory"}, change=change,
        explains=sorted({p for p, _ in items}), reasons=[f"FailedScheduling: {message[:160]}"], remediations=fixes,
        verification="`kubectl describe pod` shows the scheduler's FailedScheduling message; "
                     "`kubectl describe nodes` shows what each node can still take.",
    )


def _explain(bundle: EvidenceBundle, pod: str, low: str) -> tuple[str, bool]:
    """The numbers behind the message, and whether the pod can never fit any node."""
    spec = pod_spec(object_of(bundle.topology, pod) or {})
    if "node affinity/selector" in low and spec.get("nodeSelector"):
        return "nodeSelector " + ", ".join(f"{k}={v}" for k, v in spec["nodeSelector"].items()), True
    for resource, fmt in (("memory", format_memory), ("cpu", format_cpu)):
        if f"insufficient {resource}" not in low:
            continue
        wanted = _requests(bundle, pod).get(resource)
        largest = _largest_allocatable(bundle, resource)
        if wanted is None:
            return "", False
        text = f"requests {fmt(wanted)} {resource}"
        if largest is not None:
            text += f"; the largest node can allocate {fmt(largest)}"
            return text, wanted > largest
        return text, False
    return "", False


def _fixes(bundle: EvidenceBundle, target: ResourceRef, reasons: list[str],
           touched: list[TemplateDiff]) -> list[Remediation]:
    found = rollout_of(bundle, target.key)
    previous = previous_revision(found[1]) if found else None
    fixes = []
    if touched and previous is not None and target.kind != "Pod":
        fixes.append(Remediation(
            description=f"Roll back to revision {previous.revision}, whose pods could be scheduled.",
            command=commands.rollout_undo(target, previous.revision), verify=commands.rollout_status(target)))
    fixes.append(Remediation(description=_advice(reasons), command=commands.describe(target)))
    return fixes


def _advice(reasons: list[str]) -> str:
    if any("not enough" in r for r in reasons):
        return "Lower the pods' requests to what they use, or add node capacity (cluster autoscaler limits?)."
    if any("taint" in r for r in reasons):
        return "Add a matching toleration, or schedule on untainted nodes."
    if any("affinity" in r for r in reasons):
        return "Fix the nodeSelector/affinity to match existing node labels, or label nodes accordingly."
    return "Read the scheduler's message in the pod's events and adjust the pod spec or the nodes."
