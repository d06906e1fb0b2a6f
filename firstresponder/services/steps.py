"""The investigation as state-machine steps (Discover → Collect (Map) → Analyse → Publish, and
RecordFailure). Only ids and small summaries travel between steps; topology and collector results
are artifacts in DynamoDB. The local engine (services.investigation) runs the same functions."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from firstresponder.collectors import (
    CollectionTask,
    assemble_bundle,
    plan_collection,
    plan_followups,
    run_task,
)
from firstresponder.kube.reader import ClusterReader
from firstresponder.learning.history import history_lines
from firstresponder.learning.weights import category_weights
from firstresponder.models import (
    Category,
    Confidence,
    ConfidenceLevel,
    EvidenceBundle,
    Gap,
    ResourceRef,
    RootCause,
)
from firstresponder.models.evidence import CollectorResult
from firstresponder.models.topology import Topology
from firstresponder.services.investigation import Refiner, build_report
from firstresponder.services.publishing import post_to_slack, store_report
from firstresponder.slack.gateway import SlackGateway
from firstresponder.slack.routing import SlackRouting
from firstresponder.storage.artifacts import ArtifactStore
from firstresponder.storage.feedback import FeedbackStore
from firstresponder.storage.investigations import InvestigationStore
from firstresponder.storage.records import InvestigationRecord, InvestigationStatus
from firstresponder.topology import TopologyBudget, discover

TOPOLOGY = "TOPOLOGY"


class KubeThrottled(Exception):
    """The API server said 429: Step Functions retries the task with backoff."""


class KubeTransient(Exception):
    """A 5xx, timeout or reset: Step Functions retries; after that the task becomes a gap."""


class StoredTopology(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topology: Topology
    gaps: list[Gap]
    api_requests: int = 0  # what discovery cost
    api_bytes: int = 0


class TaskItem(BaseModel):
    """One Map item (small: the collector name and a resource reference)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    taskId: str
    collector: str
    resource: ResourceRef


@dataclass
class StepDeps:
    investigations: InvestigationStore
    artifacts: ArtifactStore
    feedback: FeedbackStore
    connect: Callable[[str | None], ClusterReader]  # cluster name -> read-only reader
    clock: Callable[[], datetime]
    slack: SlackGateway | None = None
    routing: SlackRouting | None = None
    refiner: Refiner | None = None
    report_url: Callable[[str], str | None] = lambda _id: None


def _record(deps: StepDeps, investigation_id: str) -> InvestigationRecord:
    record = deps.investigations.get(investigation_id)
    if record is None:
        raise LookupError(f"investigation {investigation_id} is not stored")
    return record


def discover_step(investigation_id: str, deps: StepDeps) -> dict[str, Any]:
    record = _record(deps, investigation_id)
    now = deps.clock()
    deps.investigations.update(record.model_copy(update={"status": InvestigationStatus.RUNNING, "updated_at": now}),
                               expected={InvestigationStatus.ACCEPTED, InvestigationStatus.RUNNING})
    alert = record.alert
    reader = deps.connect(alert.cluster)
    topology, gaps = discover(reader, alert.resource, namespace=alert.namespace, budget=TopologyBudget())
    deps.artifacts.put(investigation_id, TOPOLOGY, StoredTopology(
        topology=topology, gaps=gaps, api_requests=reader.stats.requests, api_bytes=reader.stats.bytes), now=now)
    tasks = plan_collection(topology)
    items = [TaskItem(taskId=f"t{n:03d}", collector=t.collector, resource=t.resource) for n, t in enumerate(tasks)]
    return {"tasks": [i.model_dump(mode="json") for i in items]}


def collect_step(investigation_id: str, task: dict[str, Any], deps: StepDeps) -> dict[str, Any]:
    item = TaskItem.model_validate(task)
    record = _record(deps, investigation_id)
    stored = deps.artifacts.get(investigation_id, TOPOLOGY, StoredTopology)
    if stored is None:
        raise LookupError(f"topology of {investigation_id} is not stored")
    reader = deps.connect(record.alert.cluster)
    result = run_task(reader, CollectionTask(collector=item.collector, resource=item.resource),
                      stored.topology, record.alert, record.alert.starts_at)
    statuses = {g.status for g in result.gaps}
    if 429 in statuses:
        raise KubeThrottled(f"{item.collector} on {item.resource.key}: 429")
    if statuses & {500, 502, 503, 504} or any(g.reason in ("timeout", "connection error") for g in result.gaps):
        raise KubeTransient(f"{item.collector} on {item.resource.key}: transient API failure")
    result.api_bytes = reader.stats.bytes  # this invocation's own reader: only this task's reads
    deps.artifacts.put(investigation_id, f"RESULT{item.taskId}", result, now=deps.clock())
    # Follow-ups (cluster DNS when logs show DNS failures, hosts named only in error logs) run here,
    # in the same invocation; named by task so two collectors asking for the same one store it once.
    for followup in plan_followups(stored.topology, [result]):
        name = "RESULTF" + hashlib.sha256(followup.key.encode()).hexdigest()[:16]
        if deps.artifacts.get(investigation_id, name, CollectorResult) is None:
            extra = run_task(reader, followup, stored.topology, record.alert, record.alert.starts_at)
            deps.artifacts.put(investigation_id, name, extra, now=deps.clock())
    return {"taskId": item.taskId, "status": result.status}


def _bundle(investigation_id: str, record: InvestigationRecord, deps: StepDeps,
            collected: list[dict[str, Any]], results: list[CollectorResult]) -> EvidenceBundle:
    stored = deps.artifacts.get(investigation_id, TOPOLOGY, StoredTopology)
    topology = stored.topology if stored else Topology(root=record.alert.resource or ResourceRef(
        kind="Namespace", name=record.alert.namespace or "default"))
    gaps = list(stored.gaps if stored else [])
    gaps += [Gap(what=f"collection task {c.get('taskId')}", reason=f"failed after retries: {c.get('error')}")
             for c in collected if c.get("status") == "failed"]
    return assemble_bundle(record.alert, topology, results, gaps)


def analyse_step(investigation_id: str, collected: list[dict[str, Any]], deps: StepDeps) -> dict[str, Any]:
    record = _record(deps, investigation_id)
    now = deps.clock()
    results = _results(investigation_id, deps)
    bundle = _bundle(investigation_id, record, deps, collected, results)
    alert = record.alert
    weights = category_weights(deps.feedback.tallies(alert.cluster, alert.namespace), now)
    report = build_report(alert, bundle, reader=None, now=alert.starts_at, weights=weights, refiner=deps.refiner,
                          duration_ms=int((now - record.created_at).total_seconds() * 1000))
    report.id = investigation_id
    stored = deps.artifacts.get(investigation_id, TOPOLOGY, StoredTopology)
    report.stats.api_requests = sum(r.api_requests for r in results) + (stored.api_requests if stored else 0)
    report.stats.api_bytes = sum(r.api_bytes for r in results) + (stored.api_bytes if stored else 0)
    report.stats.collectors_run = len(results)
    report.history = _history(record, deps, now)
    deps.investigations.save_report(report, at=now)
    return {"category": report.root_cause.category.value, "confidence": report.root_cause.confidence.level.value}


def _results(investigation_id: str, deps: StepDeps) -> list[CollectorResult]:
    return [r for name in deps.artifacts.list_names(investigation_id, "RESULT")
            if (r := deps.artifacts.get(investigation_id, name, CollectorResult)) is not None]


def _history(record: InvestigationRecord, deps: StepDeps, now: datetime) -> list[str]:
    workload = record.incident_key.rsplit("/", 1)[-1]
    earlier = [r for r in deps.investigations.recent(record.alert.cluster, record.alert.namespace, workload)
               if r.id != record.id]
    feedback = [f for r in earlier[:10] for f in deps.feedback.for_investigation(r.id)]
    return history_lines(workload=workload, previous=[(r.created_at, r.summary) for r in earlier],
                         feedback=feedback, now=now)


def publish_step(investigation_id: str, deps: StepDeps) -> dict[str, Any]:
    record = _record(deps, investigation_id)
    report = deps.investigations.load_report(investigation_id)
    if report is None:
        raise LookupError(f"report of {investigation_id} is not stored")
    stored = store_report(report, record, deps.investigations, now=deps.clock())
    posted = post_to_slack(report, stored, deps.investigations, slack=deps.slack, routing=deps.routing,
                           report_url=deps.report_url(investigation_id))
    return {"status": posted.status.value}


def record_failure_step(investigation_id: str, failure: dict[str, Any], deps: StepDeps) -> dict[str, Any]:
    """Store and post what was found even when the pipeline failed; the reason is in the report."""
    record = _record(deps, investigation_id)
    if record.status.finished:  # already stored and posted (e.g. the FAILED status event after a Catch)
        return {"status": record.status.value}
    now = deps.clock()
    error = f"{failure.get('Error', 'error')}: {str(failure.get('Cause', ''))[:300]}"
    bundle = _bundle(investigation_id, record, deps, [], _results(investigation_id, deps))
    bundle.gaps.append(Gap(what="investigation pipeline", reason=f"failed: {error}"))
    report = build_report(record.alert, bundle, reader=None, now=record.alert.starts_at)
    report.id = investigation_id
    if not bundle.evidence:
        report.root_cause = RootCause(
            summary="The investigation could not complete; no diagnosis was possible",
            detail=error, category=Category.UNKNOWN,
            resource=record.alert.resource or ResourceRef(kind="Namespace", name=record.alert.namespace or "default"),
            confidence=Confidence(level=ConfidenceLevel.LOW, score=0.0, reasons=["pipeline failure"]),
            verification="Re-run the investigation, or check the cluster connection and the RBAC of the reader role")
        report.remediation = []
    stored = store_report(report, record, deps.investigations, now=now, failed=True, error=error)
    post_to_slack(report, stored, deps.investigations, slack=deps.slack, routing=deps.routing,
                  report_url=deps.report_url(investigation_id))
    return {"status": InvestigationStatus.FAILED.value}


class StepEvent(BaseModel):
    """What the state machine passes to Discover and Publish."""

    model_config = ConfigDict(extra="ignore")

    investigationId: str


class CollectEvent(StepEvent):
    task: dict[str, Any]


class AnalyseEvent(StepEvent):
    collected: list[dict[str, Any]] = []


class FailureEvent(StepEvent):
    failure: dict[str, Any] = {}
