"""Rollout state of a Deployment/StatefulSet/DaemonSet: replicas, conditions, revisions, template diff."""

from __future__ import annotations

from typing import Any

from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.collectors.ids import evidence_id
from firstresponder.collectors.template_diff import template_diff
from firstresponder.collectors.times import parse_time
from firstresponder.models.evidence import ChangeKind, CollectorResult, Evidence, RevisionFacts, RolloutFacts
from firstresponder.models.resource import ResourceRef
from firstresponder.topology.objects import (
    annotations_of,
    as_dict,
    as_list,
    dig,
    is_owned_by,
    meta,
    name_of,
    pod_spec,
    revision_of,
)
from firstresponder.topology.selectors import selector_string

NAME = "workload.rollout"


def _int(value: Any) -> int:
    return int(value or 0)


def conditions_of(obj: dict[str, Any]) -> dict[str, str]:
    out = {}
    for cond in as_list(dig(obj, "status", "conditions")):
        cond = as_dict(cond)
        reason = f": {cond['reason']}" if cond.get("reason") else ""
        out[str(cond.get("type"))] = f"{cond.get('status')}{reason}"
    return out


def _counts(obj: dict[str, Any]) -> tuple[int, int, int, int]:
    status = as_dict(obj.get("status"))
    if obj.get("kind") == "DaemonSet":
        return (_int(status.get("desiredNumberScheduled")), _int(status.get("numberReady")),
                _int(status.get("numberAvailable")), _int(status.get("updatedNumberScheduled")))
    replicas = dig(obj, "spec", "replicas")
    return (1 if replicas is None else _int(replicas), _int(status.get("readyReplicas")),
            _int(status.get("availableReplicas")), _int(status.get("updatedReplicas")))


def images(spec: dict[str, Any]) -> dict[str, str]:
    return {str(c.get("name")): str(c.get("image")) for c in as_list(spec.get("containers")) if isinstance(c, dict)}


def collect_rollout(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    """RolloutFacts; for a Deployment also its revisions (ReplicaSets) and the latest template diff."""
    out = ResultBuilder(ctx, NAME, ref)
    obj = ctx.obj(ref)
    if obj is None:
        out.skipped = True
        return out.result()
    desired, ready, available, updated = _counts(obj)
    conditions = conditions_of(obj)
    facts = RolloutFacts(workload=ref, desired=desired, ready=ready, available=available, updated=updated,
                         conditions=conditions,
                         progress_deadline_exceeded=conditions.get("Progressing", "").endswith("ProgressDeadlineExceeded"))
    evidence_key = evidence_id("rollout", ref.kind, ref.name)
    if ref.kind == "Deployment":
        sets = _replicasets(ctx, out, ref, obj)
        current = annotations_of(obj).get("deployment.kubernetes.io/revision")
        facts.current_revision = int(current) if current and current.isdigit() else None
        facts.revisions = [_revision(rs) for rs in sets]
        if len(sets) >= 2:
            facts.diff = template_diff(pod_spec(sets[1]), pod_spec(sets[0]))
        for rs, revision in zip(sets[:3], facts.revisions, strict=False):
            out.change(revision.created_at, ResourceRef(kind="ReplicaSet", name=revision.replicaset,
                                                        namespace=ref.namespace),
                       ChangeKind.NEW_REVISION, _revision_summary(ref, revision, facts, rs is sets[0]),
                       actor=_manager(rs), evidence_id=evidence_key)
    for at, manager in replica_writes(obj):
        out.change(at, ref, ChangeKind.SCALE, f"{ref.kind} {ref.name} spec.replicas written by {manager} "
                   f"(now {dig(obj, 'spec', 'replicas')})", actor=manager, evidence_id=evidence_key)
    out.evidence.append(Evidence(id=evidence_key, resource=ref, summary=_summary(ref, facts),
                                 excerpt=_excerpt(facts)[:2000], facts=facts))
    return out.result()


def replica_writes(obj: dict[str, Any]) -> list[tuple[Any, str]]:
    """(time, manager) of managedFields entries that own spec.replicas (kubectl scale, HPA, downscalers)."""
    writes = []
    for entry in (as_dict(e) for e in as_list(meta(obj).get("managedFields"))):
        if entry.get("subresource") == "status":
            continue
        if "f:replicas" in as_dict(dig(entry, "fieldsV1", "f:spec")):
            at = parse_time(entry.get("time"))
            if at is not None:
                writes.append((at, str(entry.get("manager") or "unknown")))
    return writes


def _replicasets(ctx: CollectionContext, out: ResultBuilder, ref: ResourceRef,
                 obj: dict[str, Any]) -> list[dict[str, Any]]:
    """The Deployment's ReplicaSets, newest revision first (the topology's when the list fails)."""
    selector = selector_string(dig(obj, "spec", "selector"))
    listed = out.attempt(lambda: ctx.reader.list("ReplicaSet", ref.namespace, label_selector=selector),
                         f"ReplicaSets of {ref.key}") if selector else None
    sets = listed if listed is not None else ctx.topology.objects("ReplicaSet")
    owned = [rs for rs in sets if is_owned_by(rs, obj)]
    return sorted(owned, key=revision_of, reverse=True)


def _revision(rs: dict[str, Any]) -> RevisionFacts:
    return RevisionFacts(revision=revision_of(rs), replicaset=name_of(rs),
                         created_at=parse_time(meta(rs).get("creationTimestamp")), images=images(pod_spec(rs)),
                         replicas=_int(dig(rs, "status", "replicas")),
                         ready_replicas=_int(dig(rs, "status", "readyReplicas")))


def _manager(obj: dict[str, Any]) -> str | None:
    entries = [as_dict(e) for e in as_list(meta(obj).get("managedFields"))]
    return str(entries[0].get("manager")) if entries and entries[0].get("manager") else None


def _revision_summary(ref: ResourceRef, revision: RevisionFacts, facts: RolloutFacts, newest: bool) -> str:
    text = f"{ref.kind} {ref.name} revision {revision.revision} (ReplicaSet {revision.replicaset}) created"
    if newest and facts.diff:
        text += ": " + "; ".join(f"{d.path} {d.before} -> {d.after}" for d in facts.diff[:3])
    return text[:300]


def _summary(ref: ResourceRef, facts: RolloutFacts) -> str:
    text = f"{ref.kind} {ref.name}: {facts.ready}/{facts.desired} ready, {facts.available} available, " \
           f"{facts.updated} updated"
    if facts.current_revision is not None:
        text += f", revision {facts.current_revision}"
    if facts.progress_deadline_exceeded:
        text += "; rollout stuck (ProgressDeadlineExceeded)"
    if facts.diff:
        text += f"; {len(facts.diff)} template changes since the previous revision"
    return text


def _excerpt(facts: RolloutFacts) -> str:
    lines = [f"{k}: {v}" for k, v in facts.conditions.items()]
    lines += [f"revision {r.revision} {r.replicaset} {r.replicas} replicas ({r.ready_replicas} ready) {r.images}"
              for r in facts.revisions[:4]]
    lines += [f"{d.path}: {d.before} -> {d.after}" for d in facts.diff[:10]]
    return "\n".join(lines)
