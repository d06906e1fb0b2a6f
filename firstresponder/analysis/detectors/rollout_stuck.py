"""A rollout that stopped progressing (ProgressDeadlineExceeded), with the reason from the new pods.

It is a symptom: a finding about the new pods (image pull, crash, config) absorbs it.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from firstresponder.analysis.facts import containers_of, facts_of, first_key_line, logs_of
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.revisions import current_revision, diff_text, previous_revision, revision_change
from firstresponder.analysis.workloads import pods_of
from firstresponder.models import Category, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import RolloutFacts

NAME = "rollout_stuck"


def _stuck(rollout: RolloutFacts) -> bool:
    return rollout.progress_deadline_exceeded or "ProgressDeadlineExceeded" in rollout.conditions.get("Progressing", "")


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    findings = []
    for ev, rollout in facts_of(bundle, RolloutFacts):
        if not _stuck(rollout):
            continue
        target = rollout.workload
        current, previous = current_revision(rollout), previous_revision(rollout)
        new_pods = _new_pods(bundle, target, current.replicaset if current else None)
        reasons = Counter(c.waiting_reason or ("not ready" if not c.ready else "running")
                          for p in new_pods for _e, c in containers_of(bundle, p))
        why = ", ".join(f"{n}× {r}" for r, n in reasons.most_common(3)) or "no pod status collected"
        blocking = _unfinished_init(bundle, new_pods)
        change, _rev = revision_change(bundle, target)
        fixes = [Remediation(description=f"Roll back to revision {previous.revision} while the new one is fixed.",
                             command=commands.rollout_undo(target, previous.revision),
                             verify=commands.rollout_status(target))] if previous else []
        findings.append(Finding(
            detector=NAME, category=Category.ROLLOUT_STUCK, culprit=target,
            summary=f"The rollout of {target.kind} {target.name} is stuck ({rollout.updated}/{rollout.desired} "
                    f"updated, ProgressDeadlineExceeded): new pods are {why}",
            detail=f"Revision {current.revision if current else '?'}; changes: {diff_text(rollout) or 'unknown'}."
                   + (f" {blocking}" if blocking else ""),
            evidence_ids=[ev.id], strength=0.6, direct=True, change=change, explains=[target.key, *new_pods],
            symptom_of=[target.key, *new_pods], reasons=["Progressing condition: ProgressDeadlineExceeded"],
            remediations=fixes,
            verification=f"`kubectl rollout status {target.kind.lower()}/{target.name} -n {target.namespace}`.",
        ))
    return findings


def _new_pods(bundle: EvidenceBundle, target: ResourceRef, replicaset: str | None) -> list[str]:
    pods = pods_of(bundle.topology, target.key)
    if replicaset is None:
        return pods
    rs_key = ResourceRef(kind="ReplicaSet", namespace=target.namespace, name=replicaset).key
    owned = [p for p in pods if rs_key in bundle.topology.sources(p)]
    return owned or pods


def _unfinished_init(bundle: EvidenceBundle, pods: list[str]) -> str:
    """"Init container wait-for-schema has not finished: <its log line>", when one holds the new pods back."""
    for pod in pods:
        for _ev, c in containers_of(bundle, pod):
            if c.init and not (c.terminated is not None and c.terminated.exit_code == 0):
                line = first_key_line(logs_of(bundle, pod, c.container))
                return f"Init container {c.container} has not finished" + (f": {line[:200]}" if line else ".")
    return ""
