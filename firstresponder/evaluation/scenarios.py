"""Load a corpus scenario, investigate it through the simulator, and score the report."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from firstresponder.models import AlertStatus, Category, ConfidenceLevel, EvidenceBundle, Report, ResourceRef
from firstresponder.render import render_text

Investigator = Callable[..., Report]


class ExpectedCulprit(BaseModel):
    model_config = ConfigDict(extra="ignore")

    kind: str
    name: str
    namespace: str | None = None
    missing: bool = False

    def matches(self, ref: ResourceRef) -> bool:
        return (self.kind == ref.kind and self.name == ref.name
                and (self.namespace or None) == (ref.namespace or None))


class Expected(BaseModel):
    model_config = ConfigDict(extra="ignore")

    description: str = ""
    source: str
    culprit: ExpectedCulprit
    category: Category
    confidence: ConfidenceLevel
    facts: list[str] = Field(default_factory=list)
    remediation_targets: list[str] = Field(default_factory=list)


class Score(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scenario: str
    culprit_ok: bool
    category_ok: bool
    facts_ok: bool
    missing_facts: list[str]
    remediation_ok: bool
    confidence_ok: bool
    expected_confidence: str
    got_confidence: str
    got_culprit: str
    error: str | None = None

    @property
    def wrong_at_high(self) -> bool:
        return not self.culprit_ok and self.got_confidence == ConfidenceLevel.HIGH.value


def load_expected(scenario: Path) -> Expected:
    return Expected.model_validate(yaml.safe_load((scenario / "expected.yaml").read_text()))


def scenario_dirs(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if (p / "expected.yaml").is_file())


def _mentions(command: str, target: str) -> bool:
    """Whether a kubectl command names ``kind/name`` (``configmap/x``, ``configmap x``,
    ``secret docker-registry x``...)."""
    kind, _, name = target.lower().partition("/")
    tokens = set(re.split(r"[\s/=']+", command.lower()))
    return ((kind in tokens or kind == "external") and name in tokens) or (kind == "external" and name in command)


def score(scenario: str, expected: Expected, report: Report) -> Score:
    cause = report.root_cause
    # Facts may be split by line wrapping in the text rendering: compare on collapsed whitespace.
    text = " ".join(render_text(report).lower().split())
    missing = [f for f in expected.facts if f.lower() not in text]
    commands = [r.command or "" for r in report.remediation]
    remediation_ok = all(any(_mentions(c, t) for c in commands) for t in expected.remediation_targets)
    return Score(scenario=scenario, culprit_ok=expected.culprit.matches(cause.resource),
                 category_ok=expected.category == cause.category, facts_ok=not missing, missing_facts=missing,
                 remediation_ok=remediation_ok, confidence_ok=expected.confidence == cause.confidence.level,
                 expected_confidence=expected.confidence.value, got_confidence=cause.confidence.level.value,
                 got_culprit=cause.resource.key)


def investigate_scenario(scenario: Path, *, weights: Mapping[str, float] | None = None,
                         refiner: object | None = None) -> Report:
    """The same path as `firstresponder investigate --snapshot`: simulator over HTTP + gateway."""
    from firstresponder.intake import parse_alert_file
    from firstresponder.kube.connection import connect_kubeconfig
    from firstresponder.services.incidents import incidents_to_investigate
    from firstresponder.services.investigation import investigate
    from firstresponder.sim.server import SimulatedCluster
    from firstresponder.snapshot.reader import load_snapshot

    alerts = [a for a in parse_alert_file(scenario / "alert.json", None) if a.status == AlertStatus.FIRING]
    primary, _related = incidents_to_investigate(alerts)[0]
    with tempfile.TemporaryDirectory() as tmp, SimulatedCluster(load_snapshot(scenario)) as sim:
        reader = connect_kubeconfig(sim.write_kubeconfig(Path(tmp) / "kubeconfig"), "firstresponder-sim")
        return investigate(primary, reader, weights=weights, refiner=refiner)  # type: ignore[arg-type]


def scenario_bundle(scenario: Path) -> EvidenceBundle:
    """Discover and collect once (simulator over HTTP); diagnosis can then be replayed purely."""
    from firstresponder.collectors import collect_all
    from firstresponder.intake import parse_alert_file
    from firstresponder.kube.connection import connect_kubeconfig
    from firstresponder.services.incidents import incidents_to_investigate
    from firstresponder.sim.server import SimulatedCluster
    from firstresponder.snapshot.reader import load_snapshot
    from firstresponder.topology import discover

    alerts = [a for a in parse_alert_file(scenario / "alert.json", None) if a.status == AlertStatus.FIRING]
    alert, _related = incidents_to_investigate(alerts)[0]
    with tempfile.TemporaryDirectory() as tmp, SimulatedCluster(load_snapshot(scenario)) as sim:
        reader = connect_kubeconfig(sim.write_kubeconfig(Path(tmp) / "kubeconfig"), "firstresponder-sim")
        topology, gaps = discover(reader, alert.resource, namespace=alert.namespace)
        bundle = collect_all(reader, topology, alert, now=alert.starts_at)
    return bundle.model_copy(update={"gaps": [*gaps, *bundle.gaps]})
