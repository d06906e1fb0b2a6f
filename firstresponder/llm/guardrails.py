"""Check a model's answer against the evidence: ids exist, culprit in topology, commands valid."""

from __future__ import annotations

from firstresponder.analysis import validation_topology
from firstresponder.analysis.remediation.validator import validate_command
from firstresponder.llm.answers import ProposedCommand, RootCauseAnswer
from firstresponder.models import EvidenceBundle, ResourceRef

# Verbs a model may propose; anything else (delete, drain, exec, apply -f URL...) is refused outright.
ALLOWED_VERBS = {"patch", "set", "rollout", "scale", "uncordon", "get", "describe", "logs"}


def root_cause_problems(answer: RootCauseAnswer, bundle: EvidenceBundle) -> list[str]:
    known = {e.id for e in bundle.evidence}
    problems = [f"evidence id {i!r} does not exist" for i in [*answer.evidence_ids, *answer.contradicting_ids]
                if i not in known]
    if resolve_culprit(answer.culprit, bundle) is None:
        problems.append(f"culprit {answer.culprit!r} is not in the topology")
    return problems


def resolve_culprit(culprit: str, bundle: EvidenceBundle) -> ResourceRef | None:
    try:
        ref = ResourceRef.from_key(culprit.strip())
    except ValueError:
        return None
    if ref.kind == "External":
        known_hosts = {n.ref.name for n in bundle.topology.of_kind("External")}
        return ref if ref.name in known_hosts else None
    return ref if bundle.topology.get(ref) is not None else None


def command_problems(proposed: ProposedCommand, bundle: EvidenceBundle) -> list[str]:
    words = proposed.command.split()
    if len(words) < 2 or words[0] != "kubectl":
        return ["not a kubectl command"]
    if words[1] not in ALLOWED_VERBS:
        return [f"verb {words[1]!r} is not allowed"]
    return validate_command(proposed.command, validation_topology(bundle))
