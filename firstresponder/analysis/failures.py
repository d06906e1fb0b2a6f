"""Which pods are failing and when the failure began: the anchor for temporal correlation."""

from __future__ import annotations

from datetime import datetime, timedelta

from firstresponder.analysis.facts import facts_of, pod_key
from firstresponder.models import EvidenceBundle
from firstresponder.models.evidence import ContainerStatusFacts, EventFacts, PodStatusFacts

FAILING_WAITING = frozenset({
    "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "InvalidImageName",
    "CreateContainerConfigError", "CreateContainerError", "RunContainerError",
    "ContainerCannotRun", "StartError",
})
# A restart older than this, with the container now ready, is history rather than the incident.
_RECENT_RESTART = timedelta(hours=1)
_FAILURE_EVENTS = frozenset({
    "BackOff", "Unhealthy", "Failed", "FailedScheduling", "Killing", "OOMKilling", "Evicted",
    "FailedMount", "FailedCreate", "BackoffLimitExceeded", "FailedAttachVolume",
})


def container_failing(f: ContainerStatusFacts, now: datetime) -> bool:
    """Crashing, unable to start, not ready, or restarted recently."""
    if f.waiting_reason in FAILING_WAITING:
        return True
    if f.terminated is not None:
        return f.terminated.exit_code != 0
    if f.init:
        return False
    if f.state == "running" and not f.ready:
        return True
    last = f.last_terminated
    if f.restart_count > 0 and last is not None and last.exit_code != 0:
        return last.finished_at is None or now - last.finished_at < _RECENT_RESTART
    return False


def pod_failing(f: PodStatusFacts) -> bool:
    return (f.phase in {"Failed", "Unknown"} or f.reason == "Evicted"
            or (f.phase == "Pending" and f.conditions.get("PodScheduled") == "False"))


def failing_pods(bundle: EvidenceBundle, now: datetime) -> set[str]:
    """Keys of pods the evidence shows failing."""
    failing = {pod_key(ev, f.pod) for ev, f in facts_of(bundle, ContainerStatusFacts)
               if container_failing(f, now)}
    failing |= {pod_key(ev, f.pod) for ev, f in facts_of(bundle, PodStatusFacts) if pod_failing(f)}
    return failing


def first_failure_at(bundle: EvidenceBundle, keys: set[str] | None = None, now: datetime | None = None) -> datetime:
    """Earliest sign of failure on ``keys`` (all resources when None); the alert start at the latest.

    With ``now``, only containers failing now count: an unrelated restart days ago is not the incident.
    """
    times: list[datetime] = [bundle.alert.starts_at]
    for ev, f in facts_of(bundle, ContainerStatusFacts):
        if keys is not None and pod_key(ev, f.pod) not in keys:
            continue
        if now is not None and not container_failing(f, now):
            continue
        for term in (f.terminated, f.last_terminated):
            if term is not None and term.exit_code != 0 and term.finished_at is not None:
                times.append(term.finished_at)
    for _ev, e in facts_of(bundle, EventFacts):
        if e.type == "Warning" and e.reason in _FAILURE_EVENTS and (keys is None or e.involved.key in keys):
            seen = e.first_seen or e.last_seen
            if seen is not None:
                times.append(seen)
    return min(times)
