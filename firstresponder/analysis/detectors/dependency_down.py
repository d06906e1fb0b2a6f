"""An in-cluster dependency the failing pods call has no ready endpoints.

The culprit is the dependency (its Service or workload), not the pods that alert: its selector
matches nothing after a label change, it was scaled to zero, or its own pods are failing (then a
finding about those pods is the deeper cause and absorbs this one).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from firstresponder.analysis.facts import facts_of, first_key_line, logs_of
from firstresponder.analysis.failures import failing_pods
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.revisions import revision_change
from firstresponder.analysis.service_links import (
    backing_workloads,
    callers_failing_on,
    selector_for,
    service_facts,
)
from firstresponder.analysis.workloads import label_selector, last_writer, pods_of
from firstresponder.models import Category, Change, Evidence, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import ChangeKind, DependencyFacts, ServiceFacts

NAME = "dependency_down"


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    failing = failing_pods(bundle, now)
    findings = []
    seen: set[str] = set()
    for ev, dep in facts_of(bundle, DependencyFacts):
        if dep.external or dep.service is None or dep.service.key in seen:
            continue
        node = bundle.topology.get(dep.service)
        if node is not None and node.missing:
            seen.add(dep.service.key)
            findings += _missing_service(bundle, ev.id, dep, dep.service, failing)
            continue
        svc = service_facts(bundle, dep.service)
        ready = svc[1].ready_endpoints if svc else dep.ready_endpoints
        if ready is None or ready > 0:
            continue
        seen.add(dep.service.key)
        callers, log_ids, named = callers_failing_on(bundle, dep.host, dep.service)
        finding = _finding(bundle, dep.service, dep, svc, callers, [ev.id, *log_ids], failing, named)
        if finding is not None:
            findings.append(finding)
    return findings


def _missing_service(bundle: EvidenceBundle, ev_id: str, dep: DependencyFacts, service: ResourceRef,
                     failing: set[str]) -> list[Finding]:
    """The host names an in-cluster Service that does not exist (a typo, or it was deleted)."""
    callers, log_ids, _named = callers_failing_on(bundle, dep.host, service)
    if not callers:
        return []
    return [Finding(
        detector=NAME, category=Category.DEPENDENCY_DOWN, culprit=service,
        summary=f"The pods call {dep.host}, but Service {service.name} does not exist in {service.namespace}",
        detail=f"The host comes from {dep.found_in}.", evidence_ids=[ev_id, *log_ids], strength=0.65, direct=True,
        explains=callers, symptom_of=_configured_in(dep), reasons=[f"Service {service.name} is missing", "the callers fail reaching it"],
        remediations=[Remediation(description=(f"Fix the host in {dep.found_in} if it is a typo, or restore "
                                               f"Service {service.name} from its manifests."))],
        verification=f"`kubectl get service {service.name} -n {service.namespace}` returns NotFound.")]


def _original_replicas(obj: dict[str, Any]) -> int | None:
    """The replica count a downscaler recorded before scaling to zero (``*/original-replicas``)."""
    for key, value in ((obj.get("metadata") or {}).get("annotations") or {}).items():
        if key.endswith("original-replicas") and str(value).isdigit() and int(value) > 0:
            return int(value)
    return None


def _configured_in(dep: DependencyFacts) -> list[str]:
    """The ConfigMap/Secret the host was read from ("ConfigMap/ns/name key DB_HOST"): a change there is deeper."""
    source = dep.found_in.split(" ", 1)[0]
    return [source] if source.startswith(("ConfigMap/", "Secret/")) else []


def _finding(bundle: EvidenceBundle, service: ResourceRef, dep: DependencyFacts,
             svc: tuple[Evidence, ServiceFacts] | None, callers: list[str], ids: list[str],
             failing: set[str], named: bool) -> Finding | None:
    facts = svc[1] if svc else None
    if svc:
        ids.append(svc[0].id)
    selector = facts.selector if facts else {}
    backing = backing_workloads(bundle, selector, service.namespace)
    strength = (0.75 if named else 0.65) if callers else 0.45
    line = first_key_line([item for pod in callers for item in logs_of(bundle, pod)])
    base = Finding(detector=NAME, category=Category.DEPENDENCY_DOWN, culprit=service, summary="",
                   strength=strength, direct=bool(callers), explains=callers, evidence_ids=list(dict.fromkeys(ids)),
                   reasons=[f"Service {service.name} has no ready endpoints"]
                   + ([f"{len(callers)} pod(s) log errors reaching {dep.host}"
                       + (f": {line[:160]}" if line else "")] if callers else []),
                   verification=f"`kubectl get endpoints {service.name} -n {service.namespace}` is empty.")
    full = [(ref, obj) for ref, obj, is_full in backing if is_full]
    partial = [(ref, obj) for ref, obj, is_full in backing if not is_full]
    if facts is not None and facts.matched_pods == 0 and full:
        ref, obj = full[0]
        replicas = (obj.get("spec") or {}).get("replicas")
        if replicas == 0:
            original = _original_replicas(obj)
            precise = 0.8 if callers else 0.5
            who, when = last_writer(obj)
            by = f" by {who}" + (f" at {when:%H:%M} UTC" if when else "") if who else ""
            change = Change(at=when, resource=ref, kind=ChangeKind.SCALE, actor=who,
                            summary=f"{ref.kind} {ref.name} scaled to 0{by}") if when else None
            return base.model_copy(update=dict(
                culprit=ref, change=change, strength=precise,
                summary=f"{ref.kind} {ref.name} (behind Service {service.name}) was scaled to zero{by}",
                detail=(f"The callers fail on {dep.host} ({dep.found_in}); {ref.kind} {ref.name} has 0 replicas"
                        + (f", {original} before" if original else "") + "."
                        + (f" Callers: {line[:200]}" if line else "")),
                remediations=[Remediation(
                    description=f"Scale {ref.kind} {ref.name} back to {original or 1} replica(s).",
                    command=commands.scale(ref, original or 1),
                    caution=(f"Find out why {who} scaled it down (an off-hours rule?) or it will happen again."
                             if who else "1 replica restores service; set the usual count if known."),
                    verify=commands.rollout_status(ref))]))
    if facts is not None and facts.matched_pods == 0 and partial:
        ref, obj = partial[0]
        labels = ((obj.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels") or {}
        who, when = last_writer(obj)
        change = revision_change(bundle, ref)[0] or (Change(
            at=when, resource=ref, kind=ChangeKind.CREATED, actor=who,
            summary=f"{ref.kind} {ref.name} last written by {who}") if when else None)
        return base.model_copy(update=dict(
            change=change, strength=0.8 if callers else 0.5,
            summary=f"Service {service.name} selects no pods: its selector {label_selector(selector)} no longer "
                    f"matches {ref.kind} {ref.name} ({label_selector(labels)})",
            detail=f"The callers fail on {dep.host}" + (f" ({line[:200]})" if line else "")
                   + ". A label or selector changed on one side.",
            remediations=[_selector_fix(service, selector, labels)]))
    if facts is not None and facts.matched_pods > 0 and full:
        ref, _obj = full[0]
        own = pods_of(bundle.topology, ref.key)
        own_failing = [p for p in own if p in failing]
        own_line = first_key_line([item for pod in own for item in logs_of(bundle, pod)])
        return base.model_copy(update=dict(
            culprit=ref, symptom_of=[ref.key, *own],
            summary=f"{dep.host} is down: {ref.kind} {ref.name} has no ready pods"
                    + (f" ({len(own_failing)} failing)" if own_failing else ""),
            detail=f"Service {service.name} selects {facts.matched_pods} pod(s), none ready."
                   + (f" Its log: {own_line[:200]}" if own_line else "")
                   + (f" Callers: {line[:200]}" if line else ""),
            remediations=[Remediation(description=f"Fix {ref.kind} {ref.name} first; its callers recover by themselves.",
                                      command=commands.describe(ref), verify=commands.rollout_status(ref))]))
    return base.model_copy(update=dict(
        summary=f"{dep.host} is down: Service {service.name} has no ready endpoints",
        detail=f"Found in {dep.found_in}.",
        remediations=[Remediation(description=f"Find out why Service {service.name} has no endpoints.",
                                  command=commands.describe(service))]))


def _selector_fix(service: ResourceRef, selector: dict[str, str], labels: dict[str, str]) -> Remediation:
    chosen = selector_for(selector, labels)
    if not chosen:  # an empty selector would match every pod: no command
        return Remediation(description=f"Align Service {service.name}'s selector with its pods' labels.",
                           command=commands.describe(service))
    patch: dict[str, Any] = {k: None for k in selector if k not in chosen}  # None removes a stale key
    patch.update(chosen)
    return Remediation(
        description=f"Point Service {service.name} back at the pods (selector {label_selector(chosen)}).",
        command=commands.patch(service, {"spec": {"selector": patch}}, "merge"),
        caution="If the pods' labels were changed by mistake, fix the workload's labels instead.",
        verify=commands.describe(service))
