"""The generic schema's errors, and the entry points' status codes: 400, 404, 413, 415, 422."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from firstresponder.intake import (
    IntakeError,
    SnsControlMessage,
    check_content_type,
    detect_source,
    parse_alert_file,
    parse_payload,
    read_payload,
    source_from_name,
)
from firstresponder.intake.generic import normalise_generic
from firstresponder.intake.parsing import MAX_PAYLOAD_BYTES
from firstresponder.models.alert import AlertSource, AlertStatus
from firstresponder.models.resource import ResourceRef
from tests.unit.intake.alert_fixtures import fixture_files

GENERIC = {"cluster": "prod", "namespace": "shop", "kind": "StatefulSet", "name": "db", "title": "DB lagging",
           "severity": "critical", "startsAt": "2026-11-27T21:00:00Z", "status": "firing",
           "labels": {"alertname": "DbLag"}}


def status_of(call: Any, *args: Any) -> tuple[int, str]:
    with pytest.raises(IntakeError) as caught:
        call(*args)
    return caught.value.status, caught.value.reason


def test_generic_alert_names_its_resource() -> None:
    [alert] = normalise_generic(GENERIC)
    assert alert.resource == ResourceRef(kind="StatefulSet", namespace="shop", name="db")
    assert (alert.name, alert.cluster, alert.status) == ("DbLag", "prod", AlertStatus.FIRING)
    assert normalise_generic(GENERIC)[0].fingerprint == alert.fingerprint


def test_generic_cluster_scoped_kind_and_half_named_resource() -> None:
    [node] = normalise_generic({**GENERIC, "kind": "Node", "name": "n1"})
    assert node.resource == ResourceRef(kind="Node", name="n1")
    [half] = normalise_generic({**GENERIC, "kind": None})
    assert half.resource is None and half.scope == "Namespace/shop"
    assert "kind and name must both be given" in half.scope_notes[0]


@pytest.mark.parametrize(("change", "reason"), [
    ({"sevrity": "x"}, "generic alert: sevrity: Extra inputs are not permitted"),
    ({"startsAt": "2026-11-27T21:00:00"}, "startsAt: Input should have timezone info"),
    ({"status": "pending"}, "status: Input should be 'firing' or 'resolved'"),
    ({"kind": "deployment"}, "kind: String should match pattern"),
    ({"title": ""}, "title: String should have at least 1 character"),
    ({"labels": {"a": 1}}, "labels.a: Input should be a valid string"),
])
def test_generic_errors_name_the_field(change: dict[str, Any], reason: str) -> None:
    status, text = status_of(normalise_generic, {**GENERIC, **change})
    assert status == 422 and reason in text


def test_generic_batch_and_list() -> None:
    assert len(normalise_generic({"alerts": [GENERIC, GENERIC]})) == 2
    assert len(normalise_generic([GENERIC])) == 1
    assert "alerts.1.title" in status_of(normalise_generic, {"alerts": [GENERIC, {**GENERIC, "title": 3}]})[1]


@pytest.mark.parametrize(("body", "status", "reason"), [
    (b"{not json", 400, "malformed JSON"),
    (b"[" * 100_000, 400, "malformed JSON"),
    (b"\xff\xfe{}", 415, "not UTF-8"),
    (b" " * (MAX_PAYLOAD_BYTES + 1), 413, "larger than"),
    (b'"a string"', 422, "not a JSON object"),
    (b"{}", 422, "unrecognised payload"),
    (b"[]", 422, "unrecognised list payload"),
    (b'{"title": "x"}', 422, "unrecognised payload"),
])
def test_parse_payload_status_codes(body: bytes, status: int, reason: str) -> None:
    got_status, got_reason = status_of(parse_payload, body, None)
    assert got_status == status and reason in got_reason
    assert "\n" not in got_reason


def test_explicit_source_with_the_wrong_shape_is_422() -> None:
    status, reason = status_of(parse_payload, GENERIC, AlertSource.DATADOG)
    assert status == 422 and reason.startswith("datadog webhook: date")
    assert status_of(parse_payload, b"42", AlertSource.GENERIC) == (422, "generic: payload is not a JSON object")


def test_utf8_bom_and_str_bodies_are_read() -> None:
    body = json.dumps(GENERIC).encode()
    assert parse_payload(b"\xef\xbb\xbf" + body, None) == parse_payload(body.decode(), None) == \
        parse_payload(GENERIC, AlertSource.GENERIC)


@pytest.mark.parametrize(("name", "expected"), [
    (None, None), ("auto", None), ("", None), ("Alertmanager", AlertSource.ALERTMANAGER), (" sns ", AlertSource.SNS),
])
def test_source_names(name: str | None, expected: AlertSource | None) -> None:
    assert source_from_name(name) == expected


def test_unknown_source_is_404() -> None:
    status, reason = status_of(source_from_name, "pagerduty")
    assert status == 404 and "unknown alert source 'pagerduty'" in reason and "alertmanager" in reason


@pytest.mark.parametrize("content_type", [None, "", "application/json", "application/json; charset=utf-8",
                                          "text/plain; charset=UTF-8", "application/vnd.api+json"])
def test_accepted_content_types(content_type: str | None) -> None:
    check_content_type(content_type)


def test_form_content_type_is_415() -> None:
    assert status_of(check_content_type, "application/x-www-form-urlencoded")[0] == 415


def test_parse_alert_file(tmp_path: Path) -> None:
    path = tmp_path / "alert.json"
    path.write_text(json.dumps(GENERIC))
    assert parse_alert_file(path, "auto") == parse_alert_file(str(path), AlertSource.GENERIC)
    assert status_of(parse_alert_file, tmp_path / "missing.json", None)[0] == 404
    assert status_of(parse_alert_file, tmp_path, None)[0] == 400
    assert status_of(parse_alert_file, path, "nagios")[0] == 404
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_PAYLOAD_BYTES + 10))
    assert status_of(parse_alert_file, big, None)[0] == 413


def test_every_fixture_file_parses_from_disk_like_from_memory() -> None:
    for fixture in (f for f in fixture_files() if f.suffix == ".json" and not f.name.startswith(("holmesgpt.", "invalid."))):
        try:
            from_disk = parse_alert_file(fixture, None)
        except IntakeError as error:
            assert error.status == 422
            continue
        assert from_disk == parse_payload(fixture.read_bytes(), detect_source(json.loads(fixture.read_bytes())))


def test_read_payload_returns_sns_confirmations_and_parse_payload_refuses_them() -> None:
    body = (fixture_files()[0].parents[1] / "sns" / "subscription-confirmation.https.json").read_bytes()
    confirmation = read_payload(body, None)
    assert isinstance(confirmation, SnsControlMessage) and confirmation.type == "SubscriptionConfirmation"
    assert status_of(parse_payload, body, None) == \
        (422, "sns: SubscriptionConfirmation is not an alert; confirm or ignore it instead")
    assert read_payload(GENERIC, None) == parse_payload(GENERIC, None)
