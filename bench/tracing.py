"""A ClusterReader wrapper that records when each read started and ended, and which module asked."""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

from firstresponder.kube.reader import ClusterReader

_SKIP = ("firstresponder/kube/", "firstresponder/collectors/context.py", "firstresponder/topology/lookup.py",
         "bench/tracing.py")


@dataclass(frozen=True)
class Read:
    started: float
    ended: float
    operation: str  # "get Pod", "list Event", "logs"
    caller: str  # the first module outside the reading plumbing, e.g. "collectors/node.py"


def _caller() -> str:
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename.replace("\\", "/")
        if "firstresponder/" in name and not any(skip in name for skip in _SKIP):
            return name.split("firstresponder/", 1)[1]
        frame = frame.f_back  # type: ignore[assignment]
    return "?"


class TracingReader:
    """Delegates every read to ``reader`` and keeps a time line of them."""

    def __init__(self, reader: ClusterReader) -> None:
        self._reader = reader
        self.stats = reader.stats
        self.reads: list[Read] = []
        self._lock = threading.Lock()

    def _timed(self, operation: str, call: Any) -> Any:
        caller = _caller()
        started = time.perf_counter()
        try:
            return call()
        finally:
            with self._lock:
                self.reads.append(Read(started, time.perf_counter(), operation, caller))

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        return self._timed(f"get {kind}", lambda: self._reader.get(kind, name, namespace))  # type: ignore[no-any-return]

    def list(self, kind: str, namespace: str | None = None, **options: Any) -> list[dict[str, Any]]:
        return self._timed(f"list {kind}", lambda: self._reader.list(kind, namespace, **options))  # type: ignore[no-any-return]

    def logs(self, namespace: str, pod: str, container: str, **options: Any) -> str:
        return self._timed("logs", lambda: self._reader.logs(namespace, pod, container, **options))  # type: ignore[no-any-return]

    def metrics_available(self) -> bool:
        return self._timed("metrics discovery", self._reader.metrics_available)  # type: ignore[no-any-return]


def serial_rounds(reads: list[Read], latency: float) -> float:
    """How many request latencies the time line spans: the critical path in round trips."""
    if not reads:
        return 0.0
    return (max(r.ended for r in reads) - min(r.started for r in reads)) / latency


def reads_in_series(reads: list[Read], latency: float) -> dict[str, int]:
    """Per caller module, the most of its reads that ran one after another (non-overlapping chain)."""
    chains: dict[str, int] = {}
    by_caller: dict[str, list[Read]] = {}
    for read in reads:
        by_caller.setdefault(read.caller, []).append(read)
    for caller, items in by_caller.items():
        items.sort(key=lambda r: r.started)
        longest, end = 0, float("-inf")
        for read in items:  # greedy interval chain: a read that starts after the previous one ended
            if read.started >= end - latency * 0.1:
                longest, end = longest + 1, read.ended
        chains[caller] = longest
    return dict(sorted(chains.items(), key=lambda kv: -kv[1]))
