"""Writing a snapshot of a live cluster through a ``ClusterReader`` (``firstresponder snapshot``).

Layout (what ``load_snapshot`` reads): ``snapshot.yaml`` (capturedAt, cluster, region, plus the
namespaces asked for and the reads skipped), ``objects/<plural>.yaml`` as ``kind: List``
documents like ``kubectl get -o yaml`` prints them, and ``logs/<ns>/<pod>/<container>[.previous].log``.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from firstresponder.kube.reader import KIND_RESOURCES, ClusterReader, KubeApiError
from firstresponder.kube.secrets_filter import redact_secret
from firstresponder.snapshot.log_capture import SkippedRead, capture_logs

METRICS_KINDS = frozenset({"PodMetrics", "NodeMetrics"})
_PLURAL_USES = Counter(plural for _group, _version, plural, _ns in KIND_RESOURCES.values())
_BaseDumper: type[Any] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[misc]
    """Safe YAML without anchors/aliases (the snapshot reader refuses them)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class SnapshotSummary(BaseModel):
    """What a snapshot holds and what it could not read."""

    model_config = ConfigDict(extra="forbid")

    out_dir: str
    cluster: str
    captured_at: AwareDatetime
    objects: dict[str, int] = Field(default_factory=dict)  # kind -> objects written
    logs_written: int = 0
    log_failures: list[SkippedRead] = Field(default_factory=list)
    skipped: list[SkippedRead] = Field(default_factory=list)  # kinds (per namespace) not read

    def __str__(self) -> str:
        total = sum(self.objects.values())
        text = (f"{total} objects of {len(self.objects)} kinds, {self.logs_written} logs"
                f" ({len(self.log_failures)} unavailable)")
        if self.skipped:
            text += "; skipped: " + "; ".join(str(skip) for skip in self.skipped)
        return text


def objects_file_name(kind: str) -> str:
    """``<plural>.yaml``; ``<plural>.<group>.yaml`` when two kinds share a plural (pods, metrics pods)."""
    group, _version, plural, _ns = KIND_RESOURCES[kind]
    return f"{plural}.{group}.yaml" if group and _PLURAL_USES[plural] > 1 else f"{plural}.yaml"


def write_snapshot(reader: ClusterReader, out_dir: Path, *, cluster: str, region: str | None,
                   namespaces: list[str] | None, captured_at: datetime, log_tail_lines: int = 2000,
                   log_limit_bytes: int = 2 * 1024 * 1024, workers: int = 8) -> SnapshotSummary:
    """Read every kind in ``KIND_RESOURCES`` (and pod logs) and write them under ``out_dir``."""
    if not cluster:
        raise ValueError("a snapshot needs a cluster name")
    if captured_at.tzinfo is None:
        raise ValueError("captured_at must carry a time zone")
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir}: not empty; a snapshot is written into a new directory")
    (out_dir / "objects").mkdir(parents=True, exist_ok=True)
    summary = SnapshotSummary(out_dir=str(out_dir), cluster=cluster, captured_at=captured_at)

    kinds = _readable_kinds(reader, summary)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda kind: _read_kind(reader, kind, namespaces), kinds))
    pods: list[dict[str, Any]] = []
    for kind, (items, skipped) in zip(kinds, results, strict=True):
        summary.skipped.extend(skipped)
        if items is None:
            continue
        _write_list(out_dir / "objects" / objects_file_name(kind), items)
        summary.objects[kind] = len(items)
        if kind == "Pod":
            pods = items

    summary.logs_written, summary.log_failures = capture_logs(
        reader, pods, out_dir / "logs", tail_lines=log_tail_lines, limit_bytes=log_limit_bytes, workers=workers)
    _write_header(out_dir / "snapshot.yaml", summary, region, namespaces)
    return summary


def _readable_kinds(reader: ClusterReader, summary: SnapshotSummary) -> list[str]:
    """Every kind, minus the metrics kinds when metrics.k8s.io is not served (recorded as skipped)."""
    try:
        metrics = reader.metrics_available()
        reason = "metrics.k8s.io is not served"
        status = None
    except KubeApiError as error:
        metrics, reason, status = False, error.message or error.reason, error.status
    if not metrics:
        summary.skipped.extend(SkippedRead(kind=kind, status=status, reason=reason) for kind in sorted(METRICS_KINDS))
    return [kind for kind in KIND_RESOURCES if metrics or kind not in METRICS_KINDS]


def _read_kind(reader: ClusterReader, kind: str,
               namespaces: list[str] | None) -> tuple[list[dict[str, Any]] | None, list[SkippedRead]]:
    """All objects of one kind (per namespace when restricted); None when no read succeeded."""
    namespaced = KIND_RESOURCES[kind][3]
    scopes: list[str | None] = list(namespaces) if namespaced and namespaces else [None]
    items: list[dict[str, Any]] = []
    skipped: list[SkippedRead] = []
    for namespace in scopes:
        try:
            items.extend(redact_secret(obj) for obj in reader.list(kind, namespace))
        except KubeApiError as error:
            skipped.append(SkippedRead(kind=kind, namespace=namespace, status=error.status,
                                       reason=error.message or error.reason, rbac_rule=error.rbac_rule))
    return (None if len(skipped) == len(scopes) else items), skipped


def _write_list(path: Path, items: list[dict[str, Any]]) -> None:
    document = {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(document, handle, Dumper=_Dumper, sort_keys=True, allow_unicode=True,
                  default_flow_style=False)


def _write_header(path: Path, summary: SnapshotSummary, region: str | None, namespaces: list[str] | None) -> None:
    header: dict[str, Any] = {
        "capturedAt": summary.captured_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "cluster": summary.cluster,
        "region": region,
        "namespaces": namespaces,
        "skipped": [skip.model_dump(exclude_none=True) for skip in summary.skipped],
    }
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(header, handle, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False)
