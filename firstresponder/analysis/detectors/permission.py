"""Containers fail on permissions: securityContext (runAsNonRoot, read-only root filesystem) or file modes."""

from __future__ import annotations

import re
from datetime import datetime

from firstresponder.analysis.facts import facts_of, first_key_line, logs_of, pod_key, rollout_of
from firstresponder.analysis.failures import container_failing
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.grouping import by_fix_target
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.revisions import previous_revision, revision_change
from firstresponder.analysis.workloads import container_spec, object_of, pod_spec
from firstresponder.models import Category, Evidence, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import ContainerStatusFacts

NAME = "permission"
_DENIED = re.compile(r"permission denied|EACCES|Operation not permitted|\bEPERM\b|read-only file system", re.IGNORECASE)


def _why(bundle: EvidenceBundle, ev: Evidence, f: ContainerStatusFacts, now: datetime) -> tuple[str, float] | None:
    message = f.waiting_message or ""
    if "runAsNonRoot" in message or "non-root" in message.lower():
        return message[:160], 0.9
    if not container_failing(f, now):
        return None
    logs = logs_of(bundle, pod_key(ev, f.pod), f.container)
    if any("permission_denied" in log.signatures for _e, log in logs):
        line = first_key_line(logs, _DENIED)  # an info line about a read-only file is not the crash
        return (f"permission denied: {line[:120]}", 0.7) if line else None
    return None


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    denied = [(pod_key(ev, f.pod), (ev, f, found)) for ev, f in facts_of(bundle, ContainerStatusFacts)
              if (found := _why(bundle, ev, f, now)) is not None]
    findings = []
    for target, items in by_fix_target(bundle.topology, denied).items():
        pods = sorted({p for p, _ in items})
        _ev, status, (why, strength) = items[0][1]
        ids = [e.id for _p, (e, _f, _w) in items]
        ids += [e.id for p in pods for e, log in logs_of(bundle, p) if "permission_denied" in log.signatures]
        context = _security_context(bundle, target, status.container)
        change, _rev = revision_change(bundle, target)
        findings.append(Finding(
            detector=NAME, category=Category.PERMISSION, culprit=target,
            summary=f"{status.container} in {target.kind} {target.name} is refused by permissions ({why[:80]})",
            detail=f"Security context: {context or 'none set'}.", evidence_ids=list(dict.fromkeys(ids)),
            strength=strength, direct=strength >= 0.9, change=change, explains=pods, reasons=[why],
            remediations=_fixes(bundle, target),
            verification="Run the image with the same user and filesystem settings and watch which path is refused.",
        ))
    return findings


def _security_context(bundle: EvidenceBundle, target: ResourceRef, container: str) -> str:
    obj = object_of(bundle.topology, target)
    if obj is None:
        return ""
    parts = {"pod": pod_spec(obj).get("securityContext"),
             container: (container_spec(obj, container) or {}).get("securityContext")}
    return "; ".join(f"{k}: {v}" for k, v in parts.items() if v)


def _fixes(bundle: EvidenceBundle, target: ResourceRef) -> list[Remediation]:
    found = rollout_of(bundle, target.key)
    touched = found is not None and any("securityContext" in d.path for d in found[1].diff)
    previous = previous_revision(found[1]) if found else None
    if touched and previous is not None:
        return [Remediation(description=f"The last revision changed the securityContext: roll back to "
                                        f"revision {previous.revision}.",
                            command=commands.rollout_undo(target, previous.revision),
                            verify=commands.rollout_status(target))]
    return [Remediation(description=("Align the securityContext (runAsUser, fsGroup, readOnlyRootFilesystem) "
                                     "with what the image needs, or give the path a writable volume."),
                        command=commands.describe(target))]
