"""Ownership edges: up through ownerReferences, down to ReplicaSets, Jobs and pods."""

from __future__ import annotations

from typing import Any

from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import EdgeRelation
from firstresponder.topology.objects import (
    annotations_of,
    controller_of,
    dig,
    is_owned_by,
    meta,
    name_of,
    pod_problem,
    revision_of,
)
from firstresponder.topology.selectors import selector_string
from firstresponder.topology.walk import Edge, Found, Role, Via, Visit, WalkContext

# Owners worth following (a Node owns static pods; that is placement, not ownership).
_OWNER_KINDS = frozenset({"ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"})


def owner_up(ctx: WalkContext, visit: Visit) -> list[Found]:
    """The controller named in ownerReferences (missing=True when it no longer exists)."""
    owner = controller_of(visit.obj or {})
    if owner is None or owner.get("kind") not in _OWNER_KINDS:
        return []
    kind, name = str(owner["kind"]), str(owner.get("name", ""))
    obj = ctx.lookup.get(kind, name, visit.ref.namespace)
    ref = ResourceRef(kind=kind, name=name, namespace=visit.ref.namespace)
    relation = f"owner of {visit.ref.kind} {visit.ref.name}"
    if visit.role is Role.DEPENDENCY:
        relation = f"workload behind dependency pod {visit.ref.name}"
    return [Found(ref, obj, relation, Edge(ref, visit.ref, EdgeRelation.OWNS, "controller"),
                  role=visit.role, via=Via.UP, missing=obj is None)]


def choose_pods(pods: list[dict[str, Any]], limit: int, skip: set[str]) -> list[dict[str, Any]]:
    """Unhealthy pods first, then by name; at most ``limit``."""
    ranked = sorted((p for p in pods if name_of(p) not in skip),
                    key=lambda p: (pod_problem(p) is None, name_of(p)))
    return ranked[:limit]


def owned_pods(ctx: WalkContext, visit: Visit) -> list[Found]:
    """Pods of a ReplicaSet/StatefulSet/DaemonSet/Job via its label selector, owner-checked."""
    obj = visit.obj or {}
    selector = selector_string(dig(obj, "spec", "selector"))
    if not selector:
        return []
    pods = [p for p in ctx.lookup.list("Pod", visit.ref.namespace, label_selector=selector)
            if is_owned_by(p, obj)]
    limit = ctx.budget.max_dependency_pods if visit.role is Role.DEPENDENCY else ctx.budget.max_pods_per_workload
    found = []
    for pod in choose_pods(pods, limit, set()):
        ref = ResourceRef(kind="Pod", name=name_of(pod), namespace=visit.ref.namespace)
        problem = pod_problem(pod)
        found.append(Found(ref, pod, f"pod of {visit.ref.kind} {visit.ref.name}",
                           Edge(visit.ref, ref, EdgeRelation.OWNS, problem or "healthy"),
                           role=visit.role, via=Via.DOWN))
    if len(pods) > limit:
        ctx.notes.append(f"{visit.ref.key}: {len(pods)} pods, kept {limit} (unhealthy first)")
    return found


def deployment_replicasets(ctx: WalkContext, visit: Visit) -> list[Found]:
    """The current and previous revisions (and any other ReplicaSet still running pods)."""
    obj = visit.obj or {}
    selector = selector_string(dig(obj, "spec", "selector"))
    if not selector:
        return []
    sets = [rs for rs in ctx.lookup.list("ReplicaSet", visit.ref.namespace, label_selector=selector)
            if is_owned_by(rs, obj)]
    sets.sort(key=revision_of, reverse=True)
    current = annotations_of(obj).get("deployment.kubernetes.io/revision")
    keep = sets[:2] + [rs for rs in sets[2:] if int(dig(rs, "status", "replicas") or 0) > 0][:2]
    found = []
    for rs in keep:
        ref = ResourceRef(kind="ReplicaSet", name=name_of(rs), namespace=visit.ref.namespace)
        revision = revision_of(rs)
        label = "current" if str(revision) == current else "previous"
        found.append(Found(ref, rs, f"revision {revision} ({label}) of Deployment {visit.ref.name}",
                           Edge(visit.ref, ref, EdgeRelation.OWNS, f"revision {revision}"),
                           role=visit.role, via=Via.DOWN))
    return found


def cronjob_jobs(ctx: WalkContext, visit: Visit) -> list[Found]:
    """The three newest Jobs a CronJob created."""
    obj = visit.obj or {}
    jobs = [j for j in ctx.lookup.list("Job", visit.ref.namespace) if is_owned_by(j, obj)]
    jobs.sort(key=lambda j: str(meta(j).get("creationTimestamp", "")), reverse=True)
    found = []
    for job in jobs[:3]:
        ref = ResourceRef(kind="Job", name=name_of(job), namespace=visit.ref.namespace)
        found.append(Found(ref, job, f"job of CronJob {visit.ref.name}",
                           Edge(visit.ref, ref, EdgeRelation.OWNS), role=visit.role, via=Via.DOWN))
    return found

