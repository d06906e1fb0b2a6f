"""Services, the pods they should select, and which failing pods talk to them."""

from __future__ import annotations

from typing import Any

from firstresponder.analysis.facts import facts_of, pod_key
from firstresponder.analysis.workloads import pods_of
from firstresponder.models import EdgeRelation, Evidence, EvidenceBundle, ResourceRef
from firstresponder.models.evidence import LogFacts, ServiceFacts

# Log signatures of a caller that cannot reach its dependency.
UNREACHABLE = frozenset({"connection_refused", "timeout", "dns_failure", "http_5xx", "tls"})


def service_facts(bundle: EvidenceBundle, service: ResourceRef) -> tuple[Evidence, ServiceFacts] | None:
    return next(((ev, f) for ev, f in facts_of(bundle, ServiceFacts)
                 if f.service == service.name and ev.resource.namespace == service.namespace), None)


def host_matches(host: str, target: str, namespace: str | None = None) -> bool:
    """"payments-db", "payments-db.production", "payments-db.production.svc.cluster.local" all name one Service."""
    host, target = host.lower().rstrip("."), target.lower()
    if host == target:
        return True
    short = host.split(":")[0]
    parts = short.split(".")
    return parts[0] == target.split(".")[0] and (len(parts) == 1 or namespace is None or parts[1] == namespace)


def callers_failing_on(bundle: EvidenceBundle, host: str, service: ResourceRef | None = None
                       ) -> tuple[list[str], list[str], bool]:
    """(pods whose logs fail reaching the host, their log evidence ids, whether the logs name it).

    Callers may still be Running. When no log names the host (Node prints only the IP it dialled),
    the pods that depend on it (DEPENDS_ON edges) and log connection errors are taken instead.
    """
    target = service or ResourceRef(kind="External", name=host)
    users: set[str] = set()
    for source in bundle.topology.sources(target, EdgeRelation.DEPENDS_ON):
        users |= {source} if source.startswith("Pod/") else set(pods_of(bundle.topology, source))
    named: dict[str, str] = {}
    unnamed: dict[str, str] = {}
    for ev, log in facts_of(bundle, LogFacts):
        if not set(log.signatures) & UNREACHABLE:
            continue
        pod = pod_key(ev, log.pod)
        if any(host_matches(h, host) or (service is not None and host_matches(h, service.name, service.namespace))
               for h in log.hosts):
            named[ev.id] = pod
        elif pod in users:
            unnamed[ev.id] = pod
    chosen = named or unnamed
    return sorted(set(chosen.values())), list(chosen), bool(named)


def selector_for(selector: dict[str, str], labels: dict[str, str]) -> dict[str, str]:
    """A selector that matches ``labels`` and keeps the Service's intent: same keys where they exist,
    else the label that carries the same value (app=inventory -> app.kubernetes.io/name=inventory)."""
    chosen: dict[str, str] = {}
    for key, value in selector.items():
        if key in labels:
            chosen[key] = labels[key]
        else:
            same = next((k for k, v in sorted(labels.items()) if v == value), None)
            if same is not None:
                chosen[same] = value
    return chosen


def backing_workloads(bundle: EvidenceBundle, selector: dict[str, str],
                      namespace: str | None) -> list[tuple[ResourceRef, dict[str, Any], bool]]:
    """Workloads in the topology whose pods the selector is about: (ref, object, labels fully match).

    A partial match (same label keys, some value differs) is how a label change shows.
    """
    found = []
    for node in bundle.topology.nodes.values():
        obj = node.object
        if obj is None or node.ref.kind not in {"Deployment", "StatefulSet", "DaemonSet"}:
            continue
        if node.ref.namespace != namespace:
            continue
        labels = ((obj.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels") or {}
        full = bool(selector) and all(labels.get(k) == v for k, v in selector.items())
        # a relabel keeps values (inventory) under new keys, or keys with new values
        partial = any(labels.get(k) == v for k, v in selector.items()) or any(
            v in labels.values() for v in selector.values()) or (
            bool(selector) and set(selector) <= set(labels)
            and any(node.ref.name.startswith(v) or v.startswith(node.ref.name) for v in selector.values()))
        if full or partial:
            found.append((node.ref, obj, full))
    return found
