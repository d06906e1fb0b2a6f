from typing import Any

from firstresponder.analysis.finding import Finding
from firstresponder.analysis.ranking import (
    absorb_symptoms,
    clamp_weight,
    confidence,
    merge_duplicates,
    rank,
    score,
)
from firstresponder.models import Category, ConfidenceLevel, EvidenceBundle, ResourceRef
from firstresponder.models.evidence import ChangeKind

from .builders import NS, BundleBuilder, at, crashed

DEP = ResourceRef(kind="Deployment", namespace=NS, name="payments-api")
DB = ResourceRef(kind="Deployment", namespace=NS, name="payments-db")


def crashing_bundle() -> tuple[BundleBuilder, list[ResourceRef]]:
    b = BundleBuilder()
    _dep, pods = b.app()
    for p in pods:
        b.crashloop(p, term=crashed(1, "Error", minutes=-4))
        b.event(p, "BackOff", "Back-off restarting failed container", first=-4)
    return b, pods


def finding(culprit: ResourceRef = DEP, *, category: Category = Category.APP_CRASH, strength: float = 0.6,
            direct: bool = False, **kw: Any) -> Finding:
    return Finding(detector="test", category=category, culprit=culprit, summary=f"{category} in {culprit.name}",
                   strength=strength, direct=direct, **kw)


def test_direct_unambiguous_finding_is_high() -> None:
    b, pods = crashing_bundle()
    bundle = b.build()
    [top] = rank([finding(strength=0.9, direct=True, explains=[p.key for p in pods])], bundle, at(2))
    conf = confidence(top, None)
    assert conf.level is ConfidenceLevel.HIGH
    assert any("explains all 2 failing pod(s)" in r for r in conf.reasons)


def test_two_close_findings_are_low() -> None:
    b, pods = crashing_bundle()
    explains = [p.key for p in pods]
    ranked = rank([finding(strength=0.7, direct=True, explains=explains),
                   finding(DB, category=Category.DEPENDENCY_DOWN, strength=0.68, explains=explains,
                           verification="check the db endpoints")],
                  b.build(), at(2))
    conf = confidence(ranked[0], ranked[1])
    assert conf.level is ConfidenceLevel.LOW
    assert any("close alternative" in r for r in conf.reasons)


def test_gap_on_the_culprit_prevents_high() -> None:
    b, pods = crashing_bundle()
    b.gap("logs of the api container", pods[0])
    [top] = rank([finding(strength=0.95, direct=True, explains=[p.key for p in pods])], b.build(), at(2))
    conf = confidence(top, None)
    assert conf.level is ConfidenceLevel.MEDIUM
    assert any("could not read" in r for r in conf.reasons)


def test_circumstantial_finding_is_at_most_medium() -> None:
    b, pods = crashing_bundle()
    [top] = rank([finding(strength=0.85, explains=[p.key for p in pods])], b.build(), at(2))
    assert confidence(top, None).level is ConfidenceLevel.MEDIUM


def test_change_before_the_failure_scores_higher_than_after() -> None:
    b, pods = crashing_bundle()
    cm = ResourceRef(kind="ConfigMap", namespace=NS, name="payments-config")
    before = b.change(cm, -6, ChangeKind.CONFIG_UPDATE, "updated")
    after = b.change(cm, 1, ChangeKind.CONFIG_UPDATE, "updated")
    bundle: EvidenceBundle = b.build()
    explains = [p.key for p in pods]
    good = score(finding(cm, change=before, explains=explains), bundle, at(2))
    bad = score(finding(cm, change=after, explains=explains), bundle, at(2))
    far = score(finding(cm, change=b.change(cm, -600, ChangeKind.CONFIG_UPDATE, "x"), explains=explains),
                bundle, at(2))
    assert good.score > far.score > bad.score
    assert any("cannot have started it" in p for p in bad.penalties)


def test_contradictions_lower_the_score() -> None:
    b, _pods = crashing_bundle()
    bundle = b.build()
    assert score(finding(contradicting_ids=["ev-x"]), bundle, at(2)).score < score(finding(), bundle, at(2)).score


def test_weights_are_clamped() -> None:
    assert clamp_weight(0.0) == 0.7
    assert clamp_weight(5.0) == 1.3
    b, _pods = crashing_bundle()
    bundle = b.build()
    base = score(finding(strength=0.5), bundle, at(2)).score
    silenced = score(finding(strength=0.5), bundle, at(2), weights={"app_crash": 0.0}).score
    boosted = score(finding(strength=0.5), bundle, at(2), weights={"app_crash": 100.0}).score
    assert silenced == round(base * 0.7, 3)
    assert boosted == round(base * 1.3, 3)


def test_duplicates_merge_by_culprit_and_category() -> None:
    merged = merge_duplicates([finding(evidence_ids=["a"], explains=["Pod/x/1"]),
                               finding(evidence_ids=["b"], explains=["Pod/x/2"], strength=0.7),
                               finding(DB, evidence_ids=["c"])])
    assert len(merged) == 2
    combined = next(f for f in merged if f.culprit == DEP)
    assert combined.evidence_ids == ["b", "a"]
    assert combined.strength == 0.75


def test_symptom_is_absorbed_by_its_deeper_cause() -> None:
    db_pod = "Pod/production/payments-db-0"
    symptom = finding(DB, category=Category.DEPENDENCY_DOWN, explains=["Pod/production/api-1"],
                      symptom_of=[DB.key, db_pod])
    cause = finding(DB, category=Category.OOM, strength=0.9, direct=True, explains=[db_pod])
    kept, absorbed = absorb_symptoms([symptom, cause])
    assert absorbed == {0: kept[1]}
    assert set(kept[1].explains) == {db_pod, "Pod/production/api-1"}
