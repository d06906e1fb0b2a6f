"""Exit 137 (or 143) because the kubelet killed a container whose liveness probe kept failing.

Told apart from OOM by the reason (not OOMKilled) and by Unhealthy/Killing events. It is often a
symptom (a wrong probe, a hung dependency): a direct finding about the same pods absorbs it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from firstresponder.analysis.facts import facts_of
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.grouping import by_fix_target
from firstresponder.analysis.kills import liveness_kill_events
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.terminations import Termination, terminations
from firstresponder.analysis.workloads import container_spec, object_of
from firstresponder.models import Category, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import EventFacts

NAME = "liveness_kill"
_TIMEOUT = ("timeout", "deadline exceeded", "timed out")


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    killed = [(t.pod, (t, ids)) for t in terminations(bundle)
              if t.term.exit_code in {137, 143} and t.term.reason != "OOMKilled"
              and (ids := liveness_kill_events(bundle, t.pod))]
    findings = []
    for target, items in by_fix_target(bundle.topology, killed).items():
        pods = sorted({pod for pod, _ in items})
        t = items[0][1][0]
        ids = [t.evidence.id for _p, (t, _e) in items] + [i for _p, (_t, e) in items for i in e]
        events = {e.id: f for e, f in facts_of(bundle, EventFacts)}
        messages = [events[i].message for i in ids if i in events and events[i].reason == "Unhealthy"]
        probe = t.status.liveness_probe or {}
        timing_out = any(s in m.lower() for m in messages for s in _TIMEOUT)
        findings.append(Finding(
            detector=NAME, category=Category.LIVENESS_KILL, culprit=target,
            summary=(f"{t.container} in {target.kind} {target.name} is killed by its liveness probe (exit "
                     f"{t.term.exit_code}, not OOMKilled)" + (": the probe times out" if timing_out else "")),
            detail=(f"{len(pods)} pod(s) show 'Liveness probe failed' then Killing events"
                    + (f" ({messages[0][:160]})" if messages else "") + f". Probe: {_describe(probe)}."),
            evidence_ids=list(dict.fromkeys(ids)), strength=0.75, direct=True, explains=pods,
            symptom_of=[target.key, *pods],
            reasons=["SIGKILL after liveness probe failures (Unhealthy/Killing events), not OOMKilled"],
            remediations=_fixes(bundle, target, t, probe, timing_out),
            verification=f"Events of the pods show 'Liveness probe failed' followed by 'Killing' for {t.container}.",
        ))
    return findings


def _describe(probe: dict[str, Any]) -> str:
    handler = probe.get("httpGet") or probe.get("tcpSocket") or probe.get("exec") or {}
    where = handler.get("path") or handler.get("port") or handler.get("command") or "?"
    return (f"{where} timeout {probe.get('timeoutSeconds', 1)}s, period {probe.get('periodSeconds', 10)}s, "
            f"failureThreshold {probe.get('failureThreshold', 3)}") if probe else "unknown"


def _fixes(bundle: EvidenceBundle, target: ResourceRef, t: Termination, probe: dict[str, Any],
           timing_out: bool) -> list[Remediation]:
    spec = container_spec(object_of(bundle.topology, target), t.container)
    if target.kind == "Pod" or spec is None or not spec.get("livenessProbe"):
        return [Remediation(description=f"Find out why {t.container} stops answering its liveness probe.",
                            command=commands.describe(target))]
    current = spec["livenessProbe"]
    if timing_out:
        timeout = max(5, 3 * int(current.get("timeoutSeconds", 1)))
        threshold = max(3, int(current.get("failureThreshold", 3)))
        return [Remediation(
            description=(f"Give the liveness probe of {t.container} {timeout}s to answer (was "
                         f"{current.get('timeoutSeconds', 1)}s) so slow responses under load do not kill it."),
            command=commands.patch_container(target, t.container, {"livenessProbe": {
                "timeoutSeconds": timeout, "failureThreshold": threshold}}),
            caution=("A liveness endpoint should be a cheap local check: if it calls a database or search "
                     "cluster, make it stop doing so, or move that check to the readiness probe."),
            verify=commands.rollout_status(target))]
    return [Remediation(description=(f"Find out why {t.container} stops answering its liveness probe (its "
                                     "target, start-up time, a hung dependency) before loosening it."),
                        command=commands.describe(target), verify=commands.rollout_status(target))]
