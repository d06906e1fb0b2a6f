"""Investigate a corpus scenario through the simulator over HTTP, with a FaultPlan, as the CLI does."""

from __future__ import annotations

import functools
import tempfile
from dataclasses import dataclass
from pathlib import Path

from firstresponder.evaluation.scenarios import Expected, load_expected
from firstresponder.intake import parse_alert_file
from firstresponder.kube.gateway import GatewayOptions, KubeGateway
from firstresponder.models import Alert, AlertStatus, Report
from firstresponder.services.incidents import incidents_to_investigate
from firstresponder.services.investigation import investigate
from firstresponder.sim import FaultKind, FaultPlan, RequestRecord, SimulatedCluster
from firstresponder.sim.api import SnapshotApi
from firstresponder.sim.faults import RequestInfo
from firstresponder.snapshot import Snapshot, load_snapshot

_BODY_FAULTS = {FaultKind.TRUNCATED_JSON.value, FaultKind.MALFORMED_JSON.value, FaultKind.CUT_LOG.value}
CORPUS = Path(__file__).resolve().parents[1] / "scenarios"
# Short waits so a timeout fault costs half a second, not the production 30 s; retries stay as shipped.
# The timeout fault holds for 2 s; 1.5 s leaves room for a loaded CI machine without waiting long.
FAST = GatewayOptions(connect_timeout=2.0, read_timeout=1.5, max_retry_sleep=0.01, default_retry_after=0.01)


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Path
    expected: Expected
    alert: Alert


@dataclass
class Outcome:
    report: Report
    requests: list[RequestRecord]
    faulted: list[RequestInfo]  # what each request whose fault took effect was about


def took_effect(record: RequestRecord) -> bool:
    """A body fault on an error answer changes nothing: a 404 means "missing" whatever its body says."""
    if record.fault in _BODY_FAULTS - {FaultKind.CUT_LOG.value}:  # a cut stream breaks any answer
        return 200 <= record.status < 300
    return record.fault is not None


def scenario_names() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if (p / "expected.yaml").is_file())


@functools.cache
def snapshot_of(path: Path) -> Snapshot:
    return load_snapshot(path)


@functools.cache
def load_scenario(name: str) -> Scenario:
    """The scenario and its primary firing alert (parsed with the source expected.yaml names)."""
    path = CORPUS / name
    expected = load_expected(path)
    alerts = [a for a in parse_alert_file(path / "alert.json", expected.source) if a.status == AlertStatus.FIRING]
    primary, _related = incidents_to_investigate(alerts)[0]
    return Scenario(name=name, path=path, expected=expected, alert=primary)


def run(scenario: Scenario, faults: FaultPlan | None = None, *,
        options: GatewayOptions = FAST) -> Outcome:
    """One investigation of ``scenario`` with ``faults`` injected by the simulator."""
    snapshot = snapshot_of(scenario.path)
    with tempfile.TemporaryDirectory() as tmp, SimulatedCluster(snapshot, faults=faults) as sim:
        kubeconfig = sim.write_kubeconfig(Path(tmp) / "kubeconfig")
        with KubeGateway.from_kubeconfig(kubeconfig, "firstresponder-sim", options=options) as reader:
            report = investigate(scenario.alert, reader)
        requests = sim.requests
    describe = SnapshotApi(snapshot).describe
    faulted = [describe(r.method, r.path) for r in requests if took_effect(r)]
    return Outcome(report=report, requests=requests, faulted=faulted)
