"""Pytest plugin: every request any simulated cluster receives in the session is seen here; a non-GET
from a test that is not a write probe fails the session (read-only by construction, checked end to end).

The hook wraps our own ``SimulatorHttpServer.record`` (the method every served request passes through)
to observe, never to alter; firstresponder.sim has no global listener to subscribe to instead.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Generator
from typing import Any

import pytest

from firstresponder.sim.handler import RequestRecord, SimulatorHttpServer
from tests.reliability.figures import add_totals

# The simulator's own tests send writes on purpose to prove it answers 405; they must still get 405.
WRITE_PROBE_DIRS = ("tests/integration/sim/", "tests/unit/sim/")
WRITE_PROBE_MARK = "cluster_writes_expected"


class ReadOnlyRecorder:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.violations: list[str] = []
        self.current: pytest.Item | None = None
        self.lock = threading.Lock()

    def observe(self, record: RequestRecord) -> None:
        item = self.current
        probe = item is not None and (item.nodeid.startswith(WRITE_PROBE_DIRS)
                                      or item.get_closest_marker(WRITE_PROBE_MARK) is not None)
        with self.lock:
            self.counts["readonly.requests"] += 1
            if record.method == "GET":
                return
            if probe and record.status == 405:
                self.counts["readonly.write_probes_refused"] += 1
                return
            self.counts["readonly.violations"] += 1
            where = item.nodeid if item is not None else "outside any test"
            self.violations.append(f"{record.method} {record.path} -> {record.status} ({where})")


_recorder = ReadOnlyRecorder()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{WRITE_PROBE_MARK}: the test sends writes to a simulated cluster "
                                       "on purpose (each must be refused with 405)")
    if getattr(SimulatorHttpServer.record, "_observed", False):
        return
    original = SimulatorHttpServer.record

    def record(self: SimulatorHttpServer, request: RequestRecord) -> None:
        original(self, request)
        _recorder.observe(request)

    record._observed = True  # type: ignore[attr-defined]
    SimulatorHttpServer.record = record  # type: ignore[method-assign]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, Any, None]:
    _recorder.current = item
    yield
    _recorder.current = None


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist controller: add what a worker saw."""
    seen = getattr(node, "workeroutput", {}).get("readonly")
    if seen:
        _recorder.counts.update(seen["counts"])
        _recorder.violations.extend(seen["violations"])


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if hasattr(config, "workeroutput"):  # an xdist worker: hand the record to the controller
        config.workeroutput["readonly"] = {"counts": dict(_recorder.counts), "violations": _recorder.violations}
        return
    add_totals(config, {k: v for k, v in _recorder.counts.items() if k != "readonly.write_probes_refused"})
    if _recorder.violations:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    counts = _recorder.counts
    if not counts["readonly.requests"]:
        return
    terminalreporter.write_line(
        f"read-only: {counts['readonly.requests']} requests to simulated clusters, "
        f"{counts['readonly.violations']} non-GET outside write probes "
        f"({counts['readonly.write_probes_refused']} probe writes refused with 405)")
    for line in _recorder.violations[:20]:
        terminalreporter.write_line(f"  NON-GET REACHED THE CLUSTER: {line}", red=True)
