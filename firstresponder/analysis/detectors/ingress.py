"""Ingress routing that cannot work: missing backend Service or port, missing TLS Secret, unknown IngressClass."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from firstresponder.analysis.facts import facts_of
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.workloads import object_of
from firstresponder.models import Category, Evidence, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import IngressBackend, IngressFacts

NAME = "ingress"


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    findings = []
    for ev, ing in facts_of(bundle, IngressFacts):
        ref = ResourceRef(kind="Ingress", namespace=ev.resource.namespace, name=ing.ingress)
        for backend in ing.backends:
            if not backend.service_exists:
                findings.append(_finding(ref, ev, f"routes {backend.host}{backend.path} to Service {backend.service}, "
                                         "which does not exist", [Remediation(
                                             description=f"Create Service {backend.service} or point the rule at the "
                                                         "Service that serves this path.",
                                             command=commands.describe(ref))]))
            elif not backend.port_exists:
                findings.append(_finding(ref, ev, f"routes {backend.host}{backend.path} to port {backend.port} of "
                                         f"Service {backend.service}, which has no such port",
                                         _port_fix(bundle, ref, backend)))
        for secret, exists in ing.tls_secrets.items():
            if not exists:  # the fix belongs to the Secret: issue or create it (or point the Ingress elsewhere)
                missing = ResourceRef(kind="Secret", namespace=ref.namespace, name=secret)
                findings.append(_finding(ref, ev, f"uses TLS Secret {secret}, which does not exist: the controller "
                                         "serves its default certificate", [Remediation(
                    description=(f"Issue TLS Secret {secret} in {ref.namespace} (cert-manager) or create it from the "
                                 f"certificate files, or point Ingress {ref.name} back at a Secret that exists."),
                    command=commands.describe(ref), verify=commands.describe(ref))], strength=0.75, culprit=missing))
        if ing.class_name and not ing.class_exists:
            findings.append(_finding(ref, ev, f"asks for IngressClass {ing.class_name}, which does not exist: "
                                     "no controller serves it", _class_fix(bundle, ref, ing.class_name)))
    return findings


def _finding(ref: ResourceRef, ev: Evidence, problem: str, fixes: list[Remediation], *,
             strength: float = 0.85, culprit: ResourceRef | None = None) -> Finding:
    return Finding(detector=NAME, category=Category.INGRESS_ROUTING, culprit=culprit or ref,
                   summary=f"Ingress {ref.name} {problem}", detail=ev.summary, evidence_ids=[ev.id],
                   strength=strength, direct=True, explains=[ref.key], reasons=[problem], remediations=fixes,
                   verification=f"`kubectl describe ingress {ref.name} -n {ref.namespace}` shows the backend error.")


def _port_fix(bundle: EvidenceBundle, ref: ResourceRef, backend: IngressBackend) -> list[Remediation]:
    """JSON-patch the rule's backend port to the Service's only port."""
    ingress = object_of(bundle.topology, ref)
    service = object_of(bundle.topology, ResourceRef(kind="Service", namespace=ref.namespace, name=backend.service))
    ports = ((service or {}).get("spec") or {}).get("ports") or []
    path = _backend_path(ingress, backend) if ingress else None
    if len(ports) != 1 or path is None:
        return [Remediation(description=f"Use a port Service {backend.service} exposes.", command=commands.describe(ref))]
    port: dict[str, Any] = {"number": ports[0]["port"]}
    return [Remediation(description=f"Send the rule to port {ports[0]['port']} of Service {backend.service}.",
                        command=commands.patch(ref, [{"op": "replace", "path": f"{path}/port", "value": port}], "json"),
                        verify=commands.describe(ref))]


def _backend_path(ingress: dict[str, Any], backend: IngressBackend) -> str | None:
    for i, rule in enumerate((ingress.get("spec") or {}).get("rules") or []):
        for j, item in enumerate(((rule.get("http") or {}).get("paths")) or []):
            service = (item.get("backend") or {}).get("service") or {}
            if service.get("name") == backend.service and item.get("path", "/") == backend.path:
                return f"/spec/rules/{i}/http/paths/{j}/backend/service"
    return None


def _class_fix(bundle: EvidenceBundle, ref: ResourceRef, wanted: str) -> list[Remediation]:
    classes = [n.ref.name for n in bundle.topology.of_kind("IngressClass") if n.object is not None]
    if len(classes) == 1:
        return [Remediation(description=f"Use IngressClass {classes[0]}, the one this cluster has.",
                            command=commands.patch(ref, {"spec": {"ingressClassName": classes[0]}}, "merge"),
                            verify=commands.describe(ref))]
    return [Remediation(description=f"Install a controller for class {wanted} or switch to an existing IngressClass.",
                        command=commands.kubectl("get", "ingressclass"))]
