"""Service facts: selector against pods, ports against container ports (named targetPorts), endpoints."""

from __future__ import annotations

from typing import Any

from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.collectors.ids import evidence_id
from firstresponder.kube.reader import ClusterReader
from firstresponder.models.evidence import CollectorResult, Evidence, ServiceFacts, ServicePort
from firstresponder.models.resource import ResourceRef
from firstresponder.topology.objects import as_dict, as_list, containers_of, dig, pod_spec
from firstresponder.topology.selectors import map_string

NAME = "service"


def resolve_target_port(target: Any, pods: list[dict[str, Any]]) -> int | None:
    """The container port a targetPort reaches: numbers as they are, names looked up on the pods."""
    if isinstance(target, int) or (isinstance(target, str) and target.isdigit()):
        return int(target)
    for pod in pods:
        for container, init in containers_of(pod_spec(pod)):
            if init:
                continue
            for port in as_list(container.get("ports")):
                if as_dict(port).get("name") == target:
                    return int(as_dict(port).get("containerPort", 0))
    return None


def endpoint_counts(reader: ClusterReader, service: str, namespace: str | None) -> tuple[int, int]:
    """(ready, not ready) addresses from the Service's EndpointSlices, else its Endpoints."""
    slices = reader.list("EndpointSlice", namespace, label_selector=f"kubernetes.io/service-name={service}")
    if slices:
        ready = not_ready = 0
        for item in slices:
            for endpoint in as_list(item.get("endpoints")):
                if as_dict(as_dict(endpoint).get("conditions")).get("ready", True) is False:
                    not_ready += 1
                else:
                    ready += 1
        return ready, not_ready
    endpoints = reader.get("Endpoints", service, namespace) or {}
    subsets = [as_dict(s) for s in as_list(endpoints.get("subsets"))]
    return (sum(len(as_list(s.get("addresses"))) for s in subsets),
            sum(len(as_list(s.get("notReadyAddresses"))) for s in subsets))


def collect_service(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    out = ResultBuilder(ctx, NAME, ref)
    service = ctx.obj(ref)
    if service is None:
        out.skipped = True
        return out.result()
    selector = {str(k): str(v) for k, v in as_dict(dig(service, "spec", "selector")).items()}
    pods: list[dict[str, Any]] = []
    if selector:
        pods = out.attempt(lambda: ctx.reader.list("Pod", ref.namespace, label_selector=map_string(selector)),
                           f"pods selected by {ref.key}") or []
    ports = []
    for port in as_list(dig(service, "spec", "ports")):
        port = as_dict(port)
        target = port.get("targetPort", port.get("port"))
        ports.append(ServicePort(port=int(port.get("port", 0)), target_port=str(target),
                                 resolved_container_port=resolve_target_port(target, pods)))
    counts = out.attempt(lambda: endpoint_counts(ctx.reader, ref.name, ref.namespace), f"endpoints of {ref.key}")
    ready, not_ready = counts or (0, 0)
    facts = ServiceFacts(service=ref.name, selector=selector, matched_pods=len(pods), ports=ports,
                         ready_endpoints=ready, not_ready_endpoints=not_ready,
                         service_type=str(dig(service, "spec", "type") or "ClusterIP"))
    out.evidence.append(Evidence(id=evidence_id("svc", ref.name), resource=ref, summary=_summary(facts),
                                 excerpt=_excerpt(facts)[:2000], facts=facts))
    return out.result()


def _summary(facts: ServiceFacts) -> str:
    if not facts.selector:
        head = f"Service {facts.service} has no selector (manual endpoints)"
    else:
        head = f"Service {facts.service} (selector {map_string(facts.selector)}) selects {facts.matched_pods} pods"
    text = f"{head}; {facts.ready_endpoints} ready endpoints, {facts.not_ready_endpoints} not ready"
    unresolved = [p.target_port for p in facts.ports if p.resolved_container_port is None]
    if unresolved:
        text += f"; targetPort {', '.join(unresolved)} matches no container port"
    return text


def _excerpt(facts: ServiceFacts) -> str:
    lines = [f"selector: {facts.selector}", f"type: {facts.service_type}"]
    lines += [f"port {p.port} -> targetPort {p.target_port} -> container port {p.resolved_container_port}"
              for p in facts.ports]
    return "\n".join(lines)
