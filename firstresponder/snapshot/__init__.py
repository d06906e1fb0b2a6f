"""The cluster snapshot format: a directory of objects and logs (see docs/snapshot-format.md)."""

from __future__ import annotations

from firstresponder.snapshot.model import LogKey, Snapshot, SnapshotError
from firstresponder.snapshot.reader import load_snapshot

__all__ = ["LogKey", "Snapshot", "SnapshotError", "load_snapshot"]
