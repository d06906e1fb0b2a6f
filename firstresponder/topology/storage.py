"""Storage edges: Pod -> PersistentVolumeClaim -> PersistentVolume, StorageClass."""

from __future__ import annotations

from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import EdgeRelation
from firstresponder.topology.objects import dig, name_of, pod_spec
from firstresponder.topology.references import claim_names
from firstresponder.topology.walk import Edge, Found, Role, Via, Visit, WalkContext, follow_name


def claims(ctx: WalkContext, visit: Visit) -> list[Found]:
    """PVCs mounted by the pod."""
    found = []
    for claim, volume in claim_names(pod_spec(visit.obj or {})):
        obj = ctx.lookup.get("PersistentVolumeClaim", claim, visit.ref.namespace)
        ref = ResourceRef(kind="PersistentVolumeClaim", name=claim, namespace=visit.ref.namespace)
        found.append(Found(ref, obj, f"claim mounted as volume {volume}",
                           Edge(visit.ref, ref, EdgeRelation.MOUNTS, f"volume {volume}"), missing=obj is None))
    return found


def bound_volume(ctx: WalkContext, visit: Visit) -> list[Found]:
    """The PersistentVolume a claim is bound to."""
    return follow_name(ctx, visit, dig(visit.obj or {}, "spec", "volumeName"), "PersistentVolume",
                       EdgeRelation.BINDS, f"volume bound to claim {visit.ref.name}")


def storage_class(ctx: WalkContext, visit: Visit) -> list[Found]:
    """The StorageClass a claim asks for."""
    return follow_name(ctx, visit, dig(visit.obj or {}, "spec", "storageClassName"), "StorageClass",
                       EdgeRelation.USES_CLASS, f"storage class of claim {visit.ref.name}")


def mounting_pods(ctx: WalkContext, visit: Visit) -> list[Found]:
    """Pods that mount an alerting claim (a namespace list: there is no selector for volumes)."""
    found = []
    for pod in ctx.lookup.list("Pod", visit.ref.namespace):
        if any(claim == visit.ref.name for claim, _v in claim_names(pod_spec(pod))):
            ref = ResourceRef(kind="Pod", name=name_of(pod), namespace=visit.ref.namespace)
            found.append(Found(ref, pod, f"pod mounting claim {visit.ref.name}",
                               Edge(ref, visit.ref, EdgeRelation.MOUNTS), role=Role.FOCUS, via=Via.START))
    return found[: ctx.budget.max_pods_per_workload]
