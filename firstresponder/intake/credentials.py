"""Constant-time check of the bearer token, shared-secret header or Basic password a sender presents."""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping, Sequence

from firstresponder.intake.errors import IntakeError

# A shared secret can be sent where a sender cannot set Authorization (Datadog custom headers do both).
CREDENTIAL_HEADER = "x-firstresponder-token"


def presented_credentials(headers: Mapping[str, str]) -> list[str]:
    """Every credential in the headers: ``Bearer`` token, Basic password, or the shared-secret header."""
    lowered = {name.lower(): value for name, value in headers.items() if isinstance(value, str)}
    found: list[str] = []
    scheme, _, value = lowered.get("authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        found.append(value.strip())
    elif scheme.lower() == "basic" and value.strip():
        password = _basic_password(value.strip())
        if password:
            found.append(password)
    if lowered.get(CREDENTIAL_HEADER, "").strip():
        found.append(lowered[CREDENTIAL_HEADER].strip())
    return found


def check_credential(headers: Mapping[str, str], expected: Sequence[str]) -> None:
    """Return when a presented credential equals one of ``expected``; else IntakeError(401). Fails closed."""
    presented = presented_credentials(headers)
    if not presented:
        raise IntakeError(401, "missing credential")
    matched = False
    for candidate in presented:
        for secret in expected:
            # Compare every pair, without short-circuit, so timing says nothing about which one matched.
            matched |= bool(secret) and hmac.compare_digest(_utf8(candidate), _utf8(secret))
    if not matched:
        raise IntakeError(401, "invalid credential")


def _basic_password(encoded: str) -> str | None:
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    _, sep, password = decoded.partition(":")
    return password if sep and password else None


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")
