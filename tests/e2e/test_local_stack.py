"""End to end through the local stack: HTTP alert → intake → Step Functions (moto, the real ASL) →
handlers → DynamoDB → Slack stand-in, with cluster faults that are retried or become gaps."""

from __future__ import annotations

import time
from typing import Any

import boto3
import httpx

from firstresponder.cli.demo import demo_dir
from firstresponder.local.stack import LocalStack, running_local_stack
from firstresponder.sim.faults import FaultPlan, FaultRule

FINISHED = {"done", "partial", "failed"}


def send_demo_alert(stack: LocalStack) -> str:
    response = httpx.post(f"{stack.url}/alerts/alertmanager", content=(demo_dir() / "alert.json").read_bytes(),
                          headers={"Content-Type": "application/json", "Authorization": f"Bearer {stack.webhook_token}"})
    assert response.status_code == 202, response.text
    return str(response.json()["investigations"][0]["id"])


def wait_for(stack: LocalStack, investigation: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120  # guards a hung run; not a performance assertion
    while time.monotonic() < deadline:
        view = httpx.get(f"{stack.url}/investigations/{investigation}",
                         headers={"Authorization": f"Bearer {stack.api_token}"}).json()
        if view["status"] in FINISHED:
            return dict(view)
        time.sleep(0.2)
    raise AssertionError("investigation did not finish")


def collect_attempts(stack: LocalStack, investigation: str) -> tuple[int, int]:
    """(collector Lambda invocations, Map items) from the execution history."""
    sfn = boto3.client("stepfunctions", endpoint_url=stack.moto_endpoint)
    arn = stack.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{investigation}"
    events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    scheduled = [e for e in events if e["type"] == "TaskScheduled"
                 and ":function:collect" in e["taskScheduledEventDetails"]["parameters"]]
    items = [e for e in events if e["type"] == "MapIterationStarted"]
    return len(scheduled), len(items)


def test_alert_to_stored_report_and_slack_post() -> None:
    with running_local_stack(demo_dir()) as stack:
        investigation = send_demo_alert(stack)
        view = wait_for(stack, investigation)
        assert view["status"] == "done"
        cause = view["report"]["root_cause"]
        assert cause["resource"]["name"] == "payments-config"
        stats = view["report"]["stats"]  # the cost of discovery and every collect task, added up
        assert stats["api_requests"] > 20 and stats["api_bytes"] > 10_000 and stats["collectors_run"] > 10
        (post, *thread) = stack.slack.calls_to("chat.postMessage")
        assert post["channel"] == "#incidents"
        assert "payments-config" in str(post["blocks"])
        assert all(reply["thread_ts"] for reply in thread)
        assert stack.sim.requests and {r.method for r in stack.sim.requests} == {"GET"}


def test_transient_fault_is_retried_and_permanent_fault_becomes_a_gap() -> None:
    faults = FaultPlan([FaultRule.http(503, subresource="log", first=3),  # fails, then recovers
                        FaultRule.http(500, kind="ResourceQuota")])  # never recovers
    with running_local_stack(demo_dir(), faults=faults) as stack:
        investigation = send_demo_alert(stack)
        view = wait_for(stack, investigation)
        attempts, items = collect_attempts(stack, investigation)
        assert attempts > items  # some collector invocations were retried by the state machine
        report = view["report"]
        assert view["status"] == "partial"
        gaps = " | ".join(f"{g['what']}: {g['reason']}" for g in report["gaps"])
        assert "failed after retries" in gaps
        assert any(e["facts"]["source"] == "container.logs" for e in report["evidence"])  # logs recovered
        assert report["root_cause"]["resource"]["name"] == "payments-config"
        assert stack.slack.calls_to("chat.postMessage")


def test_resolved_alert_updates_the_one_slack_message() -> None:
    import json

    with running_local_stack(demo_dir()) as stack:
        investigation = send_demo_alert(stack)
        wait_for(stack, investigation)
        posts = stack.slack.calls_to("chat.postMessage")
        payload = json.loads((demo_dir() / "alert.json").read_text())
        payload["status"] = "resolved"
        for alert in payload["alerts"]:
            alert.update({"status": "resolved", "endsAt": "2026-03-17T03:30:00Z"})
        resolved = httpx.post(f"{stack.url}/alerts/alertmanager", json=payload,
                              headers={"Authorization": f"Bearer {stack.webhook_token}"})
        assert resolved.status_code == 200
        assert resolved.json()["resolved"] == 1
        (update,) = stack.slack.calls_to("chat.update")
        assert len(stack.slack.calls_to("chat.postMessage")) == len(posts)  # no second post
        assert update["ts"] in stack.slack.messages
        assert "esolved" in json.dumps(update["blocks"])


def test_a_failing_step_still_stores_and_posts_a_failed_investigation() -> None:
    import json

    payload = json.loads((demo_dir() / "alert.json").read_text())
    for alert in payload["alerts"]:
        alert["labels"]["cluster"] = "cluster-nobody-registered"
    with running_local_stack(demo_dir()) as stack:
        response = httpx.post(f"{stack.url}/alerts/alertmanager", json=payload,
                              headers={"Authorization": f"Bearer {stack.webhook_token}"})
        investigation = response.json()["investigations"][0]["id"]
        view = wait_for(stack, investigation)
        assert view["status"] == "failed"
        assert "not registered" in view["error"]
        report = view["report"]
        assert report["root_cause"]["confidence"]["level"] == "low"
        assert any("investigation pipeline" in g["what"] for g in report["gaps"])
        (post, *_rest) = stack.slack.calls_to("chat.postMessage")
        assert "Inconclusive" in json.dumps(post["blocks"]) or "could not" in json.dumps(post["blocks"])
