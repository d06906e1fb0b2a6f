"""ObjectMeta with uid/resourceVersion/managedFields, and ownerReferences, as the API server fills them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tools.scenarios import ids
from tools.scenarios.cluster import Cluster, Obj


def fields_of(value: Any) -> Any:
    """An approximation of fieldsV1 for a value: every map key as ``f:key``, named list items as ``k:``."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, sub in value.items():
            out[f"f:{key}"] = fields_of(sub)
            if isinstance(sub, dict) and sub:
                out[f"f:{key}"]["."] = {}
        return out
    if isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
        out = {}
        for item in value:
            if "name" in item:
                key = "k:" + json.dumps({"name": item["name"]}, separators=(",", ":"))
            elif "containerPort" in item:
                key = "k:" + json.dumps({"containerPort": item["containerPort"], "protocol": item.get("protocol", "TCP")},
                                        separators=(",", ":"))
            elif "type" in item:
                key = "k:" + json.dumps({"type": item["type"]}, separators=(",", ":"))
            else:
                continue
            out[key] = {".": {}, **fields_of(item)}
        return out
    return {}


def managed(manager: str, at: datetime, fields: dict[str, Any], *, operation: str = "Update",
            api_version: str = "v1", subresource: str | None = None) -> Obj:
    """One managedFields entry."""
    entry: Obj = {"apiVersion": api_version, "fieldsType": "FieldsV1", "fieldsV1": fields,
                  "manager": manager, "operation": operation, "time": ids.ts(at)}
    if subresource:
        entry["subresource"] = subresource
    return entry


def metadata(c: Cluster, kind: str, name: str, namespace: str | None, created: datetime, *,
             labels: dict[str, str] | None = None, annotations: dict[str, str] | None = None,
             owner: Obj | None = None, generation: int | None = None,
             managed_fields: list[Obj] | None = None, finalizers: list[str] | None = None,
             generate_name: str | None = None) -> Obj:
    meta: Obj = {"creationTimestamp": ids.ts(created), "name": name,
                 "resourceVersion": c.next_rv(), "uid": c.uid(kind, namespace, name)}
    if namespace:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = dict(labels)
    if annotations:
        meta["annotations"] = dict(annotations)
    if owner is not None:
        meta["ownerReferences"] = [owner_ref(owner)]
    if generation is not None:
        meta["generation"] = generation
    if managed_fields:
        meta["managedFields"] = managed_fields
    if finalizers:
        meta["finalizers"] = finalizers
    if generate_name:
        meta["generateName"] = generate_name
    return meta


def owner_ref(owner: Obj, *, controller: bool = True) -> Obj:
    return {"apiVersion": owner["apiVersion"], "blockOwnerDeletion": True, "controller": controller,
            "kind": owner["kind"], "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"]}


def last_applied(obj: Obj) -> str:
    """The kubectl.kubernetes.io/last-applied-configuration annotation value for a manifest."""
    return json.dumps(obj, separators=(",", ":"), sort_keys=True) + "\n"


def manifest_meta(name: str, namespace: str | None, labels: dict[str, str] | None = None,
                  annotations: dict[str, str] | None = None) -> Obj:
    """The metadata block a user writes in a manifest (for last-applied-configuration)."""
    meta: Obj = {"annotations": dict(annotations or {}), "name": name}
    if labels:
        meta["labels"] = dict(labels)
    if namespace:
        meta["namespace"] = namespace
    return meta
