"""Ranking: merge duplicate findings, fold symptoms into their cause, score, and calibrate confidence.

Score = base strength of the direct evidence
      + temporal correlation with a change (closer before the first failure is stronger;
        a change after the first failure cannot have started it and is penalised)
      + topology coverage (share of the failing pods the culprit explains)
      - contradicting evidence - gaps in collection touching the culprit,
      then multiplied by a learned per-environment category weight clamped to ×0.7..×1.3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from firstresponder.analysis.failures import failing_pods, first_failure_at
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.workloads import pods_of
from firstresponder.models import Confidence, ConfidenceLevel, EvidenceBundle, Gap

WEIGHT_MIN, WEIGHT_MAX = 0.7, 1.3  # a few feedback votes must not silence direct evidence
HIGH_SCORE, MEDIUM_SCORE = 0.8, 0.5
HIGH_MARGIN, CLOSE_MARGIN = 0.2, 0.1
_AFTER_TOLERANCE_S = 60.0  # clock skew between a change's timestamp and the first failure


@dataclass
class Scored:
    """A finding with its score and the reasons behind it."""

    finding: Finding
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    penalties: list[str] = field(default_factory=list)
    culprit_gaps: list[Gap] = field(default_factory=list)
    absorbed_by: Finding | None = None  # set when this finding is a symptom of another


def clamp_weight(weight: float) -> float:
    return max(WEIGHT_MIN, min(WEIGHT_MAX, weight))


def merge_duplicates(findings: list[Finding]) -> list[Finding]:
    """One finding per (culprit, category): evidence, explained resources and fixes united."""
    merged: dict[tuple[str, str], Finding] = {}
    for finding in sorted(findings, key=lambda f: -f.strength):
        first = merged.get(finding.key)
        if first is None:
            merged[finding.key] = finding.model_copy(deep=True)
            continue
        commands = {(r.command, r.description) for r in first.remediations}
        first.evidence_ids += [i for i in finding.evidence_ids if i not in first.evidence_ids]
        first.contradicting_ids += [i for i in finding.contradicting_ids if i not in first.contradicting_ids]
        first.explains += [k for k in finding.explains if k not in first.explains]
        first.symptom_of += [k for k in finding.symptom_of if k not in first.symptom_of]
        first.remediations += [r for r in finding.remediations if (r.command, r.description) not in commands]
        first.reasons += [r for r in finding.reasons if r not in first.reasons]
        first.direct = first.direct or finding.direct
        first.strength = min(1.0, first.strength + 0.05)  # independent detectors agreeing
    return list(merged.values())


def _subjects(finding: Finding) -> set[str]:
    return {finding.culprit.key, *finding.explains}


def absorb_symptoms(findings: list[Finding]) -> tuple[list[Finding], dict[int, Finding]]:
    """Fold each symptom finding into the finding about its deepest cause.

    Returns the findings (causes enriched with what they now explain) and absorbed index -> cause.
    """
    kept = [f.model_copy(deep=True) for f in findings]
    parent: dict[int, int] = {}
    for i, symptom in enumerate(kept):
        if not symptom.symptom_of:
            continue
        # only direct evidence, or at least as strong an inference, may swallow a symptom
        causes = [j for j, c in enumerate(kept)
                  if j != i and parent.get(j) != i and _subjects(c) & set(symptom.symptom_of)
                  and (c.direct or c.strength >= symptom.strength)]
        if causes:
            parent[i] = max(causes, key=lambda j: kept[j].strength)

    def deepest(i: int) -> int:
        seen = {i}
        while i in parent:
            i = parent[i]
            if i in seen:  # a cycle of mutual symptoms: stop where it closes
                return i
            seen.add(i)
        return i

    absorbed: dict[int, Finding] = {}
    for i in list(parent):
        root = deepest(i)
        if root == i:
            del parent[i]
            continue
        cause, symptom = kept[root], kept[i]
        cause.explains += [k for k in symptom.explains if k not in cause.explains]
        cause.evidence_ids += [e for e in symptom.evidence_ids if e not in cause.evidence_ids]
        cause.reasons.append(f"also accounts for: {symptom.summary}")
        cause.detail = f"{cause.detail} It also explains: {symptom.summary}.".strip()
        absorbed[i] = cause
    return kept, absorbed


def _explained_pods(finding: Finding, bundle: EvidenceBundle) -> set[str]:
    pods: set[str] = set()
    for key in _subjects(finding):
        pods |= {key} if key.startswith("Pod/") else set(pods_of(bundle.topology, key))
    return pods


def _temporal(finding: Finding, bundle: EvidenceBundle, scored: Scored, failing: set[str], now: datetime) -> float:
    change = finding.change
    if change is None:
        return 0.0
    pods = _explained_pods(finding, bundle)
    first = first_failure_at(bundle, (pods & failing) or pods or None, now)
    lead = (first - change.at).total_seconds()
    if lead < -_AFTER_TOLERANCE_S:
        scored.penalties.append(f"{change.resource.key} changed {_duration(-lead)} after the first failure "
                                f"({first:%H:%M:%S}), so it cannot have started it")
        return -0.3
    when = f"{change.resource.key} changed {_duration(max(lead, 0))} before the first failure"
    if lead <= 15 * 60:
        scored.reasons.append(when)
        return 0.15
    if lead <= 2 * 3600:
        scored.reasons.append(when)
        return 0.08
    if lead <= 24 * 3600:
        scored.reasons.append(when + " (a weak link)")
        return 0.03
    return 0.0


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{int(seconds)}s"
    if seconds < 5400:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


def _coverage(finding: Finding, failing: set[str], bundle: EvidenceBundle, scored: Scored) -> float:
    if not failing:
        return 0.0
    explained = _explained_pods(finding, bundle) & failing
    share = len(explained) / len(failing)
    if share >= 1.0:
        scored.reasons.append(f"explains all {len(failing)} failing pod(s)")
    elif explained:
        scored.penalties.append(f"explains {len(explained)} of {len(failing)} failing pods")
    return 0.1 * share


def _gaps_on_culprit(finding: Finding, bundle: EvidenceBundle) -> list[Gap]:
    touched = _subjects(finding) | _explained_pods(finding, bundle)
    return [g for g in bundle.gaps if g.resource is not None and g.resource.key in touched]


def score(finding: Finding, bundle: EvidenceBundle, now: datetime, *,
          weights: Mapping[str, float] | None = None, failing: set[str] | None = None) -> Scored:
    """Score one finding (no comparison with others yet)."""
    scored = Scored(finding=finding, reasons=list(finding.reasons))
    failing = failing_pods(bundle, now) if failing is None else failing
    value = finding.strength
    value += _temporal(finding, bundle, scored, failing, now)
    value += _coverage(finding, failing, bundle, scored)
    if finding.contradicting_ids:
        value -= min(0.45, 0.15 * len(finding.contradicting_ids))
        scored.penalties.append(f"contradicted by {', '.join(finding.contradicting_ids)}")
    scored.culprit_gaps = _gaps_on_culprit(finding, bundle)
    if scored.culprit_gaps:
        value -= min(0.15, 0.05 * len(scored.culprit_gaps))
        scored.penalties.append("could not read: " + "; ".join(
            f"{g.what} ({g.reason})" for g in scored.culprit_gaps))
    weight = clamp_weight((weights or {}).get(finding.category.value, 1.0))
    if weight != 1.0:
        scored.reasons.append(f"learned weight ×{weight:.2f} for {finding.category.value} here")
    scored.score = round(max(0.0, min(1.0, value * weight)), 3)
    return scored


def rank(findings: list[Finding], bundle: EvidenceBundle, now: datetime, *,
         weights: Mapping[str, float] | None = None) -> list[Scored]:
    """Findings merged, symptoms folded into causes, best first (absorbed symptoms last)."""
    kept, absorbed = absorb_symptoms(merge_duplicates(findings))
    failing = failing_pods(bundle, now)
    scored = [score(f, bundle, now, weights=weights, failing=failing) for f in kept]
    for index, cause in absorbed.items():
        scored[index].absorbed_by = cause
    return sorted(scored, key=lambda s: (s.absorbed_by is not None, -s.score, -s.finding.strength,
                                         s.finding.detector))


def confidence(top: Scored, runner_up: Scored | None) -> Confidence:
    """high only where direct and unambiguous; medium when well supported with a gap; low otherwise."""
    margin = round(top.score - (runner_up.score if runner_up else 0.0), 3)
    reasons = [*top.reasons, *top.penalties]
    close = runner_up is not None and margin < CLOSE_MARGIN
    if runner_up is not None and margin < HIGH_MARGIN:
        label = "a close alternative" if close else "an alternative not ruled out"
        reasons.append(f"{label}: {runner_up.finding.summary} ({runner_up.score:.2f})")
    unambiguous = (top.finding.direct and not top.finding.contradicting_ids and not top.culprit_gaps
                   and margin >= HIGH_MARGIN)
    if top.score >= HIGH_SCORE and unambiguous:
        level = ConfidenceLevel.HIGH
    elif top.score >= MEDIUM_SCORE and not close:
        level = ConfidenceLevel.MEDIUM
        if not top.finding.direct:
            reasons.append("inferred from circumstances rather than an exact error")
    else:
        level = ConfidenceLevel.LOW
    return Confidence(level=level, score=top.score, reasons=reasons)


def ranked_lower_because(item: Scored, top: Scored) -> str:
    """Why an alternative lost, in one sentence."""
    if item.absorbed_by is not None:
        return f"it is a consequence of the root cause ({item.absorbed_by.summary})"
    why = [f"scored {item.score:.2f} against {top.score:.2f}"]
    why += item.penalties
    if not item.finding.direct and top.finding.direct:
        why.append("no exact error string or reason points at it")
    return "; ".join(why)
