"""Combine a validated model answer with the deterministic diagnosis without manufacturing certainty.

- confirm: the deterministic root cause stands; the model's reasoning is added as a reason.
- a different answer against a HIGH deterministic finding: stands only as an alternative unless the
  model cites existing contradicting evidence; then the disagreement is shown and confidence drops.
- a different answer against a MEDIUM/LOW finding: the model may re-rank, but never above medium.
"""

from __future__ import annotations

from firstresponder.llm.answers import RootCauseAnswer
from firstresponder.models import (
    Confidence,
    ConfidenceLevel,
    Diagnosis,
    Hypothesis,
    ResourceRef,
    RootCause,
)

_SCORES = {"high": 0.85, "medium": 0.6, "low": 0.35}


def _as_cause(answer: RootCauseAnswer, culprit: ResourceRef, model: str, level: ConfidenceLevel) -> RootCause:
    return RootCause(
        summary=answer.summary, detail=answer.detail, category=answer.category, resource=culprit,
        outside_cluster=culprit.kind == "External",
        confidence=Confidence(level=level, score=min(_SCORES[answer.confidence], _SCORES[level.value]),
                              reasons=[f"model {model}: {answer.reasoning or answer.summary}"]),
        evidence_ids=answer.evidence_ids, contradicting_ids=answer.contradicting_ids,
        detector=f"model:{model}",
    )


def _same(answer: RootCauseAnswer, culprit: ResourceRef, cause: RootCause) -> bool:
    return culprit == cause.resource and answer.category == cause.category


def merge(diagnosis: Diagnosis, answer: RootCauseAnswer, culprit: ResourceRef, model: str) -> Diagnosis:
    top = diagnosis.root_cause
    if answer.verdict == "confirm" or _same(answer, culprit, top):
        reasons = [*top.confidence.reasons, f"confirmed by {model}"]
        return diagnosis.model_copy(update={"root_cause": top.model_copy(update={
            "confidence": top.confidence.model_copy(update={"reasons": reasons})})})
    if top.confidence.level == ConfidenceLevel.HIGH:
        if not answer.contradicting_ids:
            alt = Hypothesis(**_as_cause(answer, culprit, model, ConfidenceLevel.LOW).model_dump(),
                             ranked_lower_because="proposed by the model without evidence contradicting "
                                                  "the high-confidence deterministic finding")
            return diagnosis.model_copy(update={"hypotheses": [*diagnosis.hypotheses, alt],
                                                "notes": [*diagnosis.notes, f"{model} disagreed; kept the direct evidence"]})
        lowered = top.model_copy(update={"confidence": Confidence(
            level=ConfidenceLevel.MEDIUM, score=min(top.confidence.score, 0.6),
            reasons=[*top.confidence.reasons, f"{model} disagrees, citing {', '.join(answer.contradicting_ids)}"])})
        alt = Hypothesis(**_as_cause(answer, culprit, model, ConfidenceLevel.MEDIUM).model_dump(),
                         ranked_lower_because="the model's alternative; direct evidence still favours the top cause")
        return diagnosis.model_copy(update={"root_cause": lowered, "hypotheses": [alt, *diagnosis.hypotheses]})
    level = ConfidenceLevel.MEDIUM if answer.confidence != "low" else ConfidenceLevel.LOW
    demoted = Hypothesis(**top.model_dump(), ranked_lower_because=f"re-ranked below the answer of {model}")
    rest = [h for h in diagnosis.hypotheses if not (h.resource == culprit and h.category == answer.category)]
    return diagnosis.model_copy(update={"root_cause": _as_cause(answer, culprit, model, level),
                                        "hypotheses": [demoted, *rest], "remediation": []})
