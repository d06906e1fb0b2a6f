"""Capturing container logs into ``logs/<ns>/<pod>/<container>[.previous].log``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from firstresponder.kube.reader import ClusterReader, KubeApiError

# The snapshot reader accepts only DNS-style names in log paths; anything else could escape the directory.
SAFE_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")


class SkippedRead(BaseModel):
    """A read that failed, so the snapshot lacks it: what, where, and why."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    namespace: str | None = None
    name: str | None = None  # for logs: pod/container[.previous]
    status: int | None = None
    reason: str
    rbac_rule: str | None = None

    def __str__(self) -> str:
        where = "/".join(part for part in (self.namespace, self.name) if part)
        return f"{self.kind} {where}: {self.status or ''} {self.reason}".replace("  ", " ")


@dataclass(frozen=True)
class LogRequest:
    """One log file to capture."""

    namespace: str
    pod: str
    container: str
    previous: bool

    @property
    def label(self) -> str:
        return f"{self.pod}/{self.container}{'.previous' if self.previous else ''}"

    def path(self, logs_dir: Path) -> Path:
        suffix = ".previous.log" if self.previous else ".log"
        return logs_dir / self.namespace / self.pod / f"{self.container}{suffix}"


def log_requests(pod: dict[str, Any]) -> list[LogRequest]:
    """The logs a pod has: current for started containers, previous where one has terminated before."""
    metadata, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    statuses = {s.get("name"): s for s in [*(status.get("initContainerStatuses") or []),
                                            *(status.get("containerStatuses") or [])] if isinstance(s, dict)}
    requests: list[LogRequest] = []
    for container in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
        name = container.get("name") if isinstance(container, dict) else None
        state_of = statuses.get(name)
        if not name or state_of is None:
            continue  # never started: there is no log to read
        state = state_of.get("state") or {}
        restarted = bool(state_of.get("restartCount")) or "terminated" in (state_of.get("lastState") or {})
        if "running" in state or "terminated" in state or restarted:
            requests.append(LogRequest(metadata.get("namespace", ""), metadata.get("name", ""), name, False))
        if restarted:
            requests.append(LogRequest(metadata.get("namespace", ""), metadata.get("name", ""), name, True))
    return requests


def capture_logs(reader: ClusterReader, pods: Iterable[dict[str, Any]], logs_dir: Path, *,
                 tail_lines: int, limit_bytes: int, workers: int) -> tuple[int, list[SkippedRead]]:
    """Write every pod container's logs (tail-capped); returns files written and the reads that failed."""
    wanted = [request for pod in pods for request in log_requests(pod)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(lambda r: _capture_one(reader, r, logs_dir, tail_lines, limit_bytes), wanted))
    failures = [outcome for outcome in outcomes if outcome is not None]
    return len(wanted) - len(failures), failures


def _capture_one(reader: ClusterReader, request: LogRequest, logs_dir: Path, tail_lines: int,
                 limit_bytes: int) -> SkippedRead | None:
    if not all(SAFE_NAME.match(part) for part in (request.namespace, request.pod, request.container)):
        return SkippedRead(kind="Pod", namespace=request.namespace, name=request.label,
                           reason="name not usable as a file path")
    try:
        # Timestamped, as the snapshot format stores lines (the simulator filters sinceSeconds on them).
        text = reader.logs(request.namespace, request.pod, request.container, previous=request.previous,
                           tail_lines=tail_lines, limit_bytes=limit_bytes, timestamps=True)
    except KubeApiError as error:
        return SkippedRead(kind="Pod", namespace=request.namespace, name=request.label, status=error.status,
                           reason=error.message or error.reason, rbac_rule=error.rbac_rule)
    path = request.path(logs_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return None
