"""What the HTTP API needs, assembled once per cold start (or by the local stack / tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from firstresponder.services.intake import IntakeDeps
from firstresponder.slack.gateway import SlackGateway
from firstresponder.storage.feedback import FeedbackStore


@dataclass
class ApiDeps:
    intake: IntakeDeps
    feedback: FeedbackStore
    api_tokens: Callable[[], list[str]]  # bearer tokens for /investigations
    link_key: Callable[[], bytes]  # HMAC key for signed report links
    clock: Callable[[], datetime]
    public_base_url: str = ""
    slack_signing_secret: Callable[[], str] | None = None
    slack: SlackGateway | None = None
