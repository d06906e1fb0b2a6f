"""Ages read exactly as kubectl's AGE column (apimachinery HumanDuration)."""

from __future__ import annotations

import datetime as dt

import pytest

from firstresponder.sim.ages import age, human_duration


@pytest.mark.parametrize(("seconds", "text"), [
    (-5, "<invalid>"), (-1, "0s"), (0, "0s"), (119, "119s"), (120, "2m"), (125, "2m5s"), (600, "10m"),
    (179 * 60, "179m"), (3 * 3600, "3h"), (3 * 3600 + 60 * 5, "3h5m"), (8 * 3600, "8h"), (47 * 3600, "47h"),
    (48 * 3600, "2d"), (50 * 3600, "2d2h"), (8 * 86400, "8d"), (729 * 86400, "729d"), (730 * 86400, "2y"),
    (731 * 86400, "2y1d"), (8 * 365 * 86400, "8y"),
])
def test_human_duration(seconds: int, text: str) -> None:
    assert human_duration(dt.timedelta(seconds=seconds)) == text


def test_age_of_missing_timestamp_is_unknown() -> None:
    now = dt.datetime(2024, 5, 14, tzinfo=dt.UTC)

    assert age(None, now) == "<unknown>"
    assert age("2024-05-13T23:59:00Z", now) == "60s"
