"""The incidents the browser tests open: each a snapshot dir, its alert and the source it is POSTed to."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from firstresponder.cli.demo import demo_dir

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
HOSTILE_MARKUP = "<script>window.__pwned=1</script>"
# An error line, so the log collector quotes it in the evidence (it quotes error lines, not the tail).
HOSTILE_LOG_LINE = f"2026/03/17 02:43:50 ERROR rejected request path /{HOSTILE_MARKUP}"
# The demo's crash-looping pod: its previous container's log is what the evidence quotes.
# The crashing pod is the one with a previous log (found from the data: the generator names pods).
DEMO_CRASHING_LOG_GLOB = "logs/production/payments-api-*/api.previous.log"


# The page is checked for the demo and one incident of two other kinds from the catalogue.
CATALOGUE = {"oom": "02-oom-jvm-heap-above-limit", "dependency": "17-dependency-scaled-to-zero-by-downscaler"}
SCENARIO_KEYS = ("demo", *CATALOGUE)


@dataclass(frozen=True)
class Scenario:
    name: str  # also the screenshot's file name
    snapshot: Path
    source: str  # the /alerts/<source> endpoint
    culprit: str  # kind/namespace/name
    category: str
    confidence: str

    @property
    def alert(self) -> Path:
        return self.snapshot / "alert.json"


def demo_scenario() -> Scenario:
    return Scenario(name="demo-payments-configmap", snapshot=demo_dir(), source="alertmanager",
                    culprit="ConfigMap/production/payments-config", category="config_change", confidence="high")


def catalogue_scenario(directory: str) -> Scenario:
    """One of tests/scenarios/, with what its expected.yaml says an SRE would conclude."""
    expected = yaml.safe_load((SCENARIOS / directory / "expected.yaml").read_text(encoding="utf-8"))
    culprit = expected["culprit"]
    return Scenario(name=directory, snapshot=SCENARIOS / directory, source=expected["source"],
                    culprit=f"{culprit['kind']}/{culprit['namespace']}/{culprit['name']}",
                    category=expected["category"], confidence=expected["confidence"])


def demo_with_hostile_log(tmp: Path) -> Scenario:
    """The demo snapshot copied to ``tmp`` with a script tag appended to the crashing pod's previous log."""
    copy = tmp / "payments-hostile"
    shutil.copytree(demo_dir(), copy)
    (log,) = copy.glob(DEMO_CRASHING_LOG_GLOB)
    text = log.read_text(encoding="utf-8")
    log.write_text(text.rstrip("\n") + f"\n{HOSTILE_LOG_LINE}\n", encoding="utf-8")
    return Scenario(name="demo-hostile-log", snapshot=copy, source="alertmanager",
                    culprit="ConfigMap/production/payments-config", category="config_change", confidence="high")


def scenario_for(key: str, tmp: Path) -> Scenario:
    """``demo``, ``hostile`` (the demo with a planted script tag, copied under ``tmp``) or a CATALOGUE key."""
    if key == "demo":
        return demo_scenario()
    if key == "hostile":
        return demo_with_hostile_log(tmp)
    return catalogue_scenario(CATALOGUE[key])
