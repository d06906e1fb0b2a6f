"""The HTTP API over real HTTP (API Gateway v2 events), DynamoDB on moto's server, Slack stand-in."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
from openapi_spec_validator import validate

from firstresponder.api.links import sign_link
from firstresponder.models import Category, Confidence, ConfidenceLevel, Report, ResourceRef, RootCause
from firstresponder.services.publishing import store_report
from tests.integration.api.conftest import API_TOKEN, LINK_KEY, NOW, SIGNING_SECRET, WEBHOOK_TOKEN, Stack

AUTH = {"Authorization": f"Bearer {WEBHOOK_TOKEN}"}
API_AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


def crashloop(pod: str, *, status: str = "firing", fingerprint: str | None = None) -> dict[str, Any]:
    labels = {"alertname": "KubePodCrashLooping", "namespace": "production", "pod": pod, "container": "api",
              "reason": "CrashLoopBackOff", "severity": "warning", "job": "kube-state-metrics",
              "cluster": "prod-eu"}
    return {"version": "4", "groupKey": "{}:{alertname=\"KubePodCrashLooping\"}", "truncatedAlerts": 0,
            "status": status, "receiver": "firstresponder", "groupLabels": {"alertname": "KubePodCrashLooping"},
            "commonLabels": labels, "commonAnnotations": {}, "externalURL": "http://alertmanager:9093",
            "alerts": [{"status": status, "labels": labels,
                        "annotations": {"summary": "Pod is crash looping."},
                        "startsAt": "2026-03-14T02:51:00Z", "endsAt": "0001-01-01T00:00:00Z",
                        "generatorURL": "http://prometheus/graph", "fingerprint": fingerprint or pod[-8:]}]}


def post(stack: Stack, source: str, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(f"{stack.url}/alerts/{source}", content=content,
                      headers={"Content-Type": "application/json", **(AUTH if headers is None else headers)})


def test_alert_is_stored_before_202_and_starts_one_investigation(stack: Stack) -> None:
    response = post(stack, "alertmanager", crashloop("payments-api-7d9f8-x2x9q"))
    assert response.status_code == 202
    (accepted,) = response.json()["investigations"]
    assert accepted["new"] is True
    assert accepted["status_url"] == f"https://fr.example.com/investigations/{accepted['id']}"
    record = stack.investigations.get(accepted["id"])
    assert record is not None
    assert record.alert.resource == ResourceRef(kind="Pod", namespace="production", name="payments-api-7d9f8-x2x9q")
    assert stack.starter.started == [accepted["id"]]


def test_repeated_alert_attaches_to_the_running_investigation(stack: Stack) -> None:
    first = post(stack, "alertmanager", crashloop("payments-api-7d9f8-x2x9q")).json()["investigations"][0]
    again = post(stack, "alertmanager", crashloop("payments-api-7d9f8-k8s7d")).json()["investigations"][0]
    assert again["id"] == first["id"]
    assert again["new"] is False
    record = stack.investigations.get(first["id"])
    assert record is not None
    assert len(record.related_fingerprints) == 2


def test_storm_of_1000_concurrent_alerts_starts_exactly_one_investigation(stack: Stack) -> None:
    with httpx.Client(headers={"Content-Type": "application/json", **AUTH}) as client:
        alphabet = "bcdfghjklmnpqrstvwxz2456789"  # what Kubernetes uses for generated name suffixes

        def send(n: int) -> int:
            suffix = "".join(alphabet[(n // len(alphabet) ** i) % len(alphabet)] for i in range(5))
            body = json.dumps(crashloop(f"payments-api-7d9f8-{suffix}", fingerprint=f"fp{n:05d}"))
            return client.post(f"{stack.url}/alerts/alertmanager", content=body).status_code

        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(send, range(1000)))
    assert set(statuses) == {202}
    assert len(stack.starter.started) == 1
    print(f"\n1000 concurrent alerts -> {len(stack.starter.started)} investigation")


def test_resolved_alert_annotates_instead_of_starting(stack: Stack) -> None:
    accepted = post(stack, "alertmanager", crashloop("payments-api-7d9f8-x2x9q", fingerprint="fp-r"))
    inv = accepted.json()["investigations"][0]["id"]
    resolved = post(stack, "alertmanager", crashloop("payments-api-7d9f8-x2x9q", status="resolved", fingerprint="fp-r"))
    assert resolved.status_code == 200
    assert resolved.json()["resolved"] == 1
    assert stack.starter.started == [inv]
    record = stack.investigations.get(inv)
    assert record is not None
    assert record.resolved_at is not None


def test_bad_input_gets_the_right_4xx_with_a_reason_and_starts_nothing(stack: Stack) -> None:
    cases = [
        (post(stack, "alertmanager", crashloop("p-1"), headers={}), 401),
        (post(stack, "alertmanager", crashloop("p-1"), headers={"Authorization": "Bearer wrong"}), 401),
        (post(stack, "alertmanager", b"{not json"), 400),
        (post(stack, "alertmanager", {"version": "4", "alerts": "nope"}), 422),
        (post(stack, "nagios", crashloop("p-1")), 404),
        (post(stack, "alertmanager", b"x" * 2_000_000), 413),
        (httpx.post(f"{stack.url}/alerts/alertmanager", content=b"a=b",
                    headers={"Content-Type": "application/x-www-form-urlencoded", **AUTH}), 415),
        (post(stack, "sns", {"Type": "Notification", "Message": "{}", "SignatureVersion": "1",
                             "Signature": "Zm9yZ2Vk", "SigningCertURL": "https://evil.example.com/cert.pem",
                             "TopicArn": "arn:aws:sns:us-east-1:123456789012:alarms", "MessageId": "m",
                             "Timestamp": "2026-03-14T02:51:00Z"}, headers={}), 403),
    ]
    for response, status in cases:
        assert response.status_code == status, response.text
        assert response.json()["error"]
        assert "Traceback" not in response.text
    assert stack.starter.started == []


def _finished(stack: Stack, inv: str) -> None:
    record = stack.investigations.get(inv)
    assert record is not None
    cause = RootCause(summary="DB_HOST changed", category=Category.CONFIG_CHANGE,
                      resource=ResourceRef(kind="ConfigMap", namespace="production", name="payments-config"),
                      confidence=Confidence(level=ConfidenceLevel.HIGH, score=0.9))
    report = Report(id=inv, alert=record.alert, investigated_at=NOW, root_cause=cause)
    store_report(report, record, stack.investigations, now=NOW)


def test_investigation_status_and_report(stack: Stack) -> None:
    inv = post(stack, "alertmanager", crashloop("payments-api-7d9f8-x2x9q")).json()["investigations"][0]["id"]
    assert httpx.get(f"{stack.url}/investigations/{inv}").status_code == 401
    assert httpx.get(f"{stack.url}/investigations/{inv}", headers=API_AUTH).json()["status"] == "accepted"
    _finished(stack, inv)
    view = httpx.get(f"{stack.url}/investigations/{inv}", headers=API_AUTH).json()
    assert view["status"] == "done"
    assert view["report"]["root_cause"]["resource"]["name"] == "payments-config"
    assert httpx.get(f"{stack.url}/investigations/nope", headers=API_AUTH).status_code == 404


def test_signed_report_link_opens_html_and_forged_or_expired_ones_get_403(stack: Stack) -> None:
    inv = post(stack, "alertmanager", crashloop("payments-api-7d9f8-x2x9q")).json()["investigations"][0]["id"]
    _finished(stack, inv)
    html_accept = {"Accept": "text/html"}
    good = sign_link(inv, key=LINK_KEY, now=NOW)
    page = httpx.get(f"{stack.url}/investigations/{inv}?token={good}", headers=html_accept)
    assert page.status_code == 200
    assert "payments-config" in page.text
    forged = sign_link(inv, key=b"other-key", now=NOW)
    expired = sign_link(inv, key=LINK_KEY, now=NOW - timedelta(days=30))
    for token in (forged, expired, "garbage"):
        refused = httpx.get(f"{stack.url}/investigations/{inv}?token={token}", headers=html_accept)
        assert refused.status_code == 403
        assert "cannot be opened" in refused.text


def test_feedback_api_is_authenticated_idempotent_and_404_on_unknown(stack: Stack) -> None:
    inv = post(stack, "alertmanager", crashloop("payments-api-7d9f8-x2x9q")).json()["investigations"][0]["id"]
    _finished(stack, inv)
    url = f"{stack.url}/investigations/{inv}/feedback"
    body = {"verdict": "incorrect", "actual_cause": "the node ran out of disk", "actual_category": "node"}
    assert httpx.post(url, json=body).status_code == 401
    assert httpx.post(url, json=body, headers=API_AUTH).json() == {"recorded": True}
    assert httpx.post(url, json=body, headers=API_AUTH).json() == {"recorded": False}
    bad = httpx.post(url, json={"verdict": "great"}, headers=API_AUTH)
    assert bad.status_code == 422
    assert "verdict" in bad.json()["error"]
    assert httpx.post(f"{stack.url}/investigations/nope/feedback", json=body, headers=API_AUTH).status_code == 404
    listed = httpx.get(url, headers=API_AUTH).json()["feedback"]
    assert [f["verdict"] for f in listed] == ["incorrect"]


def _slack_post(stack: Stack, payload: dict[str, Any], *, age: int = 0, secret: str = SIGNING_SECRET) -> httpx.Response:
    body = urlencode({"payload": json.dumps(payload)})
    timestamp = str(int(time.time()) - age)
    signature = "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return httpx.post(f"{stack.url}/slack/interactions", content=body.encode(),
                      headers={"Content-Type": "application/x-www-form-urlencoded",
                               "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature})


def test_slack_button_opens_modal_and_submission_records_feedback(stack: Stack) -> None:
    inv = post(stack, "alertmanager", crashloop("payments-api-7d9f8-x2x9q")).json()["investigations"][0]["id"]
    _finished(stack, inv)
    click = {"type": "block_actions", "trigger_id": "trig-1", "user": {"id": "U123"},
             "actions": [{"action_id": "feedback_partial", "value": inv}]}
    assert _slack_post(stack, click).status_code == 200
    (opened,) = stack.slack.calls_to("views.open")
    view = opened["view"]
    view.update({"id": "V1", "state": {"values": {
        "cause": {"value": {"type": "plain_text_input", "value": "memory leak after the config change"}},
        "category": {"value": {"type": "static_select", "selected_option": {"value": "oom"}}},
        "culprit": {"value": {"type": "plain_text_input", "value": "Deployment/production/payments-api"}}}}})
    submission = {"type": "view_submission", "user": {"id": "U123"}, "view": view}
    assert _slack_post(stack, submission).status_code == 200
    assert _slack_post(stack, submission).status_code == 200  # double submit: idempotent
    feedback = stack.deps.feedback.for_investigation(inv)
    assert len(feedback) == 1
    assert feedback[0].actual_category == Category.OOM
    assert feedback[0].actual_culprit == ResourceRef(kind="Deployment", namespace="production", name="payments-api")


def test_slack_requests_with_bad_signature_or_outside_replay_window_are_refused(stack: Stack) -> None:
    click = {"type": "block_actions", "trigger_id": "t", "actions": [{"action_id": "feedback_accurate", "value": "x"}]}
    assert _slack_post(stack, click, secret="wrong").status_code == 401
    assert _slack_post(stack, click, age=600).status_code == 401
    assert stack.slack.calls_to("views.open") == []


def test_openapi_document_is_generated_and_valid(stack: Stack) -> None:
    spec = httpx.get(f"{stack.url}/openapi.json").json()
    validate(spec)
    assert {"/alerts/{source}", "/investigations/{investigation_id}",
            "/investigations/{investigation_id}/feedback", "/slack/interactions"} <= set(spec["paths"])
