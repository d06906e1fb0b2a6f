"""Pod and container status: phase, conditions, states, exit codes with their meaning, probes, resources."""

from __future__ import annotations

from typing import Any, Literal

from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.collectors.exit_codes import exit_meaning, signal_of
from firstresponder.collectors.ids import evidence_id
from firstresponder.collectors.times import parse_time
from firstresponder.models.evidence import (
    CollectorResult,
    ContainerStatusFacts,
    Evidence,
    PodStatusFacts,
    TerminationFacts,
)
from firstresponder.models.resource import ResourceRef
from firstresponder.topology.objects import as_dict, as_list, condition, containers_of, controller_of, dig

NAME = "pod.status"


def collect_pod_status(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    """One PodStatusFacts and one ContainerStatusFacts per container (init containers included)."""
    out = ResultBuilder(ctx, NAME, ref)
    pod = ctx.obj(ref)
    if pod is None:
        out.skipped = True
        return out.result()
    out.evidence.append(_pod_evidence(ref, pod))
    statuses = {str(s.get("name")): s for s in as_list(dig(pod, "status", "containerStatuses"))
                + as_list(dig(pod, "status", "initContainerStatuses")) if isinstance(s, dict)}
    pod_reason = dig(pod, "status", "reason")
    for container, init in containers_of(as_dict(pod.get("spec"))):
        name = str(container.get("name", ""))
        out.evidence.append(_container_evidence(ref, container, statuses.get(name, {}), init,
                                                str(pod_reason) if pod_reason else None))
    return out.result()


def _pod_evidence(ref: ResourceRef, pod: dict[str, Any]) -> Evidence:
    status = as_dict(pod.get("status"))
    conditions = {str(c.get("type")): str(c.get("status")) for c in as_list(status.get("conditions"))
                  if isinstance(c, dict)}
    scheduled = condition(pod, "PodScheduled")
    unschedulable = scheduled.get("message") if scheduled and scheduled.get("status") == "False" else None
    owner = controller_of(pod)
    facts = PodStatusFacts(
        pod=ref.name, phase=str(status.get("phase") or "Unknown"), reason=status.get("reason"),
        message=status.get("message"), node=dig(pod, "spec", "nodeName"), conditions=conditions,
        unschedulable_message=unschedulable, started_at=parse_time(status.get("startTime")),
        owner=ResourceRef(kind=str(owner.get("kind")), name=str(owner.get("name")),
                          namespace=ref.namespace).key if owner else None)
    ready = conditions.get("Ready", "Unknown")
    summary = f"Pod {ref.name} is {facts.phase}" + (f" ({facts.reason})" if facts.reason else "") + \
        f", Ready={ready}" + (f", on {facts.node}" if facts.node else ", not scheduled")
    if unschedulable:
        summary += f": {unschedulable}"
    excerpt = "\n".join([f"phase: {facts.phase}"] + [f"{k}: {v}" for k, v in conditions.items()]
                        + ([f"message: {facts.message}"] if facts.message else []))
    return Evidence(id=evidence_id("pod", ref.name, "status"), resource=ref, summary=summary,
                    excerpt=excerpt[:2000], at=facts.started_at, facts=facts)


def _termination(state: Any, pod_reason: str | None, liveness: bool) -> TerminationFacts | None:
    if not isinstance(state, dict):
        return None
    code = int(state.get("exitCode", 0) or 0)
    reason = state.get("reason")
    return TerminationFacts(exit_code=code, reason=reason, signal=state.get("signal") or signal_of(code),
                            message=(str(state["message"])[:500] if state.get("message") else None),
                            started_at=parse_time(state.get("startedAt")),
                            finished_at=parse_time(state.get("finishedAt")),
                            meaning=exit_meaning(code, reason, pod_reason=pod_reason, has_liveness_probe=liveness))


def _container_evidence(ref: ResourceRef, spec: dict[str, Any], status: dict[str, Any], init: bool,
                        pod_reason: str | None) -> Evidence:
    name = str(spec.get("name", ""))
    state = as_dict(status.get("state"))
    liveness = spec.get("livenessProbe") is not None
    kind: Literal["waiting", "running", "terminated", "unknown"] = "unknown"
    if "waiting" in state:
        kind = "waiting"
    elif "running" in state:
        kind = "running"
    elif "terminated" in state:
        kind = "terminated"
    waiting = as_dict(state.get("waiting"))
    resources = as_dict(spec.get("resources"))
    facts = ContainerStatusFacts(
        pod=ref.name, container=name, init=init, image=str(status.get("image") or spec.get("image") or ""),
        ready=bool(status.get("ready")), restart_count=int(status.get("restartCount", 0) or 0), state=kind,
        waiting_reason=waiting.get("reason"), waiting_message=(str(waiting["message"])[:500]
                                                               if waiting.get("message") else None),
        running_since=parse_time(dig(state, "running", "startedAt")),
        terminated=_termination(state.get("terminated"), pod_reason, liveness),
        last_terminated=_termination(dig(status, "lastState", "terminated"), pod_reason, liveness),
        requests={str(k): str(v) for k, v in as_dict(resources.get("requests")).items()},
        limits={str(k): str(v) for k, v in as_dict(resources.get("limits")).items()},
        liveness_probe=spec.get("livenessProbe"), readiness_probe=spec.get("readinessProbe"),
        startup_probe=spec.get("startupProbe"))
    return Evidence(id=evidence_id("pod", ref.name, name, "status"), resource=ref,
                    summary=_summary(facts), excerpt=_excerpt(facts)[:2000],
                    at=(facts.last_terminated.finished_at if facts.last_terminated else None), facts=facts)


def _summary(facts: ContainerStatusFacts) -> str:
    label = "init container" if facts.init else "container"
    parts = [f"{label} {facts.container} of {facts.pod}: {facts.state}"]
    if facts.waiting_reason:
        parts[0] += f" ({facts.waiting_reason})"
    parts.append("ready" if facts.ready else "not ready")
    if facts.restart_count:
        parts.append(f"{facts.restart_count} restarts")
    last = facts.terminated or facts.last_terminated
    if last is not None:
        parts.append(f"last exit {last.exit_code}" + (f" {last.reason}" if last.reason else "") + f": {last.meaning}")
    if facts.limits.get("memory") and last is not None and last.reason == "OOMKilled":
        parts.append(f"memory limit {facts.limits['memory']}")
    return ", ".join(parts)


def _excerpt(facts: ContainerStatusFacts) -> str:
    lines = [f"state: {facts.state}" + (f" ({facts.waiting_reason}: {facts.waiting_message})"
                                        if facts.waiting_reason else ""),
             f"restartCount: {facts.restart_count}"]
    for label, term in (("terminated", facts.terminated), ("lastState.terminated", facts.last_terminated)):
        if term is not None:
            lines.append(f"{label}: exitCode={term.exit_code} reason={term.reason} finishedAt={term.finished_at}")
            if term.message:
                lines.append(f"  message: {term.message}")
    if facts.requests or facts.limits:
        lines.append(f"requests: {facts.requests} limits: {facts.limits}")
    return "\n".join(lines)
