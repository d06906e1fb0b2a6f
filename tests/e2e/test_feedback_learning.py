"""Delivery and learning end to end: stored, posted, rated through signed Slack interactions, and the
next incident of the same workload shows the history and the adjusted weighting."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

import httpx

from firstresponder.cli.demo import demo_dir
from firstresponder.local.stack import LocalStack, running_local_stack
from tests.e2e.test_local_stack import send_demo_alert, wait_for


def slack_interaction(stack: LocalStack, payload: dict[str, Any]) -> httpx.Response:
    body = urlencode({"payload": json.dumps(payload)})
    timestamp = str(int(time.time()))
    signature = "v0=" + hmac.new(stack.signing_secret.encode(), f"v0:{timestamp}:{body}".encode(),
                                 hashlib.sha256).hexdigest()
    return httpx.post(f"{stack.url}/slack/interactions", content=body.encode(),
                      headers={"Content-Type": "application/x-www-form-urlencoded",
                               "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature})


def test_feedback_through_slack_changes_the_next_investigation() -> None:
    with running_local_stack(demo_dir(), extra_env={"DEDUP_WINDOW_SECONDS": "1"}) as stack:
        first_id = send_demo_alert(stack)
        first = wait_for(stack, first_id)["report"]
        post = stack.slack.calls_to("chat.postMessage")[0]
        buttons = [e for b in post["blocks"] if b["type"] == "actions" for e in b["elements"]]
        incorrect = next(b for b in buttons if b.get("action_id") == "feedback_incorrect")
        assert incorrect["value"] == first_id

        click = {"type": "block_actions", "trigger_id": "trigger-1", "user": {"id": "U-oncall"},
                 "actions": [{"action_id": "feedback_incorrect", "value": incorrect["value"]}]}
        assert slack_interaction(stack, click).status_code == 200
        view = stack.slack.calls_to("views.open")[0]["view"]
        view.update({"id": "V-1", "state": {"values": {
            "cause": {"value": {"type": "plain_text_input", "value": "a bad image shipped the same hour"}},
            "category": {"value": {"type": "static_select", "selected_option": {"value": "app_crash"}}},
            "culprit": {"value": {"type": "plain_text_input", "value": ""}}}}})
        submit = {"type": "view_submission", "user": {"id": "U-oncall"}, "view": view}
        assert slack_interaction(stack, submit).status_code == 200
        assert slack_interaction(stack, submit).status_code == 200  # double submission changes nothing
        feedback = httpx.get(f"{stack.url}/investigations/{first_id}/feedback",
                             headers={"Authorization": f"Bearer {stack.api_token}"}).json()["feedback"]
        assert [f["verdict"] for f in feedback] == ["incorrect"]

        time.sleep(1.5)  # past the de-duplication window: the same alert is a new incident
        second_id = send_demo_alert(stack)
        assert second_id != first_id
        second = wait_for(stack, second_id)["report"]
        assert any("Seen 1 time" in line for line in second["history"])
        assert any("a bad image shipped" in line for line in second["history"])
        reasons = " ".join(second["root_cause"]["confidence"]["reasons"])
        assert "learned weight" in reasons
        assert second["root_cause"]["confidence"]["score"] < first["root_cause"]["confidence"]["score"]
