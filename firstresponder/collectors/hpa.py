"""HorizontalPodAutoscaler status: bounds, current/desired replicas, metrics against targets."""

from __future__ import annotations

from typing import Any

from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.collectors.ids import evidence_id
from firstresponder.collectors.rollout import conditions_of
from firstresponder.collectors.times import parse_time
from firstresponder.models.evidence import ChangeKind, CollectorResult, Evidence, HpaFacts
from firstresponder.models.resource import ResourceRef
from firstresponder.topology.objects import as_dict, as_list, dig

NAME = "hpa.status"


def _metric_name(metric: dict[str, Any]) -> str:
    kind = str(metric.get("type", ""))
    body = as_dict(metric.get(kind[:1].lower() + kind[1:] if kind else ""))
    return str(body.get("name") or dig(body, "metric", "name") or kind)


def _value(target: dict[str, Any]) -> str:
    if target.get("averageUtilization") is not None:
        return f"{target['averageUtilization']}%"
    return str(target.get("averageValue") or target.get("value") or "?")


def metric_lines(hpa: dict[str, Any]) -> list[str]:
    """"cpu 95% / target 70%" per metric in spec.metrics, with the current value from status."""
    current = {_metric_name(as_dict(m)): as_dict(m) for m in as_list(dig(hpa, "status", "currentMetrics"))}
    lines = []
    for metric in as_list(dig(hpa, "spec", "metrics")):
        metric = as_dict(metric)
        name = _metric_name(metric)
        kind = str(metric.get("type", ""))
        key = kind[:1].lower() + kind[1:]
        target = as_dict(dig(metric, key, "target"))
        now = as_dict(dig(current.get(name, {}), key, "current"))
        lines.append(f"{name} {_value(now) if now else 'unknown'} / target {_value(target)}")
    return lines


def collect_hpa(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    out = ResultBuilder(ctx, NAME, ref)
    hpa = ctx.obj(ref)
    if hpa is None:
        out.skipped = True
        return out.result()
    spec, status = as_dict(hpa.get("spec")), as_dict(hpa.get("status"))
    target = as_dict(spec.get("scaleTargetRef"))
    facts = HpaFacts(hpa=ref.name,
                     target=ResourceRef(kind=str(target["kind"]), name=str(target["name"]), namespace=ref.namespace)
                     if target.get("kind") and target.get("name") else None,
                     min_replicas=int(spec.get("minReplicas", 1) or 1), max_replicas=int(spec.get("maxReplicas", 1) or 1),
                     current_replicas=int(status.get("currentReplicas", 0) or 0),
                     desired_replicas=int(status.get("desiredReplicas", 0) or 0),
                     metrics=metric_lines(hpa), conditions=conditions_of(hpa))
    at_max = facts.current_replicas >= facts.max_replicas
    summary = f"HPA {ref.name}: {facts.current_replicas} replicas (min {facts.min_replicas}, max " \
              f"{facts.max_replicas}{', at max' if at_max else ''})" + "".join(f"; {m}" for m in facts.metrics)
    evidence_key = evidence_id("hpa", ref.name)
    out.evidence.append(Evidence(id=evidence_key, resource=ref, summary=summary[:300],
                                 excerpt="\n".join(facts.metrics + [f"{k}: {v}" for k, v in facts.conditions.items()]),
                                 facts=facts))
    out.change(parse_time(status.get("lastScaleTime")), ref, ChangeKind.HPA,
               f"HPA {ref.name} scaled to {facts.current_replicas} replicas", actor="horizontal-pod-autoscaler",
               evidence_id=evidence_key)
    return out.result()
