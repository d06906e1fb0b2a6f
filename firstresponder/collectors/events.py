"""Kubernetes Events of one object, read the way ``kubectl describe`` reads them (field selector)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.collectors.ids import evidence_id
from firstresponder.collectors.times import parse_time
from firstresponder.models.evidence import ChangeKind, CollectorResult, EventFacts, Evidence
from firstresponder.models.resource import ResourceRef
from firstresponder.topology.objects import as_dict, dig, meta

NAME = "events"
MAX_EVENTS = 20  # per object, newest kept
# Normal events worth citing; the rest (Pulled, Created, Started, NodeHasSufficientMemory...) are routine.
NOTABLE_NORMAL = frozenset({
    "Killing", "Scheduled", "ScalingReplicaSet", "SuccessfulRescale", "Preempted", "Preempting",
    "TaintManagerEviction", "NodeNotReady", "NodeNotSchedulable", "Rebooted", "RemovingNode", "DeletingNode",
    "SuccessfulDelete", "SuccessfulCreate", "Completed", "SawCompletedJob", "NodeHasInsufficientMemory",
    "NodeHasDiskPressure", "NodeHasInsufficientPID", "TriggeredScaleUp", "NotTriggerScaleUp", "Sync", "CREATE",
    "UPDATE"})


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def event_time(event: dict[str, Any]) -> datetime | None:
    return parse_time(event.get("lastTimestamp") or dig(event, "series", "lastObservedTime")
                      or event.get("eventTime") or event.get("firstTimestamp")
                      or meta(event).get("creationTimestamp"))


def events_selector(ref: ResourceRef, uid: str | None) -> str:
    parts = [f"involvedObject.name={ref.name}", f"involvedObject.kind={ref.kind}"]
    if ref.namespace:
        parts.append(f"involvedObject.namespace={ref.namespace}")
    if uid:
        parts.append(f"involvedObject.uid={uid}")
    return ",".join(parts)


def collect_events(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    """EventFacts per event (Warning first when capping), each also placed on the time line."""
    out = ResultBuilder(ctx, NAME, ref)
    obj = ctx.obj(ref)
    uid = meta(obj).get("uid") if obj else None
    namespace = ref.namespace
    events = out.attempt(lambda: ctx.reader.list("Event", namespace, field_selector=events_selector(ref, uid)),
                         f"events of {ref.key}")
    if events is None:
        return out.result()
    events.sort(key=lambda e: event_time(e) or _EPOCH)
    kept = events[-MAX_EVENTS:]
    seen: dict[str, int] = {}
    for event in kept:
        evidence = _evidence(ref, event, seen)
        facts = evidence.facts
        assert isinstance(facts, EventFacts)
        cited = facts.type != "Normal" or facts.reason in NOTABLE_NORMAL
        if cited:  # routine Normal events (Pulled, Created, Started...) only go on the time line
            out.evidence.append(evidence)
        count = f" (x{facts.count})" if facts.count > 1 else ""
        out.change(facts.last_seen or facts.first_seen, ref, ChangeKind.EVENT,
                   f"{facts.type} {facts.reason}{count}: {facts.message}"[:300],
                   actor=str(as_dict(event.get("source")).get("component") or event.get("reportingComponent") or "")
                   or None, evidence_id=evidence.id if cited else None)
    return out.result()


def _evidence(ref: ResourceRef, event: dict[str, Any], seen: dict[str, int]) -> Evidence:
    reason = str(event.get("reason") or "")
    base = evidence_id("event", ref.kind, ref.name, reason)
    seen[base] = seen.get(base, 0) + 1
    event_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
    facts = EventFacts(
        involved=ref, type=str(event.get("type") or "Normal"), reason=reason,
        message=str(event.get("message") or event.get("note") or "")[:1000],
        count=int(event.get("count") or dig(event, "series", "count") or 1),
        first_seen=parse_time(event.get("firstTimestamp") or event.get("eventTime")),
        last_seen=event_time(event))
    count = f" x{facts.count}" if facts.count > 1 else ""
    return Evidence(id=event_id, resource=ref, summary=f"{facts.type} {reason}{count} on {ref.kind} {ref.name}: "
                    f"{facts.message}"[:300], excerpt=facts.message[:2000], at=facts.last_seen, facts=facts)
