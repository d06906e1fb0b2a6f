"""Dependency facts: each host the pods call, the Service it resolves to and its ready endpoints."""

from __future__ import annotations

from difflib import get_close_matches

from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.collectors.ids import evidence_id
from firstresponder.collectors.service import endpoint_counts
from firstresponder.models.evidence import CollectorResult, DependencyFacts, Evidence
from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import EdgeRelation
from firstresponder.topology.objects import name_of

NAME = "dependency"


def parse_detail(detail: str) -> tuple[str, str, int | None]:
    """(found_in, host, port) from a DEPENDS_ON edge detail ``"<found_in>: <host>[:<port>]"``."""
    found_in, _, target = detail.rpartition(": ")
    host, _, port = target.partition(":")
    return found_in or detail, host, int(port) if port.isdigit() else None


def similar_services(ctx: CollectionContext, out: ResultBuilder, ref: ResourceRef) -> list[str]:
    """Existing Services whose names are close to a missing one (a typo or a renamed Service)."""
    services = out.attempt(lambda: ctx.reader.list("Service", ref.namespace), f"list Service in {ref.namespace}")
    names = [name_of(s) for s in services or []]
    return get_close_matches(ref.name, names, n=3, cutoff=0.6)


def collect_dependency(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    """DependencyFacts for one DEPENDS_ON target (a Service, possibly missing, or an External host)."""
    out = ResultBuilder(ctx, NAME, ref)
    edges = [e for e in ctx.topology.edges if e.target == ref.key and e.relation == EdgeRelation.DEPENDS_ON]
    node = ctx.node(ref)
    if not edges or node is None:
        out.skipped = True
        return out.result()
    found_in, host, port = parse_detail(edges[0].detail)
    host = host or ref.name
    evidence_key = evidence_id("dep", host)
    if ref.kind == "External":
        facts = DependencyFacts(host=host, port=port, found_in=found_in, external=True)
        summary = f"external dependency {host}" + (f":{port}" if port else "") + f" (from {found_in})"
    elif node.missing:
        facts = DependencyFacts(host=host, port=port, found_in=found_in, service=ref, ready_endpoints=None)
        summary = f"dependency {host} names Service {ref.namespace}/{ref.name}, which does not exist (from {found_in})"
        similar = similar_services(ctx, out, ref)
        if similar:
            summary += f"; Services with similar names in {ref.namespace}: {', '.join(similar)}"
    else:
        counts = out.attempt(lambda: endpoint_counts(ctx.reader, ref.name, ref.namespace), f"endpoints of {ref.key}")
        ready = counts[0] if counts is not None else None
        facts = DependencyFacts(host=host, port=port, found_in=found_in, service=ref, ready_endpoints=ready)
        summary = f"dependency {host} -> Service {ref.namespace}/{ref.name}: " + (
            f"{ready} ready endpoints" if ready is not None else "endpoints unreadable") + f" (from {found_in})"
    users = sorted({e.source for e in edges})
    out.evidence.append(Evidence(id=evidence_key, resource=ref, summary=summary[:400],
                                 excerpt="\n".join(f"{e.source}: {e.detail}" for e in edges)[:2000], facts=facts))
    if len(users) > 1:
        out.evidence[-1].excerpt += f"\nused by {len(users)} pods"
    return out.result()
