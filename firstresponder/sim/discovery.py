"""Legacy discovery documents (``/api``, ``/apis``, APIResourceLists) as kubectl 1.32 falls back to them."""

from __future__ import annotations

from typing import Any

from firstresponder.sim.resources import ResourceCatalog, ResourceType

VERBS = ["get", "list", "watch"]
SERVER_VERSION = {"major": "1", "minor": "32", "gitVersion": "v1.32.0-firstresponder-sim",
                  "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
                  "buildDate": "2024-12-11T00:00:00Z", "goVersion": "go1.23.3", "compiler": "gc",
                  "platform": "linux/amd64"}


def api_versions(server_address: str) -> dict[str, Any]:
    """``/api``: the core group's versions."""
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]}


def api_group_list(catalog: ResourceCatalog) -> dict[str, Any]:
    """``/apis``: every named group with its one served version."""
    return {"kind": "APIGroupList", "apiVersion": "v1",
            "groups": [group for name, group in _groups(catalog).items() if name]}


def api_group(catalog: ResourceCatalog, name: str) -> dict[str, Any] | None:
    """``/apis/<group>``, or None when the group is not served."""
    group = _groups(catalog).get(name) if name else None
    return {"kind": "APIGroup", "apiVersion": "v1", **group} if group else None


def _groups(catalog: ResourceCatalog) -> dict[str, dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for group_version, types in catalog.group_versions().items():
        group = types[0].group
        entry = {"groupVersion": group_version, "version": types[0].version}
        found = groups.setdefault(group, {"name": group, "versions": [], "preferredVersion": entry})
        found["versions"].append(entry)
    return groups


def api_resource_list(catalog: ResourceCatalog, group_version: str) -> dict[str, Any] | None:
    """The APIResourceList of one group/version (with ``pods/log`` in core v1), or None if not served."""
    types = catalog.group_versions().get(group_version)
    if not types:
        return None
    resources = []
    for resource in types:
        resources.append(_resource_entry(resource))
        if resource.kind == "Pod" and resource.group == "":
            resources.append({"name": "pods/log", "singularName": "", "namespaced": True, "kind": "Pod",
                              "verbs": ["get"]})
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources}


def _resource_entry(resource: ResourceType) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": resource.plural, "singularName": resource.singular,
                             "namespaced": resource.namespaced, "kind": resource.kind, "verbs": list(VERBS)}
    if resource.short_names:
        entry["shortNames"] = list(resource.short_names)
    if resource.categories:
        entry["categories"] = list(resource.categories)
    return entry
