"""The tracing reader delegates and keeps a time line; chains in series are counted per module."""

from __future__ import annotations

from bench.tracing import Read, TracingReader, reads_in_series, serial_rounds
from tests.support.memory_cluster import MemoryCluster

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "ns"}}


def test_reads_are_delegated_and_recorded() -> None:
    cluster = MemoryCluster([POD])
    reader = TracingReader(cluster)
    assert reader.get("Pod", "p", "ns") == cluster.get("Pod", "p", "ns")
    assert [o["metadata"]["name"] for o in reader.list("Pod", "ns")] == ["p"]
    assert [r.operation for r in reader.reads] == ["get Pod", "list Pod"]
    assert reader.stats is cluster.stats


def test_series_and_rounds_from_a_time_line() -> None:
    reads = [Read(0.0, 1.0, "get Pod", "a.py"), Read(1.0, 2.0, "get Pod", "a.py"),
             Read(0.0, 1.0, "list Pod", "b.py"), Read(0.1, 1.1, "list Pod", "b.py")]
    assert reads_in_series(reads, 1.0) == {"a.py": 2, "b.py": 1}
    assert serial_rounds(reads, 1.0) == 2.0
    assert serial_rounds([], 1.0) == 0.0
