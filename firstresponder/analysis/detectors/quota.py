"""Admission refuses new pods: a ResourceQuota is exhausted, or a LimitRange forbids the pods' limits.

The ReplicaSet/Job controller reports it as FailedCreate events; the collector reads both kinds of
object into quota facts (the evidence's resource says which).
"""

from __future__ import annotations

import re
from datetime import datetime

from firstresponder.analysis.facts import facts_of
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.remediation import commands
from firstresponder.models import Category, Change, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import EventFacts, QuotaFacts

NAME = "quota"
_LIMIT_RANGE = re.compile(r"(?:maximum|minimum) \S+ usage per (?:Container|Pod)", re.IGNORECASE)
# "Deployment/ns/name container app limits.memory 2Gi > max 1Gi"
_VIOLATION = re.compile(r"^(?P<workload>(?:Deployment|StatefulSet|DaemonSet)/\S+) container (?P<container>\S+) "
                        r"limits\.(?P<resource>cpu|memory) (?P<value>\S+) > max (?P<max>\S+)")


def _refusals(bundle: EvidenceBundle, kind: str, name: str) -> list[tuple[str, EventFacts]]:
    found = []
    for ev, e in facts_of(bundle, EventFacts):
        if e.reason != "FailedCreate":
            continue
        text = e.message
        if (kind == "ResourceQuota" and f"exceeded quota: {name}" in text) or (
                kind == "LimitRange" and _LIMIT_RANGE.search(text)):
            found.append((ev.id, e))
    return found


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    findings = []
    for ev, quota in facts_of(bundle, QuotaFacts):
        ref = ev.resource if ev.resource.kind in {"ResourceQuota", "LimitRange"} else ResourceRef(
            kind="ResourceQuota", namespace=ev.resource.namespace, name=quota.quota)
        refused = _refusals(bundle, ref.kind, quota.quota)
        if not quota.exhausted and not refused:
            continue
        blocked = sorted({e.involved.key for _i, e in refused})
        what = "ResourceQuota" if ref.kind == "ResourceQuota" else "LimitRange"
        problem = (f"is exhausted ({', '.join(quota.exhausted) or 'see events'})" if ref.kind == "ResourceQuota"
                   else f"forbids the pods' limits ({quota.exhausted[0] if quota.exhausted else 'see events'})")
        change = max((c for c in bundle.changes if c.resource.key == ref.key), key=lambda c: c.at, default=None)
        findings.append(Finding(
            detector=NAME, category=Category.QUOTA, culprit=ref,
            summary=f"{what} {quota.quota} {problem}: new pods are refused",
            detail=refused[0][1].message[:300] if refused else "; ".join(quota.exhausted)[:300],
            # a refused quota is plain; a LimitRange refusal leaves a choice (relax it, or lower the limits)
            evidence_ids=[ev.id, *(i for i, _e in refused)], strength=0.85 if refused else 0.5,
            direct=bool(refused) and ref.kind == "ResourceQuota", change=change, explains=blocked,
            reasons=[f"FailedCreate: {refused[0][1].message[:160]}"] if refused else [f"{what} {problem}"],
            remediations=_fixes(bundle, ref, quota, change),
            verification=f"`kubectl describe {what.lower()} {quota.quota} -n {ref.namespace}` against the "
                         "FailedCreate events of the ReplicaSet.",
        ))
    return findings


def _fixes(bundle: EvidenceBundle, ref: ResourceRef, quota: QuotaFacts, change: Change | None) -> list[Remediation]:
    fixes = [Remediation(
        description=(f"Raise {ref.kind} {ref.name}" if ref.kind == "ResourceQuota"
                     else f"Relax LimitRange {ref.name}") + " to fit what the workloads need"
                    + (f" (it was created at {change.at:%H:%M} UTC)" if change else "") + ".",
        command=commands.describe(ref))]
    for line in quota.exhausted:
        m = _VIOLATION.match(line)
        if m and ref.kind == "LimitRange":
            workload = ResourceRef.from_key(m.group("workload"))
            fixes.append(Remediation(
                description=(f"Or lower the {m.group('resource')} limit of {m.group('container')} in {workload.kind} "
                             f"{workload.name} from {m.group('value')} to the allowed {m.group('max')}."),
                command=commands.patch_container(workload, m.group("container"), {
                    "resources": {"limits": {m.group("resource"): m.group("max")}}}),
                caution="Only if the app fits: a lower memory limit can turn this into OOMKills.",
                verify=commands.rollout_status(workload)))
            break
    return fixes
