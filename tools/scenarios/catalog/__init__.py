"""The scenario catalog: each module registers builders with ``@scenario``; ``all_scenarios`` lists them."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from tools.scenarios.cluster import Cluster, Obj


@dataclass
class Built:
    cluster: Cluster
    alert: Obj
    expected: Obj
    start: str  # the alert's start point, for the README table ("Pod", "Deployment", "namespace", ...)
    notes: list[str] = field(default_factory=list)


@dataclass
class Entry:
    slug: str
    build: Callable[[], Built]


_REGISTRY: dict[str, Entry] = {}


def scenario(slug: str) -> Callable[[Callable[[], Built]], Callable[[], Built]]:
    def register(fn: Callable[[], Built]) -> Callable[[], Built]:
        if slug in _REGISTRY:
            raise ValueError(f"duplicate scenario {slug}")
        _REGISTRY[slug] = Entry(slug, fn)
        return fn
    return register


def all_scenarios() -> list[Entry]:
    for mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        importlib.import_module(f"{__name__}.{mod}")
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def expected(*, description: str, source: str, culprit: Obj, category: str, confidence: str, facts: list[str],
             remediation_targets: list[str]) -> Obj:
    """expected.yaml content in its documented key order."""
    return {"description": " ".join(description.split()), "source": source, "culprit": culprit,
            "category": category, "confidence": confidence, "facts": facts,
            "remediation_targets": remediation_targets}
