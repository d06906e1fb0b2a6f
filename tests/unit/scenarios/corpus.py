"""Loading the scenario corpus and the packaged demo for the validation tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "tests" / "scenarios"
DEMO = ROOT / "firstresponder" / "demo" / "payments"

# libyaml when available: the corpus is ~13 MB of YAML and the pure-Python loader takes ~5x longer.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Served by metrics.k8s.io (an aggregated API): no OpenAPI schema exists for them in kubernetes-validate.
SCHEMALESS_KINDS = {"PodMetrics", "NodeMetrics"}


def scenario_dirs() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_dir())


def all_dirs() -> list[Path]:
    return [*scenario_dirs(), DEMO]


def ids_of(paths: list[Path]) -> list[str]:
    return ["demo" if p == DEMO else p.name for p in paths]


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class Snapshot:
    path: Path
    meta: dict[str, Any]
    objects: list[dict[str, Any]]
    logs: list[tuple[str, str, str, bool]] = field(default_factory=list)

    @property
    def captured_at(self) -> datetime:
        return parse_time(str(self.meta["capturedAt"]))

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.objects if o.get("kind") == kind]

    def find(self, kind: str, name: str, namespace: str | None) -> dict[str, Any] | None:
        return next((o for o in self.of_kind(kind) if o["metadata"]["name"] == name
                     and o["metadata"].get("namespace") == namespace), None)


def _items(doc: Any) -> Iterator[dict[str, Any]]:
    if doc is None:
        return
    if doc.get("kind") == "List" or (str(doc.get("kind", "")).endswith("List") and "items" in doc):
        yield from doc.get("items") or []
    else:
        yield doc


@cache
def load(path: Path) -> Snapshot:
    meta = yaml.load((path / "snapshot.yaml").read_text(), Loader=_LOADER)
    objects: list[dict[str, Any]] = []
    for f in sorted((path / "objects").glob("*.yaml")):
        for doc in yaml.load_all(f.read_text(), Loader=_LOADER):
            objects.extend(_items(doc))
    logs = []
    for f in sorted((path / "logs").rglob("*.log")) if (path / "logs").exists() else []:
        rel = f.relative_to(path / "logs").parts
        previous = rel[-1].endswith(".previous.log")
        container = rel[-1].removesuffix(".previous.log" if previous else ".log")
        logs.append((rel[0], rel[1], container, previous))
    return Snapshot(path, meta, objects, logs)


def alert(path: Path) -> Any:
    return json.loads((path / "alert.json").read_text())


def expected(path: Path) -> Any:
    return yaml.safe_load((path / "expected.yaml").read_text())
