"""The Slack gateway through the real slack-sdk over HTTP against the local Slack stand-in."""

from __future__ import annotations

import pytest

from firstresponder.slack.gateway import SlackDeliveryError, SlackGateway, SlackWebhook
from tests.support.slack_standin import TOKEN, running_slack_standin

BLOCKS = [{"type": "header", "text": {"type": "plain_text", "text": "Diagnosis"}},
          {"type": "section", "text": {"type": "mrkdwn", "text": "*ConfigMap payments-config*"}}]


def test_post_then_update_keeps_one_message() -> None:
    with running_slack_standin() as slack:
        gateway = SlackGateway(TOKEN, base_url=slack.api_url)
        posted = gateway.post("#incidents", text="diagnosis", blocks=BLOCKS)
        gateway.update(posted.channel, posted.ts, text="resolved", blocks=BLOCKS)
        assert len(slack.messages) == 1
        assert slack.messages[posted.ts]["text"] == "resolved"


def test_thread_reply_carries_thread_ts() -> None:
    with running_slack_standin() as slack:
        gateway = SlackGateway(TOKEN, base_url=slack.api_url)
        posted = gateway.post("#incidents", text="diagnosis", blocks=BLOCKS)
        gateway.post("#incidents", text="evidence", blocks=BLOCKS, thread_ts=posted.ts)
        assert slack.calls_to("chat.postMessage")[1]["thread_ts"] == posted.ts


def test_rate_limit_is_retried_after_retry_after() -> None:
    with running_slack_standin() as slack:
        slack.fail_next(429, retry_after=0)
        posted = SlackGateway(TOKEN, base_url=slack.api_url).post("#c", text="t", blocks=BLOCKS)
        assert posted.ts in slack.messages
        assert len(slack.calls_to("chat.postMessage")) == 2


def test_server_errors_exhaust_retries_into_delivery_error() -> None:
    with running_slack_standin() as slack:
        for _ in range(3):
            slack.fail_next(503)
        with pytest.raises(SlackDeliveryError):
            SlackGateway(TOKEN, base_url=slack.api_url, max_retries=2).post("#c", text="t", blocks=BLOCKS)


def test_bad_token_is_a_delivery_error() -> None:
    with running_slack_standin() as slack, pytest.raises(SlackDeliveryError, match="invalid_auth"):
        SlackGateway("xoxb-wrong", base_url=slack.api_url).post("#c", text="t", blocks=BLOCKS)


def test_standin_rejects_blocks_over_slack_limits() -> None:
    too_many = [{"type": "divider"}] * 51
    with running_slack_standin() as slack, pytest.raises(SlackDeliveryError, match="invalid_blocks"):
        SlackGateway(TOKEN, base_url=slack.api_url).post("#c", text="t", blocks=too_many)


def test_incoming_webhook_alternative() -> None:
    with running_slack_standin() as slack:
        SlackWebhook(slack.url + "/webhook/T000/B000").post(text="t", blocks=BLOCKS)
        assert slack.calls[0][0] == "/webhook/T000/B000"
