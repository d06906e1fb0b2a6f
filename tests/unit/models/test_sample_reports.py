"""The sample reports used across tests are realistic and internally consistent."""

from __future__ import annotations

import pytest

from firstresponder.models import Category, ConfidenceLevel, Report
from tests.support.reports import sample_reports

SAMPLES = sample_reports()


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_report_round_trips_through_json(name: str) -> None:
    report = SAMPLES[name]
    assert Report.model_validate_json(report.model_dump_json()) == report


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_cited_evidence_exists(name: str) -> None:
    report = SAMPLES[name]
    cited = [*report.root_cause.evidence_ids, *(i for h in report.hypotheses for i in h.evidence_ids),
             *(c.evidence_id for c in report.changes if c.evidence_id)]
    assert all(report.evidence_by_id(i) is not None for i in cited)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_edges_join_known_resources(name: str) -> None:
    report = SAMPLES[name]
    known = {r.ref.key for r in report.affected_resources}
    assert all(e.source in known and e.target in known for e in report.edges)


def test_samples_cover_the_situations_renderers_must_handle() -> None:
    assert SAMPLES["config_change"].root_cause.category == Category.CONFIG_CHANGE
    assert SAMPLES["oom"].root_cause.category == Category.OOM
    assert SAMPLES["low_confidence"].root_cause.confidence.level == ConfidenceLevel.LOW
    assert SAMPLES["external_dependency"].root_cause.outside_cluster
    failed = SAMPLES["failed"]
    assert failed.root_cause.category == Category.UNKNOWN
    assert failed.gaps and any(g.rbac_rule for g in failed.gaps)


def test_evidence_by_id_returns_none_for_unknown_ids() -> None:
    assert SAMPLES["oom"].evidence_by_id("ev-missing") is None
