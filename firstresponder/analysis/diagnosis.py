"""The deterministic diagnosis: run every detector, validate their fixes, rank, and explain."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime

from firstresponder.analysis.facts import facts_of
from firstresponder.analysis.failures import container_failing
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.ranking import MEDIUM_SCORE, Scored, confidence, rank, ranked_lower_because
from firstresponder.analysis.registry import DETECTORS
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.remediation.known import validation_topology
from firstresponder.analysis.remediation.validator import validate_command
from firstresponder.analysis.workloads import fix_target
from firstresponder.models import (
    Category,
    Confidence,
    ConfidenceLevel,
    Diagnosis,
    EvidenceBundle,
    Hypothesis,
    Remediation,
    RootCause,
    Topology,
)
from firstresponder.models.evidence import ContainerStatusFacts


def diagnose(bundle: EvidenceBundle, now: datetime, *,
             weights: Mapping[str, float] | None = None) -> Diagnosis:
    """Root cause, alternatives and validated fixes for one bundle (pure: ``now`` is passed in).

    ``weights`` maps a category value to a learned multiplier for this environment; each is
    clamped to ×0.7..×1.3 so feedback can reorder close calls but never silence direct evidence.
    """
    notes: list[str] = []
    findings: list[Finding] = []
    for name, detect in DETECTORS:
        try:
            findings += detect(bundle, now)
        except Exception as exc:  # a broken detector must not sink the investigation
            notes.append(f"detector {name} failed: {type(exc).__name__}: {exc}")
    checked_against = validation_topology(bundle)
    findings = [_with_valid_commands(f, checked_against, notes) for f in findings]
    ranked = rank(findings, bundle, now, weights=weights)
    if not ranked:
        cause, fixes = _unknown(bundle, now)
        fixes = _with_valid_commands(Finding(detector="none", category=Category.UNKNOWN, culprit=cause.resource,
                                             summary="", strength=0.0, remediations=fixes),
                                     checked_against, notes).remediations
        return Diagnosis(root_cause=cause, remediation=fixes, notes=[*notes, *_gap_notes(bundle)])
    top = ranked[0]
    runner_up = next((s for s in ranked[1:] if s.absorbed_by is None), None)
    conf = _unread_caps(confidence(top, runner_up), bundle)
    root = RootCause(**_cause_fields(top), confidence=conf,
                     verification=_verification(top, runner_up, conf.level))
    hypotheses = [Hypothesis(**_cause_fields(s), confidence=_alternative_confidence(s, top),
                             verification=s.finding.verification or None,
                             ranked_lower_because=ranked_lower_because(s, top))
                  for s in ranked[1:]]
    return Diagnosis(root_cause=root, hypotheses=hypotheses, remediation=top.finding.remediations,
                     notes=[*notes, *_gap_notes(bundle)])


def _cause_fields(scored: Scored) -> dict[str, object]:
    f = scored.finding
    return {"summary": f.summary, "detail": f.detail, "category": f.category, "resource": f.culprit,
            "outside_cluster": f.outside_cluster, "evidence_ids": f.evidence_ids,
            "contradicting_ids": f.contradicting_ids, "detector": f.detector}


def _unread_caps(conf: Confidence, bundle: EvidenceBundle) -> Confidence:
    """A read refused or failed (not a 404: that thing is gone, often because of the incident) may hide
    a different culprit, whether or not the walk reached it (a 403 on the workload hides it): never high."""
    unread = sorted({g.resource.key for g in bundle.gaps
                     if g.resource is not None
                     and ((g.status is not None and g.status != 404)
                          or any(w in g.reason for w in ("timeout", "connection", "malformed")))})
    if conf.level != ConfidenceLevel.HIGH or not unread:
        return conf
    shown = ", ".join(unread[:3]) + (f" and {len(unread) - 3} more" if len(unread) > 3 else "")
    return conf.model_copy(update={"level": ConfidenceLevel.MEDIUM, "reasons": [
        *conf.reasons, f"could not read {shown}: a cause there cannot be ruled out"]})


def _alternative_confidence(scored: Scored, top: Scored) -> Confidence:
    """Alternatives are never high; a symptom folded into the root cause scores no higher than it."""
    absorbed = scored.absorbed_by is not None
    level = ConfidenceLevel.MEDIUM if scored.score >= MEDIUM_SCORE and not absorbed else ConfidenceLevel.LOW
    value = min(scored.score, top.score) if absorbed else scored.score
    return Confidence(level=level, score=value, reasons=[*scored.reasons, *scored.penalties])


def _verification(top: Scored, runner_up: Scored | None, level: ConfidenceLevel) -> str | None:
    if level == ConfidenceLevel.HIGH:
        return top.finding.verification or None
    parts = [top.finding.verification] if top.finding.verification else []
    if runner_up is not None and top.score - runner_up.score < 0.1:
        other = runner_up.finding
        parts.append(f"To rule out the alternative ({other.summary}): "
                     + (other.verification or f"check {other.culprit.key}."))
    if top.culprit_gaps:
        parts.append("Grant or retry the reads that failed: "
                     + "; ".join(g.rbac_rule or g.what for g in top.culprit_gaps))
    return " ".join(parts) or None


def _with_valid_commands(finding: Finding, topology: Topology, notes: list[str]) -> Finding:
    """Drop proposed commands that fail validation (and say so); the investigation never runs them."""
    kept: list[Remediation] = []
    for fix in finding.remediations:
        problems = validate_command(fix.command, topology) if fix.command else []
        if problems:
            notes.append(f"dropped proposed command `{fix.command}` ({finding.detector}): {'; '.join(problems)}")
            continue
        if fix.verify and (verify_problems := validate_command(fix.verify, topology)):
            notes.append(f"dropped verify command `{fix.verify}`: {'; '.join(verify_problems)}")
            fix = fix.model_copy(update={"verify": None})
        kept.append(fix)
    return finding.model_copy(update={"remediations": kept})


def _unknown(bundle: EvidenceBundle, now: datetime) -> tuple[RootCause, list[Remediation]]:
    """An honest 'unknown' that names what was seen and checked, and how to find out more."""
    sources = Counter(e.facts.source for e in bundle.evidence)
    checked = ", ".join(f"{n} {source}" for source, n in sorted(sources.items())) or "no evidence"
    alert = bundle.alert.resource or bundle.topology.root
    target = fix_target(bundle.topology, alert.key) if alert.kind == "Pod" else alert
    seen = _seen(bundle, now)
    gaps = f" Could not read: {'; '.join(g.what for g in bundle.gaps)}." if bundle.gaps else ""
    cause = RootCause(
        summary="No known failure pattern matched the evidence" + (f" ({seen[0]})" if seen else ""),
        detail=(("Seen: " + "; ".join(seen) + ". " if seen else "")
                + f"Checked {len(DETECTORS)} failure patterns ({', '.join(n for n, _ in DETECTORS)}) "
                f"against {checked}.{gaps}"),
        category=Category.UNKNOWN,
        resource=target,
        confidence=Confidence(level=ConfidenceLevel.LOW, score=0.0,
                              reasons=["no detector found direct or circumstantial evidence",
                                       *(["collection gaps: " + str(len(bundle.gaps))] if bundle.gaps else [])]),
        verification=(f"Read the logs and events of {target.key} around {bundle.alert.starts_at:%H:%M:%S} UTC "
                      "(previous container logs, node kernel logs for kills), and check recent deploys or config "
                      "changes that the collectors could not see."),
        detector="none",
    )
    fixes = [Remediation(description=f"Look at {target.kind} {target.name} and its recent events.",
                         command=commands.describe(target))] if target.kind in commands.KUBECTL_RESOURCE else []
    return cause, fixes


def _seen(bundle: EvidenceBundle, now: datetime) -> list[str]:
    """What is wrong, in a few words per failing container ("geo-api-x/api: CrashLoopBackOff, exit 2")."""
    seen = []
    for _ev, f in facts_of(bundle, ContainerStatusFacts):
        if not container_failing(f, now):
            continue
        term = f.terminated or f.last_terminated
        state = ", ".join(p for p in (f.waiting_reason, f"exit {term.exit_code} ({term.reason or 'no reason'})"
                                      if term else None, f"{f.restart_count} restarts" if f.restart_count else None) if p)
        seen.append(f"{f.pod}/{f.container}: {state}")
    return seen[:5]


def _gap_notes(bundle: EvidenceBundle) -> list[str]:
    return [f"not collected: {g.what} ({g.reason})" for g in bundle.gaps]
