"""Masking of credentials that sit in plain config values (URL passwords, secret-looking variables)."""

from __future__ import annotations

import re

_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)(?P<password>[^@/\s]+)@")
_SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE|CREDENTIAL", re.IGNORECASE)
MASK = "****"


def mask_value(name: str, value: str) -> str:
    """The value with URL passwords masked; fully masked when the name says it is a secret."""
    if _SECRET_NAME.search(name):
        return MASK
    return _URL_PASSWORD.sub(lambda m: f"{m.group('head')}{MASK}@", value)
