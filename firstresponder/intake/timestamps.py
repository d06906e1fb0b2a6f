"""Lenient timestamp parsing for the formats alert sources actually send."""

from __future__ import annotations

import re
from datetime import UTC, datetime

# Go's zero time: Alertmanager's "not ended yet".
_GO_ZERO_YEAR = 1
# RFC 3339 with more than six fractional digits (Go sends nanoseconds).
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_timestamp(value: object) -> datetime | None:
    """ISO 8601 / RFC 3339 (``Z``, ``+0000``, nanoseconds) → aware UTC datetime; None if absent or zero."""
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        return None
    text = _LONG_FRACTION.sub(r"\1", value.strip())
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.year <= _GO_ZERO_YEAR:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # sources that omit the zone mean UTC
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def parse_epoch_millis(value: object) -> datetime | None:
    """Epoch milliseconds (number or digit string, as Datadog sends) → aware UTC datetime."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 16:
        value = int(value.strip())
    if not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(float(value) / 1000.0, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
