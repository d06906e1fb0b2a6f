"""Persistence against moto's server over real HTTP, boto3 unchanged."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from firstresponder.models import (
    Alert,
    AlertSource,
    Category,
    Confidence,
    ConfidenceLevel,
    Report,
    ResourceRef,
    RootCause,
)
from firstresponder.models.evidence import Evidence, LogFacts
from firstresponder.models.feedback import Feedback, Verdict
from firstresponder.storage.dedup import DedupStore
from firstresponder.storage.dynamo import Dynamo
from firstresponder.storage.feedback import FeedbackStore
from firstresponder.storage.investigations import InvestigationStore
from firstresponder.storage.records import InvestigationRecord, InvestigationStatus

NOW = datetime(2026, 3, 14, 2, 51, tzinfo=UTC)
POD = ResourceRef(kind="Pod", namespace="production", name="payments-api-7d9f8-x2x")


def _alert(fp: str = "fp-1") -> Alert:
    return Alert(source=AlertSource.ALERTMANAGER, name="KubePodCrashLooping", title="crash looping",
                 cluster="prod-eu", namespace="production", resource=POD, starts_at=NOW, fingerprint=fp)


def _record(inv_id: str, fp: str = "fp-1", at: datetime = NOW) -> InvestigationRecord:
    return InvestigationRecord(id=inv_id, alert=_alert(fp), incident_key="prod-eu/production/payments-api",
                               created_at=at, updated_at=at)


def _report(inv_id: str, evidence_count: int) -> Report:
    evidence = [Evidence(id=f"ev-{i}", resource=POD, summary="log", excerpt="x" * 1500,
                         facts=LogFacts(pod=POD.name, container="api", previous=True, line_count=i))
                for i in range(evidence_count)]
    root = RootCause(summary="DB_HOST changed", category=Category.CONFIG_CHANGE,
                     resource=ResourceRef(kind="ConfigMap", namespace="production", name="payments-config"),
                     confidence=Confidence(level=ConfidenceLevel.HIGH, score=0.9))
    return Report(id=inv_id, alert=_alert(), investigated_at=NOW, root_cause=root, evidence=evidence)


def test_create_is_idempotent_and_get_round_trips(dynamo: Dynamo) -> None:
    store = InvestigationStore(dynamo)
    assert store.create(_record("a"), workload="payments-api")
    assert not store.create(_record("a"), workload="payments-api")
    assert store.get("a") == _record("a")
    assert store.get("missing") is None


def test_status_transition_is_conditional(dynamo: Dynamo) -> None:
    store = InvestigationStore(dynamo)
    store.create(_record("b"), workload="payments-api")
    running = _record("b").model_copy(update={"status": InvestigationStatus.RUNNING})
    assert store.update(running, expected={InvestigationStatus.ACCEPTED})
    done = running.model_copy(update={"status": InvestigationStatus.DONE})
    assert not store.update(done, expected={InvestigationStatus.ACCEPTED})
    assert store.update(done, expected={InvestigationStatus.RUNNING})
    got = store.get("b")
    assert got is not None
    assert got.status == InvestigationStatus.DONE


def test_large_report_is_split_below_item_limit_and_reassembled(dynamo: Dynamo) -> None:
    store = InvestigationStore(dynamo)
    store.create(_record("c"), workload="payments-api")
    report = _report("c", evidence_count=600)  # ~1 MB of evidence JSON
    store.save_report(report, at=NOW)
    items = dynamo.client.query(TableName=dynamo.settings.investigations_table,
                                KeyConditionExpression="PK = :pk",
                                ExpressionAttributeValues={":pk": {"S": "INV#c"}})["Items"]
    assert len(items) > 2  # META + several evidence chunks
    assert all(len(str(i)) < 400_000 for i in items)
    assert store.load_report("c") == report


def test_recent_by_environment_and_by_fingerprint(dynamo: Dynamo) -> None:
    store = InvestigationStore(dynamo)
    for n in range(3):
        store.create(_record(f"r{n}", fp="fp-x" if n < 2 else "fp-y", at=NOW + timedelta(minutes=n)),
                     workload="payments-api")
    recent = store.recent("prod-eu", "production", "payments-api")
    assert [r.id for r in recent] == ["r2", "r1", "r0"]
    assert {r.id for r in store.by_fingerprint("fp-x")} == {"r0", "r1"}
    assert store.recent("prod-us", "production", "payments-api") == []


def test_dedup_storm_of_concurrent_claims_yields_one_winner(dynamo: Dynamo) -> None:
    dedup = DedupStore(dynamo)

    def claim(n: int) -> tuple[bool, str]:
        c = dedup.claim("prod-eu/production/payments-api", f"inv-{n}", now=NOW, window=timedelta(minutes=30))
        return c.new, c.investigation_id

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(claim, range(100)))
    winners = [inv for new, inv in results if new]
    assert len(winners) == 1
    assert {inv for _new, inv in results} == {winners[0]}


def test_dedup_claim_expires_after_window(dynamo: Dynamo) -> None:
    dedup = DedupStore(dynamo)
    assert dedup.claim("k", "first", now=NOW, window=timedelta(minutes=5)).new
    assert not dedup.claim("k", "second", now=NOW + timedelta(minutes=4), window=timedelta(minutes=5)).new
    later = dedup.claim("k", "third", now=NOW + timedelta(minutes=6), window=timedelta(minutes=5))
    assert later.new
    assert later.investigation_id == "third"


def test_feedback_is_idempotent_and_moves_the_tally(dynamo: Dynamo) -> None:
    store = FeedbackStore(dynamo)
    fb = Feedback(investigation_id="f1", verdict=Verdict.INCORRECT, actual_category=Category.OOM,
                  user="U1", submitted_at=NOW, category=Category.CONFIG_CHANGE)
    assert store.record(fb, cluster="prod-eu", namespace="production")
    assert not store.record(fb, cluster="prod-eu", namespace="production")  # double click
    assert [f.verdict for f in store.for_investigation("f1")] == [Verdict.INCORRECT]
    tallies = {t.category: t for t in store.tallies("prod-eu", "production")}
    assert tallies["config_change"].rejected == 1.0
    assert tallies["oom"].confirmed == 1.0
    assert store.tallies("prod-us", "production") == []  # never leaks across environments
    assert len(store.for_environment("prod-eu", "production")) == 1


def test_concurrent_feedback_never_loses_a_vote(dynamo: Dynamo) -> None:
    store = FeedbackStore(dynamo)

    def vote(n: int) -> bool:
        return store.record(Feedback(investigation_id=f"v{n}", verdict=Verdict.ACCURATE, user=f"U{n}",
                                     submitted_at=NOW, category=Category.OOM),
                            cluster="c", namespace="n")

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(vote, range(12)))
    (tally,) = store.tallies("c", "n")
    assert tally.confirmed == 12.0
