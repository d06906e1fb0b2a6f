"""Signed, expiring links to a report page (HMAC-SHA256 with a key from Secrets Manager)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta


class LinkRefused(Exception):
    """The token is forged, malformed, for another report, or expired."""


def _mac(key: bytes, message: str) -> str:
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign_link(investigation_id: str, *, key: bytes, now: datetime, ttl: timedelta = timedelta(days=7)) -> str:
    expires = int((now + ttl).timestamp())
    return f"{expires}.{_mac(key, f'{investigation_id}.{expires}')}"


def verify_link(token: str, investigation_id: str, *, key: bytes, now: datetime) -> None:
    expires_text, _, mac = token.partition(".")
    if not expires_text.isdigit() or not mac:
        raise LinkRefused("malformed link token")
    if not hmac.compare_digest(mac, _mac(key, f"{investigation_id}.{expires_text}")):
        raise LinkRefused("link token is not valid for this report")
    if int(expires_text) < now.timestamp():
        raise LinkRefused("link has expired; open the report from Slack again or use the API")
