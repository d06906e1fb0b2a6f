"""Hosts that failing logs name but the configuration does not (baked into the image, or computed)."""

from __future__ import annotations

from firstresponder.collectors.context import CollectionContext, ResultBuilder, investigated_namespace
from firstresponder.collectors.dependency import similar_services
from firstresponder.collectors.ids import evidence_id
from firstresponder.collectors.service import endpoint_counts
from firstresponder.models.evidence import CollectorResult, DependencyFacts, Evidence
from firstresponder.models.resource import ResourceRef
from firstresponder.topology.dependencies import resolve_host

NAME = "log.host"
FOUND_IN = "container logs of the alerting pods"


def collect_log_host(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    """DependencyFacts for a host named in error lines; ``ref`` is ``External/<host>``, resolved here."""
    out = ResultBuilder(ctx, NAME, ref)
    host = ref.name
    resolved = out.attempt(lambda: resolve_host(
        host, investigated_namespace(ctx.topology) or "default",
        lambda name, namespace: ctx.reader.get("Service", name, namespace),
        lambda namespace: ctx.reader.get("Namespace", namespace, None) is not None), f"resolve host {host}")
    if resolved is None:
        return out.result()
    target = resolved.ref
    if target.kind == "External":
        facts = DependencyFacts(host=host, found_in=FOUND_IN, external=True)
        summary = f"logs name external host {host}"
    elif resolved.missing:
        facts = DependencyFacts(host=host, found_in=FOUND_IN, service=target)
        summary = f"logs name {host}: Service {target.namespace}/{target.name} does not exist"
        similar = similar_services(ctx, out, target)
        summary += f"; similar: {', '.join(similar)}" if similar else ""
    else:
        counts = out.attempt(lambda: endpoint_counts(ctx.reader, target.name, target.namespace),
                             f"endpoints of {target}")
        ready = counts[0] if counts is not None else None
        facts = DependencyFacts(host=host, found_in=FOUND_IN, service=target, ready_endpoints=ready)
        summary = f"logs name {host} -> Service {target.namespace}/{target.name}: " \
                  f"{ready if ready is not None else '?'} ready endpoints"
    out.evidence.append(Evidence(id=evidence_id("dep", host), resource=target, summary=summary, facts=facts))
    return out.result()
