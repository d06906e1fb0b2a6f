"""Adjacent failures: other Deployments of the namespace with unavailable replicas."""

from __future__ import annotations

from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.collectors.ids import evidence_id
from firstresponder.models.evidence import CollectorResult, Evidence, WorkloadHealthFacts
from firstresponder.models.resource import ResourceRef
from firstresponder.topology.objects import name_of, workload_problem

NAME = "namespace.health"
MAX_REPORTED = 10


def collect_namespace_health(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    """WorkloadHealthFacts for unhealthy Deployments outside the topology (``ref`` is the Namespace)."""
    out = ResultBuilder(ctx, NAME, ref)
    deployments = out.attempt(lambda: ctx.reader.list("Deployment", ref.name), f"list Deployment in {ref.name}")
    for deployment in sorted(deployments or [], key=name_of):
        workload = ResourceRef(kind="Deployment", name=name_of(deployment), namespace=ref.name)
        problem = workload_problem(deployment)
        if problem is None or ctx.node(workload) is not None:
            continue
        out.evidence.append(Evidence(
            id=evidence_id("health", "deployment", workload.name), resource=workload,
            summary=f"adjacent failure: Deployment {workload.name} in {ref.name} has {problem}",
            facts=WorkloadHealthFacts(resource=workload, problem=problem)))
        if len(out.evidence) >= MAX_REPORTED:
            break
    out.skipped = deployments is not None and not out.evidence
    return out.result()
