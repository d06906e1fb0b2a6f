"""A Service that routes nowhere: its selector matches no pod, or its targetPort is not a container port.

Services that a failing pod depends on are left to ``dependency_down``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from firstresponder.analysis.facts import facts_of
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.service_links import backing_workloads, selector_for
from firstresponder.analysis.workloads import label_selector, object_of, pod_spec
from firstresponder.models import Category, Evidence, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import DependencyFacts, ServiceFacts

NAME = "service_routing"


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    dependencies = {d.service.key for _e, d in facts_of(bundle, DependencyFacts) if d.service is not None}
    findings = []
    for ev, svc in facts_of(bundle, ServiceFacts):
        ref = ResourceRef(kind="Service", namespace=ev.resource.namespace, name=svc.service)
        if ref.key in dependencies or svc.service_type == "ExternalName" or not svc.selector:
            continue
        finding = _no_pods(bundle, ref, ev, svc) if svc.matched_pods == 0 else _wrong_port(bundle, ref, ev, svc)
        if finding is not None:
            findings.append(finding)
    return findings


def _explains(bundle: EvidenceBundle, ref: ResourceRef) -> list[str]:
    alert = bundle.alert.resource
    return [ref.key] + ([alert.key] if alert is not None and alert.key != ref.key else [])


def _no_pods(bundle: EvidenceBundle, ref: ResourceRef, ev: Evidence, svc: ServiceFacts) -> Finding:
    backing = [(r, o) for r, o, _full in backing_workloads(bundle, svc.selector, ref.namespace)]
    fixes = [Remediation(description=f"Compare Service {ref.name}'s selector with the labels of the pods it should reach.",
                         command=commands.describe(ref))]
    detail = f"Selector {label_selector(svc.selector)} matches 0 pods."
    if backing:
        workload, obj = backing[0]
        labels = ((obj.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels") or {}
        detail += f" {workload.kind} {workload.name} labels its pods {label_selector(labels)}."
        kept = selector_for(svc.selector, labels)
        if kept:
            patch: dict[str, Any] = {k: None for k in svc.selector if k not in kept}
            patch.update(kept)
            fixes.insert(0, Remediation(
                description=f"Set Service {ref.name}'s selector to {label_selector(kept)}, the labels of {workload.name}.",
                command=commands.patch(ref, {"spec": {"selector": patch}}, "merge"),
                caution="If the pods' labels changed by mistake, fix the workload instead.",
                verify=commands.describe(ref)))
    return Finding(detector=NAME, category=Category.SERVICE_ROUTING, culprit=ref,
                   summary=f"Service {ref.name} selects no pods ({label_selector(svc.selector)})",
                   detail=detail, evidence_ids=[ev.id], strength=0.8, direct=True, explains=_explains(bundle, ref),
                   reasons=["the Service's selector matches no pod"], remediations=fixes,
                   verification=f"`kubectl get endpoints {ref.name} -n {ref.namespace}` shows no addresses.")


def _container_ports(bundle: EvidenceBundle, svc: ServiceFacts, namespace: str | None) -> dict[str | int, int]:
    """Port names and numbers the selected pods declare -> container port number."""
    ports: dict[str | int, int] = {}
    for workload, _obj, full in backing_workloads(bundle, svc.selector, namespace):
        obj = object_of(bundle.topology, workload)
        if not full or obj is None:
            continue
        for container in pod_spec(obj).get("containers") or []:
            for p in container.get("ports") or []:
                number = p.get("containerPort")
                if isinstance(number, int):
                    ports[number] = number
                    if p.get("name"):
                        ports[p["name"]] = number
    return ports


def _wrong_port(bundle: EvidenceBundle, ref: ResourceRef, ev: Evidence, svc: ServiceFacts) -> Finding | None:
    declared = _container_ports(bundle, svc, ref.namespace)
    numbers = sorted({v for v in declared.values()})
    for index, port in enumerate(svc.ports):
        target: str | int = int(port.target_port) if port.target_port.isdigit() else port.target_port
        unresolved = port.resolved_container_port is None and not port.target_port.isdigit()
        if not unresolved and (not declared or target in declared):
            continue
        fixes = []
        if len(numbers) == 1:
            fixes.append(Remediation(
                description=f"Point port {port.port} of Service {ref.name} at container port {numbers[0]}.",
                command=commands.patch(ref, [{"op": "replace", "path": f"/spec/ports/{index}/targetPort",
                                              "value": numbers[0]}], "json"),
                verify=commands.describe(ref)))
        return Finding(detector=NAME, category=Category.SERVICE_ROUTING, culprit=ref,
                       summary=f"Service {ref.name} sends port {port.port} to targetPort {port.target_port}, "
                               "which no selected container listens on",
                       detail=f"Container ports: {numbers or 'unknown'}.", evidence_ids=[ev.id], strength=0.8,
                       direct=True, explains=_explains(bundle, ref), remediations=fixes,
                       reasons=["targetPort is not a port the pods declare"],
                       verification=f"`kubectl describe service {ref.name} -n {ref.namespace}` and the pods' ports.")
    return None
