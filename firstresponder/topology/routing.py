"""Routing edges: Ingresses reaching a Service, their IngressClass, TLS Secrets and backends."""

from __future__ import annotations

from typing import Any

from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import EdgeRelation
from firstresponder.topology.objects import annotations_of, as_dict, as_list, dig, name_of
from firstresponder.topology.walk import Edge, Found, Role, Via, Visit, WalkContext


def ingress_backends(ingress: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(host, path, service, port) of every rule path and the default backend ("*" host)."""
    out: list[tuple[str, str, str, str]] = []
    default = as_dict(dig(ingress, "spec", "defaultBackend", "service"))
    if default.get("name"):
        out.append(("*", "(default)", str(default["name"]), _port(default)))
    for rule in as_list(dig(ingress, "spec", "rules")):
        rule = as_dict(rule)
        for path in as_list(dig(rule, "http", "paths")):
            service = as_dict(dig(path, "backend", "service"))
            if service.get("name"):
                out.append((str(rule.get("host") or "*"), str(as_dict(path).get("path") or "/"),
                            str(service["name"]), _port(service)))
    return out


def _port(service: dict[str, Any]) -> str:
    port = as_dict(service.get("port"))
    return str(port.get("number") or port.get("name") or "")


def ingress_class_name(ingress: dict[str, Any]) -> tuple[str | None, bool]:
    """(class name, whether it came from spec.ingressClassName rather than the legacy annotation)."""
    name = dig(ingress, "spec", "ingressClassName")
    if name:
        return str(name), True
    legacy = annotations_of(ingress).get("kubernetes.io/ingress.class")
    return legacy, False


def routing_ingresses(ctx: WalkContext, visit: Visit) -> list[Found]:
    """Ingresses of the namespace whose rules or default backend reach this Service."""
    found = []
    for ingress in ctx.lookup.list("Ingress", visit.ref.namespace):
        routes = [b for b in ingress_backends(ingress) if b[2] == visit.ref.name]
        if routes:
            ref = ResourceRef(kind="Ingress", name=name_of(ingress), namespace=visit.ref.namespace)
            detail = "; ".join(f"{host}{path} -> port {port}" for host, path, _svc, port in routes)
            found.append(Found(ref, ingress, f"routes traffic to Service {visit.ref.name}",
                               Edge(ref, visit.ref, EdgeRelation.ROUTES_TO, detail)))
    return found


def ingress_class(ctx: WalkContext, visit: Visit) -> list[Found]:
    """The IngressClass named by the Ingress (missing only when named by spec.ingressClassName)."""
    name, from_spec = ingress_class_name(visit.obj or {})
    if not name:
        return []
    obj = ctx.lookup.get("IngressClass", name, None)
    if obj is None and not from_spec:
        return []  # legacy annotation classes often have no IngressClass object
    ref = ResourceRef(kind="IngressClass", name=name)
    return [Found(ref, obj, f"class of Ingress {visit.ref.name}",
                  Edge(visit.ref, ref, EdgeRelation.USES_CLASS), missing=obj is None)]


def ingress_tls_secrets(ctx: WalkContext, visit: Visit) -> list[Found]:
    """TLS Secrets named by the Ingress (keys only: values are redacted by the gateway)."""
    found = []
    for tls in as_list(dig(visit.obj or {}, "spec", "tls")):
        secret = as_dict(tls).get("secretName")
        if not secret:
            continue
        obj = ctx.lookup.get("Secret", str(secret), visit.ref.namespace)
        ref = ResourceRef(kind="Secret", name=str(secret), namespace=visit.ref.namespace)
        hosts = ",".join(str(h) for h in as_list(as_dict(tls).get("hosts")))
        found.append(Found(ref, obj, f"TLS certificate of Ingress {visit.ref.name}",
                           Edge(visit.ref, ref, EdgeRelation.TLS, f"hosts {hosts}" if hosts else ""),
                           missing=obj is None))
    return found


def ingress_services(ctx: WalkContext, visit: Visit) -> list[Found]:
    """Backend Services of an alerting Ingress (missing=True for backends that do not exist)."""
    found = []
    for host, path, service, port in ingress_backends(visit.obj or {}):
        obj = ctx.lookup.get("Service", service, visit.ref.namespace)
        ref = ResourceRef(kind="Service", name=service, namespace=visit.ref.namespace)
        found.append(Found(ref, obj, f"backend of Ingress {visit.ref.name}",
                           Edge(visit.ref, ref, EdgeRelation.ROUTES_TO, f"{host}{path} -> port {port}"),
                           role=Role.FOCUS, via=Via.DOWN, missing=obj is None))
    return found
