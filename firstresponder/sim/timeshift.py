"""Moves every timestamp in a snapshot by one offset, so ages read as they did at capture time."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_RFC3339 = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# Timestamp-holding keys end like these (creationTimestamp, lastTransitionTime, startedAt, ...).
_TIMESTAMP_KEY_ENDINGS = ("Timestamp", "Time", "At")
_TIMESTAMP_KEYS = frozenset({"time", "timestamp", "eventTime", "lastTimestamp", "firstTimestamp"})
# User data whose strings are not ours to rewrite.
_OPAQUE_KEYS = frozenset({"data", "binaryData", "stringData", "labels", "annotations"})


def parse_rfc3339(value: str) -> dt.datetime | None:
    """The UTC datetime of an RFC3339 string, or None when it is not one."""
    match = _RFC3339.match(value)
    if not match:
        return None
    fraction = (match.group(2) or "")[:7]  # Python keeps microseconds only
    try:
        parsed = dt.datetime.fromisoformat(match.group(1) + fraction + match.group(3).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(dt.UTC)


def format_rfc3339(moment: dt.datetime, *, fraction_digits: int = 0) -> str:
    """``2024-05-01T12:00:00Z`` (with ``fraction_digits`` sub-second digits, at most 9)."""
    moment = moment.astimezone(dt.UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if fraction_digits:
        text += "." + f"{moment.microsecond:06d}000"[:fraction_digits]
    return text + "Z"


def shift_timestamp(value: str, delta: dt.timedelta) -> str:
    """The same RFC3339 timestamp moved by ``delta``, keeping its sub-second precision."""
    match = _RFC3339.match(value)
    parsed = parse_rfc3339(value)
    if match is None or parsed is None:
        return value
    digits = len(match.group(2) or ".") - 1
    return format_rfc3339(parsed + delta, fraction_digits=min(digits, 9))


def shift_object(value: Any, delta: dt.timedelta) -> Any:
    """A copy of an object (or any nested value) with its timestamps moved by ``delta``."""
    if isinstance(value, list):
        return [shift_object(item, delta) for item in value]
    if not isinstance(value, dict):
        return value
    shifted: dict[str, Any] = {}
    for key, item in value.items():
        if key in _OPAQUE_KEYS:
            shifted[key] = item
        elif isinstance(item, str) and _is_timestamp_key(key):
            shifted[key] = shift_timestamp(item, delta)
        else:
            shifted[key] = shift_object(item, delta)
    return shifted


def _is_timestamp_key(key: str) -> bool:
    return key in _TIMESTAMP_KEYS or key.endswith(_TIMESTAMP_KEY_ENDINGS)


def shift_log(text: str, delta: dt.timedelta) -> str:
    """Log text with each line's leading RFC3339 timestamp (as ``--timestamps`` prints it) moved."""
    if not delta:
        return text
    lines = text.split("\n")
    for index, line in enumerate(lines):
        stamp, space, rest = line.partition(" ")
        if space and _RFC3339.match(stamp):
            lines[index] = f"{shift_timestamp(stamp, delta)} {rest}"
    return "\n".join(lines)
