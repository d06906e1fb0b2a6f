"""Containers crash since a new revision (image or pod template change) rolled out.

Generic on purpose: a specific finding about the same workload (bad command, permissions, a
probe) says why the revision crashes and absorbs this one. Pods the platform killed (OOM,
liveness, eviction) are left to their detectors; healthy pods of the same revision contradict it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from firstresponder.analysis.facts import containers_of, first_key_line, logs_of, rollout_of
from firstresponder.analysis.failures import FAILING_WAITING, failing_pods, first_failure_at
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.grouping import by_fix_target
from firstresponder.analysis.kills import killed_by_platform
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.revisions import current_revision, diff_text, previous_revision, revision_change
from firstresponder.analysis.terminations import Termination, terminations
from firstresponder.analysis.workloads import owner_of, pods_of
from firstresponder.models import Category, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import RolloutFacts

NAME = "app_crash"
_TOLERANCE = timedelta(seconds=60)
_WINDOW = timedelta(hours=24)  # a revision older than this is not "the new one"
_NOT_APP_WAITING = FAILING_WAITING - {"CrashLoopBackOff", "RunContainerError", "StartError"}
_SIGNALS = {137, 143}  # killed from outside: not the app's own exit
_LOGGABLE = {"Deployment", "StatefulSet", "DaemonSet", "Job"}  # `kubectl logs <kind>/<name>` picks a pod


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    crashing = [(t.pod, t) for t in terminations(bundle)
                if t.term.exit_code != 0 and t.status.waiting_reason not in _NOT_APP_WAITING
                and killed_by_platform(bundle, t) is None]
    failing = failing_pods(bundle, now)
    findings = []
    for target, items in by_fix_target(bundle.topology, crashing).items():
        pods = sorted({p for p, _ in items})
        ids = [t.evidence.id for _p, t in items]
        finding = _finding(bundle, target, pods, ids, failing, now) if target.kind != "Pod" else None
        if finding is None and all(t.term.exit_code not in _SIGNALS for _p, t in items):
            finding = _unexplained(bundle, target, pods, ids, items[0][1])
        if finding is not None:
            findings.append(finding)
    return findings


def _unexplained(bundle: EvidenceBundle, target: ResourceRef, pods: list[str], ids: list[str],
                 t: Termination) -> Finding:
    """The app exits with an error and nothing collected says why: a weak, honest finding."""
    logs = [item for pod in pods for item in logs_of(bundle, pod)]
    line = first_key_line(logs)
    code = t.term.exit_code
    return Finding(
        detector=NAME, category=Category.APP_CRASH, culprit=target,
        summary=(f"{t.container} in {target.kind} {target.name} exits with exit code {code}"
                 + (f": {line[:120]}" if line else "; no log says why")),
        detail=(f"{t.term.meaning or 'the application exited with an error'}; {len(pods)} pod(s) crash-looping. "
                "No change, dependency or platform kill lines up with it."),
        evidence_ids=list(dict.fromkeys([*ids, *(e.id for e, _f in logs)])), strength=0.3 if line else 0.25,
        explains=pods, symptom_of=[target.key, *pods], reasons=[f"the container exits with code {code}"],
        remediations=[Remediation(description=f"Read the previous container log of {t.container} to see why it exits.",
                                  command=commands.logs(target if target.kind in _LOGGABLE else ResourceRef.from_key(
                                      pods[0]), t.container, previous=True))],
        verification=(f"`kubectl logs {ResourceRef.from_key(pods[0]).name} -n {target.namespace} -c {t.container} "
                      "--previous` shows the error it exits with."),
    )


_HASH = re.compile(r"^[0-9a-f]{32,64}$")
_RESTART_ANNOTATIONS = ("kubectl.kubernetes.io/restartedAt", "reloader.stakater.com", "checksum/")


def restart_only(rollout: RolloutFacts) -> bool:
    """The template diff is only restart triggers: env values that are content hashes, restart stamps."""
    def trigger(path: str, after: str | None) -> bool:
        return bool((".env." in path and _HASH.match(after or ""))
                    or any(marker in path for marker in _RESTART_ANNOTATIONS))
    return bool(rollout.diff) and all(trigger(d.path, d.after) for d in rollout.diff)


def _finding(bundle: EvidenceBundle, target: ResourceRef, pods: list[str], ids: list[str],
             failing: set[str], now: datetime) -> Finding | None:
    found = rollout_of(bundle, target.key)
    change, _ev = revision_change(bundle, target)
    if found is None or change is None:
        return None
    rollout_ev, rollout = found
    current, previous = current_revision(rollout), previous_revision(rollout)
    if previous is None or current is None:
        return None
    lead = first_failure_at(bundle, set(pods), now) - change.at
    if lead < -_TOLERANCE or lead > _WINDOW:
        return None  # the crashes began before this revision, or it is old news
    healthy_same = _healthy_pods_of_revision(bundle, target, current.replicaset, failing)
    strength, reasons = 0.5, [f"the crashes began after revision {current.revision} rolled out"]
    if any(d.path.endswith(".image") for d in rollout.diff):
        strength += 0.1
        reasons.append("the new revision changed the image")
    if previous.ready_replicas > 0:
        strength += 0.1
        reasons.append(f"pods of revision {previous.revision} still run fine")
    if healthy_same:
        strength -= 0.2
    if restart_only(rollout):
        # Reloader-style revisions change only a hash or restart stamp: the code did not change, the
        # configuration it reloads did; the config detector owns that case.
        strength -= 0.35
        reasons.append("the new revision changed only a restart trigger (a config hash or restartedAt), not the code")
    logs = [item for pod in pods for item in logs_of(bundle, pod)]
    line = first_key_line(logs)
    # old pods serving while the new ones crash right after the rollout is a natural experiment
    direct = previous.ready_replicas > 0 and lead <= timedelta(hours=1) and not healthy_same \
        and not restart_only(rollout)
    return Finding(
        detector=NAME, category=Category.APP_CRASH, culprit=target,
        summary=f"{target.kind} {target.name} crashes since revision {current.revision} rolled out"
                + (f": {line[:120]}" if line else ""),
        detail=f"Changes from revision {previous.revision}: {diff_text(rollout) or 'not known'}.",
        evidence_ids=list(dict.fromkeys([*ids, rollout_ev.id, *(e.id for e, _f in logs)])),
        contradicting_ids=healthy_same, strength=max(0.1, strength), direct=direct, change=change,
        explains=pods, symptom_of=[target.key], reasons=reasons,
        remediations=[Remediation(
            description=f"Roll {target.kind} {target.name} back to revision {previous.revision}, the last one that ran.",
            command=commands.rollout_undo(target, previous.revision),
            caution="Undo restores the whole previous pod template; fix forward from there.",
            verify=commands.rollout_status(target))],
        verification=(f"The first error in the previous log of a crashing pod, read against the change "
                      f"({diff_text(rollout, 2) or 'see the rollout history'})."),
    )


def _healthy_pods_of_revision(bundle: EvidenceBundle, target: ResourceRef, replicaset: str,
                              failing: set[str]) -> list[str]:
    """Evidence ids of ready, non-failing pods of the same revision: the revision itself works."""
    rs_key = ResourceRef(kind="ReplicaSet", namespace=target.namespace, name=replicaset).key
    ids: list[str] = []
    for pod in pods_of(bundle.topology, target.key):
        if pod in failing or owner_of(bundle.topology, pod) != rs_key:
            continue
        statuses = [(e, c) for e, c in containers_of(bundle, pod) if not c.init]
        if statuses and all(c.ready for _e, c in statuses):
            ids.append(statuses[0][0].id)
    return ids
