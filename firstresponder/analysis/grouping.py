"""Grouping pod-level observations by the workload where the fix belongs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TypeVar

from firstresponder.analysis.workloads import fix_target
from firstresponder.models import ResourceRef, Topology

T = TypeVar("T")


def by_fix_target(topology: Topology, items: Iterable[tuple[str, T]]) -> dict[ResourceRef, list[tuple[str, T]]]:
    """(pod key, item) pairs grouped by the pod's workload (or the pod itself when bare)."""
    groups: dict[ResourceRef, list[tuple[str, T]]] = defaultdict(list)
    for pod, item in items:
        groups[fix_target(topology, pod)].append((pod, item))
    return dict(groups)
