"""Ages as kubectl prints them (apimachinery ``duration.HumanDuration``)."""

from __future__ import annotations

import datetime as dt

from firstresponder.sim.timeshift import parse_rfc3339


def human_duration(delta: dt.timedelta) -> str:
    """``45s``, ``3m20s``, ``5h10m``, ``3d4h``, ``2y30d``... exactly as kubectl's AGE column."""
    seconds = int(delta.total_seconds())
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        rest = seconds % 60
        return f"{minutes}m" if rest == 0 else f"{minutes}m{rest}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h" if rest == 0 else f"{hours}h{rest}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d" if rest == 0 else f"{hours // 24}d{rest}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        rest = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if rest == 0 else f"{hours // 24 // 365}y{rest}d"
    return f"{hours // 24 // 365}y"


def age(timestamp: object, now: dt.datetime) -> str:
    """The age of an RFC3339 timestamp at ``now``; ``<unknown>`` when absent, as kubectl prints it."""
    moment = parse_rfc3339(timestamp) if isinstance(timestamp, str) else None
    return "<unknown>" if moment is None else human_duration(now - moment)
