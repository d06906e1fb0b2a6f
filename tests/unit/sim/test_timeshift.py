"""Timestamp shifting: every time in an object moves by one offset; user data does not."""

from __future__ import annotations

import datetime as dt

from firstresponder.sim.timeshift import parse_rfc3339, shift_log, shift_object, shift_timestamp

HOUR = dt.timedelta(hours=1)


def test_shift_keeps_precision() -> None:
    assert shift_timestamp("2024-05-14T09:30:00Z", HOUR) == "2024-05-14T10:30:00Z"
    assert shift_timestamp("2024-05-14T09:30:00.123456Z", HOUR) == "2024-05-14T10:30:00.123456Z"
    assert shift_timestamp("2024-05-14T09:30:00.104128300Z", HOUR) == "2024-05-14T10:30:00.104128000Z"
    assert shift_timestamp("2024-05-14T11:30:00+02:00", HOUR) == "2024-05-14T10:30:00Z"
    assert shift_timestamp("not a time", HOUR) == "not a time"


def test_every_timestamp_field_moves_and_data_does_not() -> None:
    obj = {
        "metadata": {"creationTimestamp": "2024-05-14T09:00:00Z", "deletionTimestamp": "2024-05-14T09:10:00Z",
                     "managedFields": [{"time": "2024-05-14T09:00:00Z", "manager": "kubectl"}],
                     "annotations": {"restartedAt": "2024-05-14T09:00:00Z"},
                     "labels": {"at": "x"}},
        "status": {"conditions": [{"lastTransitionTime": "2024-05-14T09:00:00Z", "lastProbeTime": None}],
                   "containerStatuses": [{"state": {"terminated": {"startedAt": "2024-05-14T09:00:00Z",
                                                                   "finishedAt": "2024-05-14T09:01:00Z"}}}],
                   "startTime": "2024-05-14T09:00:00Z"},
        "firstTimestamp": "2024-05-14T09:00:00Z", "lastTimestamp": "2024-05-14T09:05:00Z",
        "eventTime": "2024-05-14T09:00:00.000000Z", "timestamp": "2024-05-14T09:00:00Z",
        "data": {"lastRunAt": "2024-05-14T09:00:00Z"},
        "message": "2024-05-14T09:00:00Z",
    }

    shifted = shift_object(obj, HOUR)

    assert shifted["metadata"]["creationTimestamp"] == "2024-05-14T10:00:00Z"
    assert shifted["metadata"]["deletionTimestamp"] == "2024-05-14T10:10:00Z"
    assert shifted["metadata"]["managedFields"][0]["time"] == "2024-05-14T10:00:00Z"
    assert shifted["status"]["conditions"][0] == {"lastTransitionTime": "2024-05-14T10:00:00Z", "lastProbeTime": None}
    terminated = shifted["status"]["containerStatuses"][0]["state"]["terminated"]
    assert (terminated["startedAt"], terminated["finishedAt"]) == ("2024-05-14T10:00:00Z", "2024-05-14T10:01:00Z")
    assert shifted["status"]["startTime"] == "2024-05-14T10:00:00Z"
    assert (shifted["firstTimestamp"], shifted["lastTimestamp"]) == ("2024-05-14T10:00:00Z", "2024-05-14T10:05:00Z")
    assert shifted["eventTime"] == "2024-05-14T10:00:00.000000Z"
    assert shifted["timestamp"] == "2024-05-14T10:00:00Z"
    assert shifted["data"] == obj["data"]
    assert shifted["metadata"]["annotations"] == obj["metadata"]["annotations"]
    assert shifted["message"] == obj["message"]
    assert obj["metadata"]["creationTimestamp"] == "2024-05-14T09:00:00Z"  # the original is untouched


def test_log_line_timestamps_move() -> None:
    text = "2024-05-14T09:00:00.5Z started\nplain line\n2024-05-14T09:00:01Z done"

    assert shift_log(text, HOUR) == "2024-05-14T10:00:00.5Z started\nplain line\n2024-05-14T10:00:01Z done"


def test_parse_rejects_non_rfc3339() -> None:
    assert parse_rfc3339("2024-05-14") is None
    assert parse_rfc3339("2024-13-40T00:00:00Z") is None
    assert parse_rfc3339("2024-05-14T09:00:00Z") == dt.datetime(2024, 5, 14, 9, tzinfo=dt.UTC)
