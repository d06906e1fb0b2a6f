"""Dependency edges: in-cluster Services and external hosts named in env and ConfigMap values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import EdgeRelation
from firstresponder.topology.hosts import HostMention, cluster_names, hosts_in_text
from firstresponder.topology.lookup import ReadFailed
from firstresponder.topology.objects import as_dict, as_list, containers_of, pod_spec
from firstresponder.topology.references import config_references
from firstresponder.topology.walk import Edge, Found, Role, Visit, WalkContext


def host_mentions(pod: dict[str, Any], namespace: str,
                  configmaps: Mapping[str, dict[str, Any] | None]) -> list[HostMention]:
    """Hosts in literal env values and in the values of the ConfigMaps the pod uses (by name)."""
    spec = pod_spec(pod)
    mentions: list[HostMention] = []
    for container, _init in containers_of(spec):
        cname = container.get("name", "")
        for env in as_list(container.get("env")):
            env = as_dict(env)
            if isinstance(env.get("value"), str):
                var = str(env.get("name", ""))
                mentions += [HostMention(h, p, f"env {var} of container {cname}")
                             for h, p in hosts_in_text(env["value"], variable=var)]
    for ref in config_references(spec):
        if ref.kind != "ConfigMap":
            continue
        data = as_dict((configmaps.get(ref.name) or {}).get("data"))
        keys = [ref.key] if ref.key else sorted(data)
        for key in keys:
            value = data.get(key)
            if isinstance(value, str):
                variable = ref.env_var or key
                mentions += [HostMention(h, p, f"ConfigMap/{namespace}/{ref.name} key {key}")
                             for h, p in hosts_in_text(value, variable=variable)]
    unique: dict[str, HostMention] = {}
    for mention in mentions:
        unique.setdefault(mention.host, mention)
    return list(unique.values())


def dependencies(ctx: WalkContext, visit: Visit) -> list[Found]:
    """Resolve each mentioned host to a Service (present or missing) or an External node."""
    ns = visit.ref.namespace or "default"
    names = {r.name for r in config_references(pod_spec(visit.obj or {})) if r.kind == "ConfigMap"}
    configmaps: dict[str, dict[str, Any] | None] = {}
    for name in sorted(names):  # memoised: the configuration expander reads the same objects
        try:
            configmaps[name] = ctx.lookup.get("ConfigMap", name, ns)
        except ReadFailed:
            configmaps[name] = None
    mentions = host_mentions(visit.obj or {}, ns, configmaps)
    if not mentions:
        return []
    # Several hosts resolve independently; a private pool avoids waiting on the walk's own pool.
    with ThreadPoolExecutor(max_workers=min(4, len(mentions))) as pool:
        results = list(pool.map(lambda m: _resolve(ctx, visit, ns, m), mentions))
    return [found for found in results if found is not None]


@dataclass(frozen=True)
class Resolution:
    """What a host is: an existing Service, a missing in-cluster Service, or external (ref kind External)."""

    ref: ResourceRef
    service: dict[str, Any] | None
    missing: bool


def resolve_host(host: str, namespace: str, get_service: Callable[[str, str], dict[str, Any] | None],
                 namespace_exists: Callable[[str], bool]) -> Resolution:
    """Resolve a host the way cluster DNS would, with the reads passed in (they may raise)."""
    names = cluster_names(host, namespace)
    for name in names:
        service = get_service(name.service, name.namespace)
        if service is not None:
            return Resolution(ResourceRef(kind="Service", name=name.service, namespace=name.namespace), service, False)
    for name in names:
        if name.certain or namespace_exists(name.namespace):
            return Resolution(ResourceRef(kind="Service", name=name.service, namespace=name.namespace), None, True)
    return Resolution(ResourceRef(kind="External", name=host), None, False)


def _resolve(ctx: WalkContext, visit: Visit, ns: str, mention: HostMention) -> Found | None:
    port = f":{mention.port}" if mention.port else ""
    detail = f"{mention.found_in}: {mention.host}{port}"
    relation = f"dependency via {mention.found_in}"
    try:
        resolved = resolve_host(mention.host, ns, lambda name, namespace: ctx.lookup.get("Service", name, namespace),
                                lambda namespace: _namespace_exists(ctx, namespace))
    except ReadFailed:
        return None
    if resolved.ref == visit.ref:
        return None
    if resolved.ref.kind == "External":
        relation = f"external {relation}"
        return Found(resolved.ref, None, relation, Edge(visit.ref, resolved.ref, EdgeRelation.DEPENDS_ON, detail))
    return Found(resolved.ref, resolved.service, relation,
                 Edge(visit.ref, resolved.ref, EdgeRelation.DEPENDS_ON, detail), role=Role.DEPENDENCY,
                 missing=resolved.missing)


def _namespace_exists(ctx: WalkContext, namespace: str) -> bool:
    try:
        return ctx.lookup.get("Namespace", namespace, None) is not None
    except ReadFailed:
        return False
