"""Configuration edges: ConfigMaps and Secrets a pod references (missing objects and keys kept)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import EdgeRelation
from firstresponder.topology.lookup import ReadFailed
from firstresponder.topology.objects import as_dict, pod_spec
from firstresponder.topology.references import ConfigReference, config_references, service_account
from firstresponder.topology.walk import Edge, Found, Visit, WalkContext


def object_keys(obj: dict[str, Any]) -> set[str]:
    """Keys of a ConfigMap (data, binaryData) or Secret (data, stringData)."""
    keys: set[str] = set()
    for field in ("data", "binaryData", "stringData"):
        keys |= set(as_dict(obj.get(field)))
    return keys


def reference_detail(ref: ConfigReference, obj: dict[str, Any] | None) -> str:
    """Edge detail: where it is used, the key, and whether the key is missing."""
    detail = ref.where + (f" (key {ref.key})" if ref.key else "")
    if obj is not None and ref.key and ref.key not in object_keys(obj):
        detail += f": key {ref.key} missing"
    if ref.optional:
        detail += " [optional]"
    return detail


def grouped_references(visit: Visit) -> dict[tuple[str, str], list[ConfigReference]]:
    """The pod's config references grouped by (kind, name), in spec order."""
    groups: dict[tuple[str, str], list[ConfigReference]] = {}
    for ref in config_references(pod_spec(visit.obj or {})):
        groups.setdefault((ref.kind, ref.name), []).append(ref)
    return groups


def config_object(ctx: WalkContext, visit: Visit, kind: str, name: str,
                  uses: Sequence[ConfigReference]) -> list[Found]:
    """One referenced ConfigMap/Secret: present, missing (404) or unreadable (gap recorded)."""
    target = ResourceRef(kind=kind, name=name, namespace=visit.ref.namespace)
    readable = True
    try:
        obj = ctx.lookup.get(kind, name, visit.ref.namespace)
    except ReadFailed:
        obj, readable = None, False
    relation = f"referenced by {uses[0].where}" + ("" if readable else " (unreadable)")
    return [Found(target, obj, relation, Edge(visit.ref, target, EdgeRelation.CONFIGURES, reference_detail(use, obj)),
                  missing=readable and obj is None) for use in uses]


def account(ctx: WalkContext, visit: Visit) -> list[Found]:
    """The pod's ServiceAccount."""
    name = service_account(pod_spec(visit.obj or {}))
    obj = ctx.lookup.get("ServiceAccount", name, visit.ref.namespace)
    ref = ResourceRef(kind="ServiceAccount", name=name, namespace=visit.ref.namespace)
    return [Found(ref, obj, "service account of the pod", Edge(visit.ref, ref, EdgeRelation.RUNS_AS),
                  missing=obj is None)]
