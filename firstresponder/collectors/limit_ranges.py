"""LimitRanges of the namespace, checked against the containers of the topology's workloads and pods.

A LimitRange makes admission reject pods whose containers exceed ``max`` (or go below ``min``); the
ReplicaSet then logs FailedCreate and the workload silently stays short of replicas.
"""

from __future__ import annotations

from typing import Any

from firstresponder.collectors.config import last_change
from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.collectors.ids import evidence_id
from firstresponder.collectors.quantities import parse_quantity
from firstresponder.collectors.times import parse_time
from firstresponder.models.evidence import ChangeKind, CollectorResult, Evidence, QuotaFacts
from firstresponder.models.resource import ResourceRef
from firstresponder.topology.objects import as_dict, as_list, containers_of, dig, meta, name_of, pod_spec

NAME = "limitrange"
_SPEC_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod")


def violations(limit_range: dict[str, Any], owner: str, spec: dict[str, Any]) -> list[str]:
    """Container limits above ``max`` or requests below ``min`` of the Container-type limits."""
    found = []
    for item in (as_dict(i) for i in as_list(dig(limit_range, "spec", "limits"))):
        if item.get("type", "Container") != "Container":
            continue
        for container, _init in containers_of(spec):
            resources = as_dict(container.get("resources"))
            for resource, ceiling in as_dict(item.get("max")).items():
                value = as_dict(resources.get("limits")).get(resource)
                if value is not None and (parse_quantity(value) or 0) > (parse_quantity(ceiling) or 0):
                    found.append(f"{owner} container {container.get('name')} limits.{resource} {value} > max {ceiling}")
            for resource, floor in as_dict(item.get("min")).items():
                value = as_dict(resources.get("requests")).get(resource)
                if value is not None and (parse_quantity(value) or 0) < (parse_quantity(floor) or 0):
                    found.append(f"{owner} container {container.get('name')} requests.{resource} {value} < min {floor}")
    return found


def _limits(limit_range: dict[str, Any]) -> dict[str, str]:
    out = {}
    for item in (as_dict(i) for i in as_list(dig(limit_range, "spec", "limits"))):
        kind = item.get("type", "Container")
        for bound in ("max", "min", "default", "defaultRequest"):
            for resource, value in as_dict(item.get(bound)).items():
                out[f"{kind} {bound}.{resource}"] = str(value)
    return out


def collect_limit_ranges(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    """QuotaFacts per LimitRange (``exhausted``: the topology containers it rejects); ``ref`` is the Namespace."""
    out = ResultBuilder(ctx, NAME, ref)
    ranges = out.attempt(lambda: ctx.reader.list("LimitRange", ref.name), f"list LimitRange in {ref.name}")
    if ranges is not None and not ranges:
        out.skipped = True
    specs = [(n.ref.key, pod_spec(n.object)) for kind in _SPEC_KINDS for n in ctx.topology.of_kind(kind)
             if n.object is not None and n.ref.namespace == ref.name]
    for limit_range in ranges or []:
        name = name_of(limit_range)
        target = ResourceRef(kind="LimitRange", name=name, namespace=ref.name)
        broken = list(dict.fromkeys(v for owner, spec in specs for v in violations(limit_range, owner, spec)))
        created = parse_time(meta(limit_range).get("creationTimestamp"))
        facts = QuotaFacts(quota=name, exhausted=broken[:20], usage=_limits(limit_range))
        key = evidence_id("limitrange", name)
        summary = f"LimitRange {name}: " + (f"rejects {len(broken)} container(s): {broken[0]}" if broken
                                             else "no topology container exceeds it")
        out.evidence.append(Evidence(id=key, resource=target, summary=summary[:400], at=created,
                                     excerpt="\n".join(f"{k}: {v}" for k, v in facts.usage.items())[:2000],
                                     facts=facts))
        out.change(created, target, ChangeKind.CREATED, f"LimitRange {name} created", evidence_id=key)
        changed, manager = last_change(limit_range)
        if changed is not None and created is not None and changed > created:
            out.change(changed, target, ChangeKind.CREATED, f"LimitRange {name} changed", actor=manager,
                       evidence_id=key)
    return out.result()
