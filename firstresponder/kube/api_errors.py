"""Reading a failed API response: the Status body and the Retry-After header."""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus


@dataclass(frozen=True)
class StatusBody:
    """``reason`` and ``message`` of a ``kind: Status`` body (either may be missing)."""

    reason: str | None = None
    message: str | None = None


def parse_status_body(body: bytes) -> StatusBody:
    """The Status the API server sent with an error; empty when the body is not one."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return StatusBody()
    if not isinstance(payload, dict):
        return StatusBody()
    reason, message = payload.get("reason"), payload.get("message")
    return StatusBody(reason=reason if isinstance(reason, str) and reason else None,
                      message=message if isinstance(message, str) and message else None)


def http_reason(status: int) -> str:
    """The standard phrase for an HTTP status, e.g. ``Forbidden``."""
    try:
        return HTTPStatus(status).phrase.replace(" ", "")
    except ValueError:
        return f"HTTP{status}"


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header; None when absent or not a number of seconds."""
    # The API server always sends delta-seconds; an HTTP date falls back to the caller's default pause.
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(0.0, seconds) if seconds == seconds else None  # NaN is not a delay
