"""The local engine: runs every planned task in a bounded thread pool and assembles the bundle.

Each task is independent (a Lambda invocation per task under Step Functions): ``run_task`` needs
only the task, the topology, the alert and ``now``; failures degrade into gaps.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from firstresponder.collectors.context import CollectionContext, CountingReader, gap_of
from firstresponder.collectors.planning import CollectionTask, plan_collection, plan_followups
from firstresponder.collectors.registry import COLLECTORS
from firstresponder.kube.reader import ClusterReader, KubeApiError
from firstresponder.models.alert import Alert
from firstresponder.models.evidence import CollectorResult, Evidence, EvidenceBundle, Gap
from firstresponder.models.topology import Topology


def run_task(reader: ClusterReader, task: CollectionTask, topology: Topology, alert: Alert,
             now: datetime) -> CollectorResult:
    """One collector on one resource; never raises (an unknown collector or a crash becomes a gap)."""
    counting = CountingReader(reader)
    ctx = CollectionContext(reader=counting, topology=topology, alert=alert, now=now)
    collector = COLLECTORS.get(task.collector)
    what = f"collector {task.collector} on {task.resource.key}"
    if collector is None:
        result = CollectorResult(collector=task.collector, resource=task.resource, status="error",
                                 gaps=[Gap(what=what, reason="unknown collector", resource=task.resource)])
    else:
        try:
            result = collector(ctx, task.resource)
        except KubeApiError as err:
            result = CollectorResult(collector=task.collector, resource=task.resource, status="error",
                                     gaps=[gap_of(err, what, task.resource)])
        except Exception as err:
            result = CollectorResult(collector=task.collector, resource=task.resource, status="error",
                                     gaps=[Gap(what=what, reason=f"{type(err).__name__}: {err}",
                                               resource=task.resource)])
    result.api_requests = counting.requests
    return result


def assemble_bundle(alert: Alert, topology: Topology, results: Iterable[CollectorResult],
                    gaps: Iterable[Gap] = ()) -> EvidenceBundle:
    """Merge results: unique evidence ids, changes in time order, gaps de-duplicated."""
    evidence: list[Evidence] = []
    seen: dict[str, int] = {}
    changes = []
    all_gaps: dict[str, Gap] = {g.what: g for g in gaps}
    for result in results:
        renamed: dict[str, str] = {}
        for item in result.evidence:
            seen[item.id] = seen.get(item.id, 0) + 1
            if seen[item.id] > 1:  # same name in two namespaces: keep both, distinctly
                renamed[item.id] = f"{item.id}-{seen[item.id]}"
                item = item.model_copy(update={"id": renamed[item.id]})
            evidence.append(item)
        for change in result.changes:
            if change.evidence_id in renamed:
                change = change.model_copy(update={"evidence_id": renamed[change.evidence_id]})
            changes.append(change)
        for gap in result.gaps:
            all_gaps.setdefault(gap.what, gap)
    changes.sort(key=lambda c: c.at)
    return EvidenceBundle(alert=alert, topology=topology, evidence=evidence, changes=changes,
                          gaps=list(all_gaps.values()))


def collect_all(reader: ClusterReader, topology: Topology, alert: Alert, *, now: datetime, max_workers: int = 16,
                gaps: Iterable[Gap] = ()) -> EvidenceBundle:
    """Plan, run every task in parallel (then the follow-ups), and assemble the EvidenceBundle."""
    tasks = plan_collection(topology)
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        results = list(pool.map(lambda t: run_task(reader, t, topology, alert, now), tasks))
        followups = plan_followups(topology, results)
        results += list(pool.map(lambda t: run_task(reader, t, topology, alert, now), followups))
    return assemble_bundle(alert, topology, results, gaps)
