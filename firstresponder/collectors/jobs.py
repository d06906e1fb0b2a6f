"""Job and CronJob status: completions, failures, BackoffLimitExceeded, schedule."""

from __future__ import annotations

from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.collectors.ids import evidence_id
from firstresponder.collectors.rollout import conditions_of
from firstresponder.collectors.times import parse_time
from firstresponder.models.evidence import ChangeKind, CollectorResult, Evidence, RolloutFacts
from firstresponder.models.resource import ResourceRef
from firstresponder.topology.objects import as_dict, as_list, dig, meta

NAME = "job.status"


def collect_job(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    """RolloutFacts of a Job (desired=completions, ready=active, available=succeeded) or a CronJob."""
    out = ResultBuilder(ctx, NAME, ref)
    obj = ctx.obj(ref)
    if obj is None:
        out.skipped = True
        return out.result()
    status = as_dict(obj.get("status"))
    evidence_key = evidence_id("job", ref.kind, ref.name)
    if ref.kind == "CronJob":
        conditions = {"Suspended": str(bool(dig(obj, "spec", "suspend")))}
        for field in ("lastScheduleTime", "lastSuccessfulTime"):
            if status.get(field):
                conditions[field] = str(status[field])
        facts = RolloutFacts(workload=ref, desired=1, ready=len(as_list(status.get("active"))), conditions=conditions)
        summary = f"CronJob {ref.name} ({dig(obj, 'spec', 'schedule')}): last scheduled " \
                  f"{status.get('lastScheduleTime', 'never')}, last successful {status.get('lastSuccessfulTime', 'never')}"
    else:
        conditions = conditions_of(obj)
        failed = int(status.get("failed", 0) or 0)
        facts = RolloutFacts(workload=ref, desired=int(dig(obj, "spec", "completions") or 1),
                             ready=int(status.get("active", 0) or 0), available=int(status.get("succeeded", 0) or 0),
                             conditions=conditions)
        summary = f"Job {ref.name}: {facts.available}/{facts.desired} succeeded, {failed} failed, " \
                  f"backoffLimit {dig(obj, 'spec', 'backoffLimit')}"
        if conditions.get("Failed", "").startswith("True"):
            summary += f"; failed ({conditions['Failed'].split(': ', 1)[-1]})"
        out.change(parse_time(meta(obj).get("creationTimestamp")), ref, ChangeKind.CREATED, f"Job {ref.name} started",
                   evidence_id=evidence_key)
    out.evidence.append(Evidence(id=evidence_key, resource=ref, summary=summary,
                                 excerpt="\n".join(f"{k}: {v}" for k, v in facts.conditions.items()), facts=facts))
    return out.result()
