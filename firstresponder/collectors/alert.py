"""The alert itself as evidence (metric, threshold, datapoints), so conclusions can cite it."""

from __future__ import annotations

from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.models.evidence import AlertFacts, CollectorResult, Evidence
from firstresponder.models.resource import ResourceRef

NAME = "alert"


def collect_alert(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    out = ResultBuilder(ctx, NAME, ref)
    alert, metric = ctx.alert, ctx.alert.metric
    facts = AlertFacts(name=alert.name, metric=metric.name if metric else None,
                       threshold=metric.threshold if metric else None,
                       datapoints=list(metric.datapoints) if metric else [])
    detail = ""
    if metric is not None:
        detail = f" ({metric.name} {metric.comparison or ''} {metric.threshold}, datapoints {metric.datapoints[:5]})"
    out.evidence.append(Evidence(id="ev-alert", resource=ref, summary=f"alert {alert.name}: {alert.title}{detail}"[:300],
                                 excerpt=(alert.description or (metric.reason if metric and metric.reason else ""))[:2000],
                                 at=alert.starts_at, facts=facts))
    return out.result()
