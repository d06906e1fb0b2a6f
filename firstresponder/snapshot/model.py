"""The in-memory form of a cluster snapshot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class SnapshotError(Exception):
    """A snapshot directory that cannot be read; the message is one line and names the file."""


class LogKey(NamedTuple):
    """Which log a text belongs to: ``previous`` is the last terminated instance of the container."""

    namespace: str
    pod: str
    container: str
    previous: bool = False


@dataclass(frozen=True)
class Snapshot:
    """A captured cluster: objects as the API served them (JSON-compatible dicts) and container logs."""

    captured_at: dt.datetime
    cluster: str
    region: str | None = None
    objects: list[dict[str, Any]] = field(default_factory=list)
    logs: dict[LogKey, str] = field(default_factory=dict)

    def objects_of_kind(self, kind: str) -> list[dict[str, Any]]:
        """Objects whose ``kind`` is the one given."""
        return [obj for obj in self.objects if obj.get("kind") == kind]
