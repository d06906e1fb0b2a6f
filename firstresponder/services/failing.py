"""Which resources the evidence shows as failing (for marking them in reports)."""

from __future__ import annotations

from firstresponder.models import EvidenceBundle, ResourceRef
from firstresponder.models.evidence import (
    ContainerStatusFacts,
    NodeFacts,
    PodStatusFacts,
    PvcFacts,
    RolloutFacts,
)

_HEALTHY_WAITING = {None, "ContainerCreating", "PodInitializing"}


def failing_resources(bundle: EvidenceBundle) -> set[str]:
    """Keys of resources in a failed or degraded state according to the collected facts."""
    failing: set[str] = set()
    for ev in bundle.evidence:
        facts = ev.facts
        if isinstance(facts, ContainerStatusFacts):
            crashed = facts.waiting_reason not in _HEALTHY_WAITING or (
                facts.terminated is not None and facts.terminated.exit_code != 0)
            if crashed or (facts.restart_count > 0 and not facts.ready):
                failing.add(ResourceRef(kind="Pod", namespace=ev.resource.namespace, name=facts.pod).key)
        elif isinstance(facts, PodStatusFacts):
            if facts.phase in {"Pending", "Failed", "Unknown"} or facts.reason == "Evicted":
                failing.add(ev.resource.key)
        elif isinstance(facts, RolloutFacts):
            if facts.progress_deadline_exceeded or facts.available < facts.desired:
                failing.add(facts.workload.key)
        elif isinstance(facts, NodeFacts):
            if not facts.ready or facts.pressure:
                failing.add(ev.resource.key)
        elif isinstance(facts, PvcFacts) and facts.phase != "Bound":
            failing.add(ev.resource.key)
    return failing
