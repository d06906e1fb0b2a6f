"""Helpers for tests that need a simulated cluster: ``running_simulator`` and the fixture snapshots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from firstresponder.sim import SimulatedCluster

FIXTURE_SNAPSHOTS = Path(__file__).resolve().parent.parent / "fixtures" / "snapshots"
BASIC_SNAPSHOT = FIXTURE_SNAPSHOTS / "basic"
# The basic snapshot's capture time: pass it as ``shift_timestamps_to`` with a fixed ``clock`` for stable ages.
BASIC_CAPTURED_AT = dt.datetime(2024, 5, 14, 9, 30, tzinfo=dt.UTC)


@contextmanager
def running_simulator(snapshot_dir: Path = BASIC_SNAPSHOT, **kwargs: Any) -> Iterator[SimulatedCluster]:
    """A started ``SimulatedCluster`` serving ``snapshot_dir`` (keyword arguments go to its constructor)."""
    cluster = SimulatedCluster(Path(snapshot_dir), **kwargs)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


def write_methods(cluster: SimulatedCluster) -> list[tuple[str, str, int]]:
    """Every non-GET request the cluster received, with its status (all should be 405)."""
    return [(r.method, r.path, r.status) for r in cluster.requests if r.method != "GET"]
