"""Posting and updating report messages through slack-sdk (bot token or incoming webhook)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient


class SlackDeliveryError(Exception):
    """Slack refused or could not be reached; the report is already stored, so this is recorded, not fatal."""


class PostedMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: str
    ts: str


def _retry_handlers(max_retries: int) -> list[Any]:
    # 429s honour Retry-After (slack-sdk's handler reads the header); 5xx and resets back off.
    return [RateLimitErrorRetryHandler(max_retry_count=max_retries),
            ServerErrorRetryHandler(max_retry_count=max_retries),
            ConnectionErrorRetryHandler(max_retry_count=max_retries)]


class SlackGateway:
    """chat.postMessage / chat.update / views.open with a bot token."""

    def __init__(self, token: str, *, base_url: str | None = None, timeout: int = 5,
                 max_retries: int = 2) -> None:
        self._client = WebClient(token=token, base_url=base_url or "https://slack.com/api/",
                                 timeout=timeout, retry_handlers=_retry_handlers(max_retries))

    def post(self, channel: str, *, text: str, blocks: list[dict[str, Any]],
             thread_ts: str | None = None) -> PostedMessage:
        response = self._call("chat.postMessage", channel=channel, text=text, blocks=blocks,
                              thread_ts=thread_ts, unfurl_links=False, unfurl_media=False)
        return PostedMessage(channel=str(response["channel"]), ts=str(response["ts"]))

    def update(self, channel: str, ts: str, *, text: str, blocks: list[dict[str, Any]]) -> PostedMessage:
        response = self._call("chat.update", channel=channel, ts=ts, text=text, blocks=blocks)
        return PostedMessage(channel=str(response["channel"]), ts=str(response["ts"]))

    def open_modal(self, trigger_id: str, view: dict[str, Any]) -> None:
        self._call("views.open", trigger_id=trigger_id, view=view)

    def _call(self, method: str, **params: Any) -> dict[str, Any]:
        payload = {k: v for k, v in params.items() if v is not None}
        try:
            response = self._client.api_call(method, json=payload)
        except SlackApiError as err:
            raise SlackDeliveryError(f"{method}: {err.response.get('error', 'error')}") from err
        except (SlackRequestError, OSError) as err:
            raise SlackDeliveryError(f"{method}: {err}") from err
        return dict(response.data) if isinstance(response.data, dict) else {}


class SlackWebhook:
    """The simpler alternative: an incoming-webhook URL (no updates, no threads)."""

    def __init__(self, url: str, *, timeout: int = 5, max_retries: int = 2) -> None:
        self._client = WebhookClient(url, timeout=timeout, retry_handlers=_retry_handlers(max_retries))

    def post(self, *, text: str, blocks: list[dict[str, Any]]) -> None:
        try:
            response = self._client.send(text=text, blocks=blocks)
        except OSError as err:
            raise SlackDeliveryError(f"webhook: {err}") from err
        if response.status_code != 200:
            raise SlackDeliveryError(f"webhook: HTTP {response.status_code} {response.body[:200]}")
