"""What a collector receives (CollectionContext) and how it builds its one result envelope."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeVar

from firstresponder.kube.reader import ApiStats, ClusterReader, KubeApiError
from firstresponder.models.alert import Alert
from firstresponder.models.evidence import Change, ChangeKind, CollectorResult, Evidence, Gap
from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import Topology, TopologyNode

T = TypeVar("T")


class CountingReader:
    """Delegates to a ClusterReader and counts this task's requests (the shared stats count all tasks)."""

    def __init__(self, reader: ClusterReader) -> None:
        self._reader = reader
        self.stats: ApiStats = reader.stats
        self.requests = 0
        self._lock = threading.Lock()

    def _count(self) -> None:
        with self._lock:
            self.requests += 1

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        self._count()
        return self._reader.get(kind, name, namespace)

    def list(self, kind: str, namespace: str | None = None, *, label_selector: str | None = None,
             field_selector: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        self._count()
        return self._reader.list(kind, namespace, label_selector=label_selector,
                                 field_selector=field_selector, limit=limit)

    def logs(self, namespace: str, pod: str, container: str, *, previous: bool = False,
             tail_lines: int | None = None, since_seconds: int | None = None,
             limit_bytes: int | None = None, timestamps: bool = False) -> str:
        self._count()
        return self._reader.logs(namespace, pod, container, previous=previous, tail_lines=tail_lines,
                                 since_seconds=since_seconds, limit_bytes=limit_bytes, timestamps=timestamps)

    def metrics_available(self) -> bool:
        self._count()
        return self._reader.metrics_available()


@dataclass
class CollectionContext:
    """Inputs of one collector run: everything a Lambda invocation gets from its task."""

    reader: ClusterReader
    topology: Topology
    alert: Alert
    now: datetime

    def node(self, ref: ResourceRef | str) -> TopologyNode | None:
        return self.topology.get(ref)

    def obj(self, ref: ResourceRef | str) -> dict[str, Any] | None:
        node = self.topology.get(ref)
        return node.object if node is not None else None

    def seconds_before_alert(self, at: datetime) -> float:
        return (self.alert.starts_at - at).total_seconds()


def investigated_namespace(topology: Topology) -> str | None:
    """The alert's namespace: the root's, or the root itself for a namespace-wide alert."""
    root = topology.root
    return root.name if root.kind == "Namespace" else root.namespace


def gap_of(err: KubeApiError, what: str, resource: ResourceRef | None = None) -> Gap:
    """A failed read as a report gap (403s carry the ClusterRole rule that would allow it)."""
    reason = f"{err.status} {err.reason}" if err.status else err.reason
    return Gap(what=what, reason=reason, status=err.status, resource=resource, rbac_rule=err.rbac_rule)


@dataclass
class ResultBuilder:
    """Accumulates one collector's evidence, changes and gaps; failed reads become gaps."""

    ctx: CollectionContext
    collector: str
    resource: ResourceRef
    evidence: list[Evidence] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    skipped: bool = False

    def attempt(self, read: Callable[[], T], what: str) -> T | None:
        """The read's value, or None after recording a gap when it fails."""
        try:
            return read()
        except KubeApiError as err:
            self.gaps.append(gap_of(err, what, self.resource))
            return None

    def change(self, at: datetime | None, resource: ResourceRef, kind: ChangeKind, summary: str, *,
               actor: str | None = None, evidence_id: str | None = None) -> None:
        if at is None:
            return
        self.changes.append(Change(at=at, resource=resource, kind=kind, summary=summary, actor=actor,
                                   evidence_id=evidence_id, seconds_before_alert=self.ctx.seconds_before_alert(at)))

    def result(self) -> CollectorResult:
        status: Literal["ok", "partial", "error", "skipped"]
        if self.skipped and not self.evidence:
            status = "skipped"
        elif self.gaps:
            status = "partial" if self.evidence else "error"
        else:
            status = "ok"
        return CollectorResult(collector=self.collector, resource=self.resource, status=status,
                               evidence=self.evidence, changes=self.changes, gaps=self.gaps)
