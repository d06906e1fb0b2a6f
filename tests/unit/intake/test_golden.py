"""Every alert fixture normalises to its reviewed expectation, from auto-detection and from its own source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from firstresponder.intake import IntakeError, detect_source, parse_payload
from firstresponder.models.alert import Alert, AlertSource
from tests.unit.intake.alert_fixtures import (
    expected_path,
    fixture_body,
    fixture_files,
    normalised,
)

FIXTURES = fixture_files()


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def test_every_source_directory_has_fixtures() -> None:
    assert {path.parent.name for path in FIXTURES} == {source.value for source in AlertSource}
    assert len(FIXTURES) >= 50


@pytest.mark.parametrize("fixture", FIXTURES, ids=_id)
def test_fixture_matches_expected(fixture: Path) -> None:
    # Given a fixture and its reviewed expectation
    expected = json.loads(expected_path(fixture).read_text())
    # When it is normalised with --source auto
    actual = normalised(fixture)
    # Then the alerts (or the error) are exactly the reviewed ones
    assert actual == expected


@pytest.mark.parametrize("fixture", [f for f in FIXTURES if "alerts" in normalised(f)], ids=_id)
def test_auto_detection_finds_the_fixtures_source(fixture: Path) -> None:
    source = AlertSource(fixture.parent.name)
    body = json.loads(fixture_body(fixture))
    assert detect_source(body) == source
    # The explicit source gives the same alerts, and every alert says where it came from.
    alerts = parse_payload(body, source)
    assert [a.model_dump(mode="json") for a in alerts] == normalised(fixture)["alerts"]
    assert all(isinstance(a, Alert) and a.source == source for a in alerts)


def test_expectations_have_no_orphans() -> None:
    expectations = {p for p in FIXTURES[0].parents[1].glob("*/*.expected.json")}
    assert expectations == {expected_path(f) for f in FIXTURES}


def test_holmesgpt_issue_wrappers_are_refused_not_guessed() -> None:
    wrapper = next(f for f in FIXTURES if f.name == "holmesgpt.KubePodCrashLooping.issue_data.json")
    with pytest.raises(IntakeError) as caught:
        parse_payload(fixture_body(wrapper), AlertSource.ALERTMANAGER)
    assert caught.value.status == 422
    assert "alerts" in caught.value.reason
