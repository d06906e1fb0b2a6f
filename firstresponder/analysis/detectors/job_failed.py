"""A Job gave up (BackoffLimitExceeded, DeadlineExceeded); the fix belongs to its CronJob when it has one.

The reason is in its pods: a finding about them (OOM, config) absorbs this one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from firstresponder.analysis.facts import events_for, first_key_line, logs_of, rollout_of
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.workloads import owner_chain, pods_of
from firstresponder.models import Category, EvidenceBundle, Remediation, ResourceRef

NAME = "job_failed"


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    findings = []
    for node in bundle.topology.of_kind("Job"):
        obj = node.object or {}
        conditions = [c for c in (obj.get("status") or {}).get("conditions") or []
                      if c.get("type") == "Failed" and c.get("status") == "True"]
        events = events_for(bundle, node.ref.key, reasons={"BackoffLimitExceeded", "DeadlineExceeded"})
        rollout = rollout_of(bundle, node.ref.key)
        failed = rollout[1].conditions.get("Failed", "") if rollout else ""
        if not conditions and not events and not failed.startswith("True"):
            continue
        reason = (conditions[0].get("reason", "Failed") if conditions
                  else events[0][1].reason if events else failed.split(": ", 1)[-1])
        message = (conditions[0].get("message", "") if conditions else events[0][1].message if events else "")
        pods = pods_of(bundle.topology, node.ref.key)
        line = first_key_line([item for pod in pods for item in logs_of(bundle, pod)])
        owner = next((ResourceRef.from_key(k) for k in owner_chain(bundle.topology, node.ref.key)
                      if k.startswith("CronJob/")), None)
        culprit = owner or node.ref
        spec = obj.get("spec") or {}
        limits = (f"activeDeadlineSeconds {spec['activeDeadlineSeconds']}" if reason == "DeadlineExceeded"
                  and "activeDeadlineSeconds" in spec else f"backoffLimit {spec.get('backoffLimit', 6)}")
        findings.append(Finding(
            detector=NAME, category=Category.JOB_FAILED, culprit=culprit,
            summary=f"Job {node.ref.name} failed ({reason}, {limits})" + (f": {line[:140]}" if line else ""),
            detail=message[:300] + (f" Created by {culprit.kind} {culprit.name}." if owner else ""),
            evidence_ids=[*([rollout[0].id] if rollout else []), *(e.id for e, _f in events)], strength=0.6,
            direct=True, explains=[node.ref.key, *pods], symptom_of=[node.ref.key, *pods],
            reasons=[f"Job condition Failed: {reason}"],
            remediations=_fixes(node.ref, owner, reason, spec),
            verification=f"`kubectl describe job {node.ref.name} -n {node.ref.namespace}` shows the failed pods.",
        ))
    return findings


def _fixes(job: ResourceRef, cronjob: ResourceRef | None, reason: str, spec: dict[str, Any]) -> list[Remediation]:
    read = Remediation(description=f"Read why the pods of Job {job.name} failed, fix, then re-run it.",
                       command=commands.kubectl("logs", f"job/{job.name}", "-n", job.namespace or "default",
                                                "--tail=50"))
    deadline = spec.get("activeDeadlineSeconds")
    if reason == "DeadlineExceeded" and cronjob is not None and isinstance(deadline, int):
        return [Remediation(
            description=f"Give {cronjob.kind} {cronjob.name}'s jobs more time: activeDeadlineSeconds "
                        f"{deadline} -> {deadline * 2}.",
            command=commands.patch(cronjob, {"spec": {"jobTemplate": {"spec": {"activeDeadlineSeconds": deadline * 2}}}}),
            caution="Check the work still fits its schedule interval, or make it incremental."), read]
    if cronjob is not None:
        return [read, Remediation(description=f"Fix what the jobs of {cronjob.kind} {cronjob.name} run (image, "
                                              "code or input), then create a job from it by hand.",
                                  command=commands.describe(cronjob))]
    return [read]
