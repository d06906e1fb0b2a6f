"""Times as a responder reads them, and when the failure started."""

from __future__ import annotations

from datetime import timedelta

import pytest

from firstresponder.models.evidence import EventFacts
from firstresponder.render.timing import (
    change_offset,
    first_failure_at,
    humanize_seconds,
    relative_to_alert,
)
from tests.support.reports import ALERT_START, config_change_report, failed_report, oom_report


@pytest.mark.parametrize(("seconds", "expected"), [
    (0, "0s"), (45, "45s"), (60, "1m"), (21720, "6h 2m"), (90061, "1d 1h"), (-125, "2m 5s"),
])
def test_humanize_seconds_keeps_two_units(seconds: float, expected: str) -> None:
    assert humanize_seconds(seconds) == expected


def test_relative_to_alert_names_the_side() -> None:
    assert relative_to_alert(21720) == "6h 2m before the alert"
    assert relative_to_alert(-180) == "3m after the alert"
    assert relative_to_alert(0.2) == "at the alert"


def test_change_offset_falls_back_to_the_times_when_not_given() -> None:
    report = config_change_report()
    change = report.changes[1].model_copy(update={"seconds_before_alert": None})
    assert change_offset(report, change) == 1200


def test_first_failure_is_the_earliest_warning_or_termination() -> None:
    report = oom_report()
    # The BackOff event's first_seen (1h 52m before) precedes the last OOM kill (3m before).
    assert first_failure_at(report) == ALERT_START - timedelta(hours=1, minutes=52)


def test_first_failure_ignores_normal_events_and_clean_exits() -> None:
    report = oom_report()
    normal = report.evidence[2].model_copy(update={"facts": EventFacts(
        involved=report.evidence[2].resource, type="Normal", reason="Pulled",
        first_seen=ALERT_START - timedelta(days=1))})
    report = report.model_copy(update={"evidence": [report.evidence[0], normal]})
    assert first_failure_at(report) == ALERT_START - timedelta(minutes=3)


def test_first_failure_is_none_without_failure_evidence() -> None:
    assert first_failure_at(failed_report()) is None
