"""Ingress facts: do its backends, their ports, its class and its TLS Secrets exist?"""

from __future__ import annotations

from typing import Any

from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.collectors.dependency import similar_services
from firstresponder.collectors.ids import evidence_id
from firstresponder.models.evidence import CollectorResult, Evidence, IngressBackend, IngressFacts
from firstresponder.models.resource import ResourceRef
from firstresponder.topology.objects import as_dict, as_list, dig
from firstresponder.topology.routing import ingress_backends, ingress_class_name

NAME = "ingress"


def _lookup(ctx: CollectionContext, out: ResultBuilder, kind: str, name: str,
            namespace: str | None) -> tuple[bool, dict[str, Any] | None]:
    """(exists, object): the topology's answer when it has the node, else one get (unknown counts as present)."""
    node = ctx.node(ResourceRef(kind=kind, name=name, namespace=namespace))
    if node is not None and (node.object is not None or node.missing):
        return not node.missing, node.object
    read = out.attempt(lambda: (ctx.reader.get(kind, name, namespace),), f"get {kind} {namespace or ''}/{name}")
    if read is None:
        return True, None
    return read[0] is not None, read[0]


def _port_exists(service: dict[str, Any] | None, port: str) -> bool:
    if service is None:
        return False
    for item in as_list(dig(service, "spec", "ports")):
        item = as_dict(item)
        if str(item.get("port")) == port or item.get("name") == port:
            return True
    return False


def collect_ingress(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    out = ResultBuilder(ctx, NAME, ref)
    ingress = ctx.obj(ref)
    if ingress is None:
        out.skipped = True
        return out.result()
    backends = []
    for host, path, service, port in ingress_backends(ingress):
        exists, obj = _lookup(ctx, out, "Service", service, ref.namespace)
        backends.append(IngressBackend(host=host, path=path, service=service, port=port, service_exists=exists,
                                       port_exists=_port_exists(obj, port) if obj is not None else exists))
    class_name, _from_spec = ingress_class_name(ingress)
    class_exists = _lookup(ctx, out, "IngressClass", class_name, None)[0] if class_name else True
    tls = {}
    for item in as_list(dig(ingress, "spec", "tls")):
        secret = as_dict(item).get("secretName")
        if secret:
            tls[str(secret)] = _lookup(ctx, out, "Secret", str(secret), ref.namespace)[0]
    facts = IngressFacts(ingress=ref.name, class_name=class_name, class_exists=class_exists, backends=backends,
                         tls_secrets=tls)
    missing = sorted({b.service for b in backends if not b.service_exists})
    similar = {name: similar_services(ctx, out, ResourceRef(kind="Service", name=name, namespace=ref.namespace))
               for name in missing}
    out.evidence.append(Evidence(id=evidence_id("ingress", ref.name), resource=ref, summary=_summary(facts, similar),
                                 excerpt="\n".join(f"{b.host}{b.path} -> {b.service}:{b.port} (service "
                                                   f"{'ok' if b.service_exists else 'MISSING'}, port "
                                                   f"{'ok' if b.port_exists else 'MISSING'})" for b in backends)[:2000],
                                 facts=facts))
    return out.result()


def _summary(facts: IngressFacts, similar: dict[str, list[str]]) -> str:
    problems = [f"backend Service {name} missing" + (f" (similar: {', '.join(similar[name])})" if similar[name] else "")
                for name in dict.fromkeys(b.service for b in facts.backends if not b.service_exists)]
    problems += [f"port {b.port} not on Service {b.service}" for b in facts.backends
                 if b.service_exists and not b.port_exists]
    if not facts.class_exists:
        problems.append(f"IngressClass {facts.class_name} missing")
    problems += [f"TLS Secret {name} missing" for name, ok in facts.tls_secrets.items() if not ok]
    head = f"Ingress {facts.ingress} ({len(facts.backends)} backends, class {facts.class_name or 'default'})"
    return head + (": " + "; ".join(problems) if problems else ": backends, class and TLS Secrets exist")
