"""Stable, readable evidence ids (``ev-pod-payments-api-7d9f-x2x9z-api-status``)."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^a-z0-9.]+")


def evidence_id(*parts: str) -> str:
    """``ev-`` followed by the parts, lower-cased, anything but letters, digits and dots made ``-``."""
    slugs = [_UNSAFE.sub("-", part.lower()).strip("-") for part in parts if part]
    return "ev-" + "-".join(s for s in slugs if s)
