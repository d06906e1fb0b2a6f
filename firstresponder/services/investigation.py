"""The investigation use case: alert → topology → evidence → diagnosis → report."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Protocol

from firstresponder.analysis import diagnose
from firstresponder.collectors import collect_all, plan_collection
from firstresponder.kube.reader import ClusterReader
from firstresponder.models import (
    AffectedResource,
    Alert,
    Diagnosis,
    EvidenceBundle,
    Gap,
    Report,
    ReportEdge,
    ReportStats,
    Topology,
)
from firstresponder.models.evidence import Evidence
from firstresponder.models.report import ModelUsage
from firstresponder.services.failing import failing_resources
from firstresponder.topology import TopologyBudget, discover

Progress = Callable[[str], None]


class Refined(Protocol):
    diagnosis: Diagnosis
    extra_evidence: list[Evidence]
    usage: list[ModelUsage]
    gaps: list[Gap]


class Refiner(Protocol):
    """Model stages on top of the deterministic diagnosis (firstresponder.llm); optional."""

    def __call__(self, bundle: EvidenceBundle, diagnosis: Diagnosis) -> Refined: ...


def report_id(alert: Alert) -> str:
    """Stable id: the same incident replayed gives the same id (idempotent re-runs)."""
    basis = f"{alert.cluster}|{alert.fingerprint}|{alert.starts_at.isoformat()}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "firstresponder:" + basis))


def investigate(alert: Alert, reader: ClusterReader, *, now: datetime | None = None,
                weights: Mapping[str, float] | None = None, max_workers: int = 16,
                budget: TopologyBudget | None = None, progress: Progress | None = None,
                refiner: Refiner | None = None) -> Report:
    """Run one deterministic investigation against a cluster (live or simulated)."""
    say = progress or (lambda _msg: None)
    started = time.monotonic()
    at = now or alert.starts_at
    say(f"discovering the topology around {alert.scope}")
    topology, discovery_gaps = discover(reader, alert.resource, namespace=alert.namespace,
                                        budget=budget or TopologyBudget())
    say(f"collecting evidence from {len(topology.nodes)} resources")
    bundle = collect_all(reader, topology, alert, now=at, max_workers=max_workers)
    bundle = bundle.model_copy(update={"gaps": [*discovery_gaps, *bundle.gaps]})
    say("diagnosing")
    return build_report(alert, bundle, reader=reader, now=at, weights=weights, refiner=refiner,
                        duration_ms=int((time.monotonic() - started) * 1000))


def build_report(alert: Alert, bundle: EvidenceBundle, *, reader: ClusterReader | None, now: datetime,
                 weights: Mapping[str, float] | None = None, refiner: Refiner | None = None,
                 duration_ms: int = 0) -> Report:
    """Diagnose a collected bundle and assemble the report (also used by the state machine)."""
    diagnosis = diagnose(bundle, now, weights=weights)
    usage: list[ModelUsage] = []
    if refiner is not None:
        refined = refiner(bundle, diagnosis)
        diagnosis, usage = refined.diagnosis, refined.usage
        bundle = bundle.model_copy(update={"evidence": [*bundle.evidence, *refined.extra_evidence],
                                           "gaps": [*bundle.gaps, *refined.gaps]})
    stats = ReportStats(model_usage=usage, duration_ms=duration_ms, resources_examined=len(bundle.topology.nodes),
                        collectors_run=len(plan_collection(bundle.topology)))  # the steps path counts its tasks
    if reader is not None:
        stats.api_requests = reader.stats.requests
        stats.api_bytes = reader.stats.bytes
        stats.api_errors = dict(reader.stats.errors)
    changes = sorted(bundle.changes, key=lambda c: c.at)
    for change in changes:
        change.seconds_before_alert = (alert.starts_at - change.at).total_seconds()
    return Report(
        id=report_id(alert),
        alert=alert,
        investigated_at=now,
        cluster=alert.cluster,
        affected_resources=affected_resources(bundle.topology, failing_resources(bundle)),
        edges=[ReportEdge(source=e.source, target=e.target, relation=e.relation.value, detail=e.detail)
               for e in bundle.topology.edges],
        root_cause=diagnosis.root_cause,
        hypotheses=diagnosis.hypotheses,
        remediation=diagnosis.remediation,
        evidence=bundle.evidence,
        changes=changes,
        gaps=bundle.gaps,
        stats=stats,
    )


def affected_resources(topology: Topology, failing: set[str]) -> list[AffectedResource]:
    nodes = sorted(topology.nodes.values(), key=lambda n: (n.depth, n.ref.kind, n.ref.name))
    return [AffectedResource(kind=n.ref.kind, namespace=n.ref.namespace, name=n.ref.name,
                             relation=("missing: " if n.missing else "") + n.relation,
                             failing=n.ref.key in failing)
            for n in nodes]
