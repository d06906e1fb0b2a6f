"""Shared helpers for collector tests: an alert, a discovered payments topology, one-task runs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from firstresponder.collectors import CollectionTask, run_task
from firstresponder.models import Alert, AlertSource, CollectorResult, ResourceRef, Topology
from firstresponder.topology import discover
from tests.support.memory_cluster import MemoryCluster
from tests.unit.topology.cluster_fixtures import NS, payments_cluster

ALERT_AT = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 28, 3, 5, tzinfo=UTC)
POD = ResourceRef(kind="Pod", name="payments-api-7d9f8b6c5d-x2x9z", namespace=NS)


def alert_for(resource: ResourceRef | None = POD) -> Alert:
    return Alert(source=AlertSource.ALERTMANAGER, name="KubePodCrashLooping", title="Pod is crash looping",
                 namespace=NS, resource=resource, starts_at=ALERT_AT, fingerprint="fp-1")


def discovered(objects: list[dict[str, Any]] | None = None, start: ResourceRef = POD,
               **cluster: Any) -> tuple[Topology, MemoryCluster]:
    """A topology discovered over a memory cluster; the cluster's call log is reset afterwards."""
    memory = MemoryCluster(payments_cluster() if objects is None else objects, **cluster)
    topology, _gaps = discover(memory, start, namespace=NS)
    memory.calls.clear()
    return topology, memory


def run(cluster: MemoryCluster, topology: Topology, collector: str, resource: ResourceRef | str) -> CollectorResult:
    ref = resource if isinstance(resource, ResourceRef) else ResourceRef.from_key(resource)
    return run_task(cluster, CollectionTask(collector=collector, resource=ref), topology, alert_for(), NOW)


def only(result: CollectorResult, evidence_id: str) -> Any:
    """The facts of one evidence item by id (fails when absent)."""
    found = [e for e in result.evidence if e.id == evidence_id]
    assert found, f"{evidence_id} not in {[e.id for e in result.evidence]}"
    return found[0].facts
