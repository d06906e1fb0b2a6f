"""PersistentVolumeClaims that do not bind: missing StorageClass or missing volume."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from firstresponder.analysis.facts import facts_of
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.workloads import object_of
from firstresponder.models import Category, EdgeRelation, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import PodStatusFacts, PvcFacts

NAME = "storage"


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    findings = _zone_conflicts(bundle)
    for ev, pvc in facts_of(bundle, PvcFacts):
        if pvc.phase == "Bound":
            continue
        ref = ResourceRef(kind="PersistentVolumeClaim", namespace=ev.resource.namespace, name=pvc.claim)
        if pvc.storage_class and not pvc.storage_class_exists:
            problem = f"its StorageClass {pvc.storage_class} does not exist"
        elif pvc.volume and not pvc.volume_exists:
            problem = f"its PersistentVolume {pvc.volume} does not exist"
        elif not pvc.storage_class and not pvc.volume:
            problem = "it names no StorageClass and there is no default one or matching volume"
        else:
            problem = f"it is {pvc.phase}"
        users = bundle.topology.sources(ref, EdgeRelation.MOUNTS)
        # the fix belongs to what is missing: the StorageClass (or volume), not the claim
        culprit = (ResourceRef(kind="StorageClass", name=pvc.storage_class) if "StorageClass" in problem
                   and pvc.storage_class else ResourceRef(kind="PersistentVolume", name=pvc.volume)
                   if "PersistentVolume" in problem and pvc.volume else ref)
        findings.append(Finding(
            detector=NAME, category=Category.STORAGE, culprit=culprit,
            summary=f"PersistentVolumeClaim {pvc.claim} is {pvc.phase}: {problem}",
            detail=f"Requested {pvc.requested or 'unknown size'}; used by {', '.join(users) or 'no pod found'}.",
            evidence_ids=[ev.id], strength=0.85 if "does not exist" in problem else 0.6,
            direct="does not exist" in problem, explains=[ref.key, *users], reasons=[problem],
            remediations=[Remediation(
                description=("Create the StorageClass (or set storageClassName to an existing one; the claim must be "
                             "recreated, since it is immutable) so a volume can be provisioned."),
                command=commands.kubectl("get", "storageclass"),
                caution="Recreating a claim deletes nothing only while it is unbound.", verify=commands.describe(ref))],
            verification=f"`kubectl describe pvc {pvc.claim} -n {ref.namespace}` shows the provisioning events.",
        ))
    return findings


_ZONE_LABELS = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")


def _zone_conflicts(bundle: EvidenceBundle) -> list[Finding]:
    """Pending pods whose bound volume is pinned to a zone where no node runs."""
    findings = []
    for ev, pod in facts_of(bundle, PodStatusFacts):
        message = pod.unschedulable_message or ""
        if pod.phase != "Pending" or "volume node affinity conflict" not in message:
            continue
        pod_ref = ResourceRef(kind="Pod", namespace=ev.resource.namespace, name=pod.pod)
        for claim in bundle.topology.targets(pod_ref, EdgeRelation.MOUNTS):
            volumes = bundle.topology.targets(claim, EdgeRelation.BINDS)
            pinned = sorted({z for v in volumes for z in _volume_zones(object_of(bundle.topology, v) or {})})
            served = sorted({(n.object or {}).get("metadata", {}).get("labels", {}).get(label)
                             for n in bundle.topology.of_kind("Node") for label in _ZONE_LABELS[:1]} - {None})
            if not pinned or set(pinned) & set(served):
                continue
            ref = ResourceRef.from_key(claim)
            findings.append(Finding(
                detector=NAME, category=Category.STORAGE, culprit=ref,
                summary=(f"Pod {pod.pod} cannot be scheduled: its volume (claim {ref.name}) lives in "
                         f"{', '.join(pinned)}, where no node runs (nodes are in {', '.join(served) or 'unknown zones'})"),
                detail=f"{message[:300]} Volumes cannot move between zones.",
                evidence_ids=[ev.id], strength=0.75, direct=False, explains=[pod_ref.key, ref.key],
                reasons=["volume node affinity conflict", f"no node in {', '.join(pinned)}"],
                remediations=[Remediation(
                    description=(f"Bring node capacity back to {', '.join(pinned)} (node group subnets), or move the "
                                 f"data: snapshot the volume and recreate claim {ref.name} in a served zone."),
                    command=commands.describe(ref), verify=commands.get(pod_ref, "-w"))],
                verification=f"`kubectl get pv -o yaml` shows the volume's zone; `kubectl get nodes -L {_ZONE_LABELS[0]}`.",
            ))
    return findings


def _volume_zones(volume: dict[str, Any]) -> list[str]:
    terms = (((volume.get("spec") or {}).get("nodeAffinity") or {}).get("required") or {}).get("nodeSelectorTerms") or []
    return [str(v) for term in terms for expr in term.get("matchExpressions") or []
            if expr.get("key") in _ZONE_LABELS for v in expr.get("values") or []]
