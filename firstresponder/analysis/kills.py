"""Containers the platform killed (OOM killer, liveness probe, eviction) rather than crashes of the app."""

from __future__ import annotations

from firstresponder.analysis.facts import events_for, pod_status
from firstresponder.analysis.terminations import Termination
from firstresponder.models import EvidenceBundle


def liveness_kill_events(bundle: EvidenceBundle, pod: str) -> list[str]:
    """Ids of 'Liveness probe failed' / 'failed liveness probe, will be restarted' events of a pod."""
    ids = []
    for ev, e in events_for(bundle, pod, reasons={"Unhealthy", "Killing"}):
        text = e.message.lower()
        if "liveness" in text and (e.reason == "Killing" or "failed" in text):
            ids.append(ev.id)
    return ids


def killed_by_platform(bundle: EvidenceBundle, t: Termination) -> str | None:
    """Why the platform ended the container, when it did: "oom", "eviction" or "liveness"."""
    if t.term.reason == "OOMKilled":
        return "oom"
    status = pod_status(bundle, t.pod)
    if status is not None and status[1].reason == "Evicted":
        return "eviction"
    if t.term.exit_code in {137, 143} and liveness_kill_events(bundle, t.pod):
        return "liveness"
    return None
