"""Times as a responder reads them: "6h 2m before the alert", and when things started failing."""

from __future__ import annotations

from datetime import UTC, datetime

from firstresponder.models import Change, Report
from firstresponder.models.evidence import ContainerStatusFacts, EventFacts, PodStatusFacts


def humanize_seconds(seconds: float) -> str:
    """Two most significant units: ``45s``, ``6h 2m``, ``3d 4h``."""
    total = round(abs(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
    significant = [f"{value}{unit}" for value, unit in parts if value]
    return " ".join(significant[:2]) or "0s"


def relative_to_alert(seconds_before: float) -> str:
    """``6h 2m before the alert`` / ``3m after the alert`` / ``at the alert``."""
    if abs(seconds_before) < 1:
        return "at the alert"
    side = "before" if seconds_before > 0 else "after"
    return f"{humanize_seconds(seconds_before)} {side} the alert"


def seconds_before_alert(report: Report, at: datetime) -> float:
    """Positive when ``at`` precedes the alert's start."""
    return (report.alert.starts_at - at).total_seconds()


def change_offset(report: Report, change: Change) -> float:
    """The change's distance before the alert, preferring the collector's own figure."""
    if change.seconds_before_alert is not None:
        return change.seconds_before_alert
    return seconds_before_alert(report, change.at)


def ordered_changes(report: Report) -> list[Change]:
    """Changes oldest first (the report promises order; renderers do not rely on it)."""
    return sorted(report.changes, key=lambda c: c.at)


def first_failure_at(report: Report) -> datetime | None:
    """Earliest termination or Warning-event time in the evidence: when things started failing."""
    times: list[datetime] = []
    for evidence in report.evidence:
        facts = evidence.facts
        if isinstance(facts, ContainerStatusFacts):
            for term in (facts.terminated, facts.last_terminated):
                if term is not None and term.exit_code != 0:
                    times += [t for t in (term.finished_at,) if t is not None]
        elif isinstance(facts, EventFacts) and facts.type == "Warning":
            times += [t for t in (facts.first_seen or facts.last_seen or evidence.at,) if t is not None]
        elif isinstance(facts, PodStatusFacts) and facts.reason == "Evicted" and evidence.at is not None:
            times.append(evidence.at)
    return min(times, default=None)


def utc_label(at: datetime) -> str:
    """``2026-11-27 03:12:00 UTC``."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
