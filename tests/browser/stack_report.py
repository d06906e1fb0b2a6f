"""An alert sent through the local stack, and the report link its Slack message carries."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import httpx

from firstresponder.local.stack import REGION, LocalStack, running_local_stack
from tests.browser.scenarios import Scenario

FINISHED = {"done", "partial", "failed"}
LINK_KEY_SECRET = "fr/report-link"  # the name running_local_stack gives the report-link key


@dataclass(frozen=True)
class ServedReport:
    scenario: Scenario
    stack: LocalStack
    investigation: str
    url: str  # the "View full report" button's URL, as Slack received it
    report: dict[str, Any]  # the stored report, as the JSON API returns it

    def link_key(self) -> bytes:
        """The stack's report-link signing key, read from its Secrets Manager like the API does."""
        secrets = boto3.client("secretsmanager", endpoint_url=self.stack.moto_endpoint, region_name=REGION)
        value = secrets.get_secret_value(SecretId=LINK_KEY_SECRET)["SecretString"]
        return str(json.loads(value)["key"]).encode()


def send_alert(stack: LocalStack, scenario: Scenario) -> str:
    response = httpx.post(f"{stack.url}/alerts/{scenario.source}", content=scenario.alert.read_bytes(),
                          headers={"Content-Type": "application/json",
                                   "Authorization": f"Bearer {stack.webhook_token}"})
    assert response.status_code == 202, response.text
    return str(response.json()["investigations"][0]["id"])


def wait_for_report(stack: LocalStack, investigation: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120  # guards a hung run; not a performance assertion
    while time.monotonic() < deadline:
        view = httpx.get(f"{stack.url}/investigations/{investigation}",
                         headers={"Authorization": f"Bearer {stack.api_token}"}).json()
        if view["status"] in FINISHED:
            assert view["report"] is not None, view
            return dict(view["report"])
        time.sleep(0.2)
    raise AssertionError(f"investigation {investigation} did not finish")


def view_report_url(stack: LocalStack) -> str:
    """The url of the "View full report" button in the first message posted to the channel."""
    post, *_thread = stack.slack.calls_to("chat.postMessage")
    buttons = [element for block in post["blocks"] if block["type"] == "actions"
               for element in block["elements"] if element.get("action_id") == "view_report"]
    assert len(buttons) == 1, post["blocks"]
    assert buttons[0]["text"]["text"] == "View full report"
    return str(buttons[0]["url"])


@contextmanager
def served_report(scenario: Scenario) -> Iterator[ServedReport]:
    """Run the scenario's alert through a fresh local stack; the stack stays up while the caller browses."""
    with running_local_stack(scenario.snapshot) as stack:
        investigation = send_alert(stack, scenario)
        report = wait_for_report(stack, investigation)
        url = view_report_url(stack)
        assert url.startswith(f"{stack.url}/investigations/{investigation}?token="), url
        yield ServedReport(scenario=scenario, stack=stack, investigation=investigation, url=url, report=report)
