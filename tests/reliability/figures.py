"""Pytest plugin: ``--reliability-full`` and the reliability figure table printed at the end of the session.

Tests count through the ``figures`` fixture; the counts travel on each test's teardown report as
``user_properties`` (so they survive pytest-xdist) and are summed here. Loaded by tests/conftest.py
and by ``make reliability`` (``-p tests.reliability.figures``; pytest registers it once).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

PROPERTY = "reliability-figures"
FULL_OPTION = "--reliability-full"
TOTALS = pytest.StashKey[Counter[str]]()

# (label, counter names joined by " / "), in the order the table prints them.
ROWS: list[tuple[str, tuple[str, ...]]] = [
    ("investigations under fault / completed / crashes", ("fault.investigations", "fault.completed", "fault.crashes")),
    ("faults injected (requests) / survived", ("fault.injected", "fault.survived")),
    ("gaps expected / reported correctly", ("fault.gaps_expected", "fault.gaps_correct")),
    ("bad inputs tried / refused cleanly / accepted / 5xx", ("bad.tried", "bad.refused", "bad.accepted", "bad.5xx")),
    ("renderer property tests (tests/unit/render, not repeated)", ("bad.render_properties",)),
    ("schemathesis cases / 5xx / schema mismatches", ("api.cases", "api.5xx", "api.mismatches")),
    ("hostile renders / escaped / injected command in fix", ("hostile.renders", "hostile.escaped", "hostile.injected")),
    ("canary surfaces checked / canaries leaked", ("canary.surfaces", "canary.leaked")),
    ("cluster requests / non-GET requests to the cluster", ("readonly.requests", "readonly.violations")),
    ("alerts accepted / investigations stored / lost", ("delivery.accepted", "delivery.stored", "delivery.lost")),
    ("alerts refused (not acknowledged) under sustained throttling", ("delivery.refused_while_throttled",)),
    ("concurrent investigations / completed / mixed up", ("load.started", "load.completed", "load.mixed")),
    ("supply-chain checks / findings", ("supply.checks", "supply.findings")),
]


class Figures:
    """A test's counters; summed over the session by this plugin."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def add(self, name: str, amount: int = 1) -> None:
        self.counts[name] += amount


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(FULL_OPTION, action="store_true", default=False,
                     help="run the whole reliability matrix (every scenario × every fault)")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[TOTALS] = Counter()
    config.pluginmanager.register(_Collector(config), "reliability-figures-collector")


def full_run(config: pytest.Config) -> bool:
    return bool(config.getoption(FULL_OPTION, default=False))


def add_totals(config: pytest.Config, counts: dict[str, int]) -> None:
    """For other plugins (the read-only recorder) to add their own figures."""
    config.stash.setdefault(TOTALS, Counter()).update(counts)


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Iterator[Figures]:
    counts = Figures()
    yield counts
    # Appended at teardown, so only the teardown report carries it (no double count).
    request.node.user_properties.append((PROPERTY, dict(counts.counts)))


class _Collector:
    """Sums the counters of every teardown report (local or sent by an xdist worker) and prints them."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "teardown":
            return
        for name, value in report.user_properties:
            if name == PROPERTY and isinstance(value, dict):
                self.config.stash[TOTALS].update(value)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        totals = self.config.stash[TOTALS]
        if not any(not k.startswith("readonly.") for k in totals):
            return  # no reliability test ran in this session
        form = "full" if full_run(self.config) else "short"
        terminalreporter.write_sep("=", f"reliability figures ({form} form)")
        for label, names in ROWS:
            if any(n in totals for n in names):
                values = " / ".join(str(totals.get(n, 0)) for n in names)
                terminalreporter.write_line(f"{label:<62} {values}")
