"""Hostile input: arbitrary JSON, mutated real payloads and raw bytes yield Alerts or an IntakeError, nothing else."""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firstresponder.intake import (
    IntakeError,
    SnsSignatureVerifier,
    detect_source,
    group_into_incidents,
    parse_payload,
)
from firstresponder.intake.alertmanager import normalise_alertmanager
from firstresponder.intake.datadog import normalise_datadog
from firstresponder.intake.eventbridge import normalise_eventbridge
from firstresponder.intake.generic import normalise_generic
from firstresponder.intake.sanitize import MAX_LABELS, clean_line, clean_text
from firstresponder.intake.sns import normalise_sns, read_sns
from firstresponder.models.alert import Alert, AlertSource
from tests.unit.intake.alert_fixtures import fixture_body, fixture_files

NORMALISERS: list[Callable[[Any], list[Alert]]] = [
    normalise_alertmanager, normalise_sns, normalise_eventbridge, normalise_datadog, normalise_generic,
    lambda payload: parse_payload(payload, None),
]
REAL_PAYLOADS = [json.loads(fixture_body(path)) for path in fixture_files()]
# Strings that matter to the parsers: keys they look for, timestamps, controls, surrogates, huge numbers.
INTERESTING_TEXT = st.sampled_from([
    "", "ALARM", "OK", "resolved", "Notification", "SubscriptionConfirmation", "CloudWatch Alarm State Change",
    "2026-11-27T21:00:00Z", "0001-01-01T00:00:00Z", "1795813773000", "9" * 40, "$ALERT_ID", "../../x",
    "\x00\x1b[2J", "\ud800", "\u202e", "[Triggered on {pod_name:a}] x", "kube_namespace:x,pod_name:y", "{}", "[",
    '{"AlarmName":"a","NewStateValue":"ALARM"}', "x" * 5000, "https://sns.eu-west-1.amazonaws.com/a.pem",
])
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30) | INTERESTING_TEXT
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=5) |
                    st.dictionaries(st.text(max_size=12) | INTERESTING_TEXT, inner, max_size=6), max_leaves=30)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def only_alerts_or_intake_errors(call: Callable[[Any], list[Alert]], payload: Any) -> None:
    try:
        alerts = call(payload)
    except IntakeError as error:
        assert 400 <= error.status < 600 and error.reason and "\n" not in error.reason
        return
    assert isinstance(alerts, list) and all(isinstance(alert, Alert) for alert in alerts)
    for alert in alerts:
        assert len(alert.labels) <= MAX_LABELS
        assert alert.starts_at.tzinfo is not None
        assert alert.fingerprint and alert.name and alert.title
        Alert.model_validate_json(alert.model_dump_json())  # serialisable and round-trips
    group_into_incidents(alerts)


@FAST
@given(payload=JSON, which=st.integers(0, len(NORMALISERS) - 1))
def test_arbitrary_json(payload: Any, which: int) -> None:
    only_alerts_or_intake_errors(NORMALISERS[which], payload)


def _mutate(payload: Any, data: st.DataObject) -> Any:
    """Replace, delete or retype one node somewhere in a real payload (or inside an SNS Message string)."""
    paths: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in list(node):
                paths.append((node, key))
                walk(node[key])
        elif isinstance(node, list):
            for index in range(len(node)):
                paths.append((node, index))
                walk(node[index])

    walk(payload)
    if not paths:
        return payload
    parent, key = data.draw(st.sampled_from(paths))
    action = data.draw(st.sampled_from(["replace", "delete", "json-string"]))
    if action == "delete" and isinstance(parent, dict):
        del parent[key]
    elif action == "json-string" and isinstance(parent[key], str) and parent[key].startswith("{"):
        try:
            inner = json.loads(parent[key])
        except ValueError:
            return payload
        parent[key] = json.dumps(_mutate(inner, data))
    else:
        parent[key] = data.draw(JSON)
    return payload


@FAST
@given(data=st.data())
def test_mutated_real_payloads(data: st.DataObject) -> None:
    payload = copy.deepcopy(data.draw(st.sampled_from(REAL_PAYLOADS)))
    for _ in range(data.draw(st.integers(1, 3))):
        payload = _mutate(payload, data)
    which = data.draw(st.integers(0, len(NORMALISERS) - 1))
    only_alerts_or_intake_errors(NORMALISERS[which], payload)


@FAST
@given(body=st.binary(max_size=400) | JSON.map(lambda v: json.dumps(v).encode()),
       source=st.none() | st.sampled_from(list(AlertSource)))
def test_arbitrary_bytes(body: bytes, source: AlertSource | None) -> None:
    only_alerts_or_intake_errors(lambda raw: parse_payload(raw, source), body)


@FAST
@given(payload=JSON)
def test_detect_and_read_sns_raise_only_intake_errors(payload: Any) -> None:
    for call in (detect_source, read_sns):
        with contextlib.suppress(IntakeError):
            call(payload)


@settings(max_examples=300, deadline=None)
@given(text=st.text(), limit=st.integers(1, 100))
def test_cleaned_text_has_no_controls_and_respects_the_limit(text: str, limit: int) -> None:
    line, block = clean_line(text, limit), clean_text(text, limit)
    assert len(line) <= limit and len(block) <= limit
    assert not any(ch in line for ch in "\n\t\r\x00\x1b\u202e")
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in line + block)
    line.encode("utf-8")
    block.encode("utf-8")


@FAST
@given(envelope=st.dictionaries(st.sampled_from(["Type", "Message", "MessageId", "Subject", "Timestamp", "TopicArn",
                                                 "Token", "SubscribeURL", "SignatureVersion", "Signature",
                                                 "SigningCertURL", "SigningCertUrl"]), JSON, max_size=12))
def test_signature_verifier_raises_only_intake_errors(envelope: dict[str, Any]) -> None:
    def no_network(url: str) -> bytes:
        raise AssertionError(f"would have fetched {url}")

    try:
        SnsSignatureVerifier(no_network).verify(envelope)
    except IntakeError as error:
        assert error.status in (403, 503)
    else:
        raise AssertionError("an unsigned envelope was accepted")
