"""Container CPU and memory usage from metrics.k8s.io (when the cluster serves it)."""

from __future__ import annotations

from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.collectors.ids import evidence_id
from firstresponder.collectors.quantities import millicores, parse_quantity
from firstresponder.models.evidence import CollectorResult, Evidence, UsageFacts
from firstresponder.models.resource import ResourceRef
from firstresponder.topology.objects import as_dict, as_list, containers_of, pod_spec

NAME = "pod.usage"


def collect_usage(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    """UsageFacts per container with its limits, from PodMetrics."""
    out = ResultBuilder(ctx, NAME, ref)
    pod = ctx.obj(ref)
    if pod is None or not out.attempt(ctx.reader.metrics_available, "metrics.k8s.io discovery"):
        out.skipped = True
        return out.result()
    metrics = out.attempt(lambda: ctx.reader.get("PodMetrics", ref.name, ref.namespace), f"metrics of {ref.key}")
    if metrics is None:
        out.skipped = True
        return out.result()
    limits = {str(c.get("name")): as_dict(as_dict(c.get("resources")).get("limits"))
              for c, _init in containers_of(pod_spec(pod))}
    for item in as_list(metrics.get("containers")):
        item = as_dict(item)
        name = str(item.get("name", ""))
        usage = as_dict(item.get("usage"))
        limit = limits.get(name, {})
        memory = parse_quantity(usage.get("memory")) if usage.get("memory") else None
        memory_limit = parse_quantity(limit.get("memory")) if limit.get("memory") else None
        facts = UsageFacts(
            pod=ref.name, container=name,
            cpu_millicores=millicores(usage.get("cpu")) if usage.get("cpu") else None,
            memory_bytes=int(memory) if memory is not None else None,
            memory_limit_bytes=int(memory_limit) if memory_limit is not None else None,
            cpu_limit_millicores=millicores(limit.get("cpu")) if limit.get("cpu") else None)
        share = ""
        if facts.memory_bytes is not None and facts.memory_limit_bytes:
            share = f" ({100 * facts.memory_bytes / facts.memory_limit_bytes:.0f}% of its memory limit)"
        out.evidence.append(Evidence(
            id=evidence_id("usage", ref.name, name), resource=ref,
            summary=f"{ref.name}/{name} uses cpu {usage.get('cpu', '?')}, memory {usage.get('memory', '?')}{share}",
            excerpt=f"usage: {usage}\nlimits: {limit}", facts=facts))
    return out.result()
