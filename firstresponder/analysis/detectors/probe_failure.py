"""Probes that fail because of how they are written: a wrong port or path, or too little start-up time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from firstresponder.analysis.facts import events_for, facts_of, log_signatures, pod_key, rollout_of
from firstresponder.analysis.failures import container_failing
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.grouping import by_fix_target
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.revisions import previous_revision, revision_change
from firstresponder.analysis.workloads import container_spec, object_of
from firstresponder.models import Category, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import ContainerStatusFacts

NAME = "probe_failure"
_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_ERROR_SIGNATURES = {"dns_failure", "connection_refused", "timeout", "parse_error", "missing_env",
                     "missing_file", "oom_heap", "permission_denied", "exec_not_found", "auth_failure"}


def _port_of(probe: dict[str, Any]) -> int | str | None:
    for handler in ("httpGet", "tcpSocket", "grpc"):
        if isinstance(probe.get(handler), dict) and "port" in probe[handler]:
            port: int | str = probe[handler]["port"]
            return port
    return None


def _wrong_port(spec: dict[str, Any], probe: dict[str, Any]) -> int | None:
    """The container port the probe should use, when its port is not one the container declares."""
    declared = spec.get("ports") or []
    port = _port_of(probe)
    if not declared or port is None:
        return None
    numbers = [p.get("containerPort") for p in declared]
    names = [p.get("name") for p in declared]
    if port in numbers or port in names:
        return None
    return numbers[0] if len(numbers) == 1 and isinstance(numbers[0], int) else None


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    unhealthy = []
    for ev, f in facts_of(bundle, ContainerStatusFacts):
        pod = pod_key(ev, f.pod)
        events = [(e, x) for e, x in events_for(bundle, pod, reasons={"Unhealthy"}) if "probe failed" in x.message.lower()]
        if events and container_failing(f, now):
            unhealthy.append((pod, (ev, f, events)))
    findings = []
    for target, items in by_fix_target(bundle.topology, unhealthy).items():
        finding = _finding(bundle, target, items)
        if finding is not None:
            findings.append(finding)
    return findings


def _finding(bundle: EvidenceBundle, target: ResourceRef, items: list[Any]) -> Finding | None:
    pods = sorted({p for p, _ in items})
    ev, status, events = items[0][1]
    spec = container_spec(object_of(bundle.topology, target), status.container) or {}
    ids = [ev.id, *(e.id for _p, (_ev, _f, evs) in items for e, _x in evs)]
    messages = " ".join(x.message for _e, x in events)
    found = rollout_of(bundle, target.key)
    previous = previous_revision(found[1]) if found else None
    changed_probe = found is not None and any("Probe" in d.path for d in found[1].diff)
    change, _rev = revision_change(bundle, target)
    base = Finding(detector=NAME, category=Category.PROBE_FAILURE, culprit=target, summary="", strength=0.0,
                   explains=pods, evidence_ids=list(dict.fromkeys(ids)), change=change if changed_probe else None)
    for name in _PROBES:
        probe = spec.get(name) or {}
        port = _wrong_port(spec, probe)
        if port is not None:
            fixed = {k: ({**v, "port": port} if isinstance(v, dict) and "port" in v else v) for k, v in probe.items()}
            return base.model_copy(update=dict(
                strength=0.85, direct=True,
                summary=f"The {name} of {status.container} checks port {_port_of(probe)}, "
                        f"but the container listens on {port}",
                detail=f"Probe failures: {messages[:200]}",
                reasons=[f"{name} port is not a declared container port"],
                remediations=[_fix(target, status.container, {name: fixed}, previous, changed_probe)],
                verification=f"`kubectl get deploy {target.name} -n {target.namespace} -o yaml`: "
                             f"compare {name} with the container ports."))
    if changed_probe and found is not None:
        probe_diff = "; ".join(f"{d.path}: {d.before} -> {d.after}" for d in found[1].diff if "Probe" in d.path)
        fixes = [_fix(target, status.container, {}, previous, True)]
        startup = _startup_probe(status)
        if startup and "liveness" in messages.lower():
            fixes.append(_fix(target, status.container, {"startupProbe": startup}, None, False))
        return base.model_copy(update=dict(
            strength=0.75, direct=True,  # the probe that fails is the one the revision changed
            summary=f"Probes of {status.container} fail since the last revision changed them ({probe_diff[:120]})",
            detail=f"Changed: {probe_diff}. Probe failures: {messages[:200]}",
            reasons=["the new revision changed the probe that now fails"], remediations=fixes,
            verification="Call the probe endpoint from inside the pod and compare with the old probe."))
    if "statuscode: 404" in messages.lower():
        name = "livenessProbe" if "liveness" in messages.lower() else "readinessProbe"
        path = ((spec.get(name) or {}).get("httpGet") or {}).get("path", "?")
        return base.model_copy(update=dict(
            strength=0.75, direct=True,
            summary=f"The {name} of {status.container} asks for {path}, which the app answers with 404",
            detail=f"Probe failures: {messages[:200]}", reasons=["the probe's HTTP path returns 404"],
            remediations=[_fix(target, status.container, {}, None, False)],
            verification=f"`kubectl exec` into a pod and request {path} on the probe port; find the app's health path."))
    return _too_aggressive(bundle, target, status, base, messages, pods)


def _startup_probe(status: ContainerStatusFacts) -> dict[str, Any]:
    """A startupProbe with the liveness probe's check and up to 5 minutes to pass."""
    probe = status.liveness_probe or {}
    startup = {k: v for k, v in probe.items() if k in {"httpGet", "tcpSocket", "exec", "grpc"}}
    if startup:
        startup.update({"periodSeconds": 10, "failureThreshold": 30})
    return startup


def _too_aggressive(bundle: EvidenceBundle, target: ResourceRef, status: ContainerStatusFacts,
                    base: Finding, messages: str, pods: list[str]) -> Finding | None:
    """Liveness kills an app soon after start that logs no error and has no startupProbe: it starts slowly."""
    probe = status.liveness_probe or {}
    if not probe or status.startup_probe or "liveness" not in messages.lower():
        return None
    if any(log_signatures(bundle, p, status.container) & _ERROR_SIGNATURES for p in pods):
        return None
    delay = int(probe.get("initialDelaySeconds", 0))
    budget = delay + int(probe.get("periodSeconds", 10)) * int(probe.get("failureThreshold", 3))
    last = status.last_terminated or status.terminated
    if last is None or last.started_at is None or last.finished_at is None:
        return None
    ran = (last.finished_at - last.started_at).total_seconds()
    if ran > 2 * budget + 60:
        return None  # it ran well past start-up before failing: not a start-up problem
    return base.model_copy(update=dict(
        strength=0.55,
        summary=(f"The liveness probe of {status.container} kills it before it finishes starting "
                 f"(about {budget}s allowed, killed after {int(ran)}s)"),
        detail=f"No errors in the logs; liveness initialDelaySeconds {delay}, {probe}; no startupProbe.",
        reasons=["killed by liveness soon after each start while the log shows no error, and no startupProbe"],
        remediations=[_fix(target, status.container, {"startupProbe": _startup_probe(status)}, None, False)],
        verification="Time the container's start-up in its log (first line to 'listening') against the probe budget."))


def _fix(target: ResourceRef, container: str, fields: dict[str, Any], previous: Any, changed: bool) -> Remediation:
    if changed and previous is not None:
        return Remediation(description=f"Roll back to revision {previous.revision}, whose probes passed.",
                           command=commands.rollout_undo(target, previous.revision),
                           verify=commands.rollout_status(target))
    if target.kind == "Pod" or not fields:
        return Remediation(description=f"Correct the probes of {container} in the manifest.",
                           command=commands.describe(target))
    what = ", ".join(fields)
    return Remediation(description=f"Patch {what} of {container} in {target.kind} {target.name}.",
                       command=commands.patch_container(target, container, fields),
                       verify=commands.rollout_status(target))
