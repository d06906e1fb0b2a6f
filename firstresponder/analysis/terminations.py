"""Container terminations across the bundle: the raw material of crash detectors."""

from __future__ import annotations

from dataclasses import dataclass

from firstresponder.analysis.facts import facts_of, pod_key
from firstresponder.models import Evidence, EvidenceBundle
from firstresponder.models.evidence import ContainerStatusFacts, TerminationFacts


@dataclass(frozen=True)
class Termination:
    """The latest termination of one container (current state first, else lastState)."""

    evidence: Evidence
    status: ContainerStatusFacts
    term: TerminationFacts
    pod: str  # pod key

    @property
    def container(self) -> str:
        return self.status.container


def terminations(bundle: EvidenceBundle) -> list[Termination]:
    found: list[Termination] = []
    for ev, f in facts_of(bundle, ContainerStatusFacts):
        term = f.terminated or f.last_terminated
        if term is not None:
            found.append(Termination(evidence=ev, status=f, term=term, pod=pod_key(ev, f.pod)))
    return found
