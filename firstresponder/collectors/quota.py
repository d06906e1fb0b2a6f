"""ResourceQuota usage of the namespace: what is exhausted."""

from __future__ import annotations

from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.collectors.ids import evidence_id
from firstresponder.collectors.quantities import parse_quantity
from firstresponder.models.evidence import CollectorResult, Evidence, QuotaFacts
from firstresponder.models.resource import ResourceRef
from firstresponder.topology.objects import as_dict, dig, name_of

NAME = "quota"


def collect_quota(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    """QuotaFacts per ResourceQuota of the namespace (``ref`` is the Namespace)."""
    out = ResultBuilder(ctx, NAME, ref)
    quotas = out.attempt(lambda: ctx.reader.list("ResourceQuota", ref.name), f"list ResourceQuota in {ref.name}")
    for quota in quotas or []:
        hard = as_dict(dig(quota, "status", "hard")) or as_dict(dig(quota, "spec", "hard"))
        used = as_dict(dig(quota, "status", "used"))
        usage = {str(k): f"{used.get(k, '0')}/{v}" for k, v in hard.items()}
        exhausted = []
        for key, limit in hard.items():
            limit_amount, used_amount = parse_quantity(limit), parse_quantity(used.get(key, "0"))
            if limit_amount is not None and used_amount is not None and used_amount >= limit_amount:
                exhausted.append(f"{key} {used.get(key, '0')}/{limit}")
        name = name_of(quota)
        facts = QuotaFacts(quota=name, exhausted=exhausted, usage=usage)
        summary = f"ResourceQuota {name}: " + ("exhausted " + ", ".join(exhausted) if exhausted else "within limits")
        out.evidence.append(Evidence(id=evidence_id("quota", name),
                                     resource=ResourceRef(kind="ResourceQuota", name=name, namespace=ref.name),
                                     summary=summary, excerpt="\n".join(f"{k}: {v}" for k, v in usage.items()),
                                     facts=facts))
    if quotas is not None and not quotas:
        out.skipped = True
    return out.result()
