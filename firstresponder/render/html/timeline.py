"""The change timeline as an inline SVG: every change on a time axis, the first failure and the alert marked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from firstresponder.models import Change, Report
from firstresponder.render.html.markup import esc
from firstresponder.render.sanitize import cap, one_line
from firstresponder.render.timing import change_offset, first_failure_at, ordered_changes, relative_to_alert

WIDTH = 840
LEFT, RIGHT = 40, 40
LANE_H = 18
LANES = 4
CHAR_W = 6.4  # average glyph width at the label size, for overlap avoidance
TICKS = 5
# The axis spans this much before the failure: months of older changes would squeeze the few hours that
# matter into a pixel. Changes the root cause cites are always drawn; the rest are counted (the table lists all).
FOCUS = timedelta(hours=24)


def drawn_changes(report: Report) -> list[Change]:
    """Changes oldest first within FOCUS of the failure, plus those the root cause cites; all when none is."""
    changes = ordered_changes(report)
    failure = first_failure_at(report)
    onset = min(report.alert.starts_at, failure) if failure is not None else report.alert.starts_at
    cited = set(report.root_cause.evidence_ids)
    recent = [c for c in changes if c.at >= onset - FOCUS or c.evidence_id in cited]
    return recent or changes


def _points_at_culprit(report: Report, change: Change) -> bool:
    cause = report.root_cause
    return change.resource.key == cause.resource.key or change.evidence_id in cause.evidence_ids


def time_span(report: Report, changes: list[Change] | None = None) -> tuple[datetime, datetime]:
    """The axis range: the drawn changes, the first failure and the alert start, padded by 5%."""
    drawn = drawn_changes(report) if changes is None else changes
    moments = [c.at for c in drawn] + [report.alert.starts_at]
    failure = first_failure_at(report)
    if failure is not None:
        moments.append(failure)
    start, end = min(moments), max(moments)
    pad = max((end - start) * 0.05, timedelta(minutes=5))
    return start - pad, end + pad


def render_timeline_svg(report: Report) -> str:
    """SVG of the changes on the incident's time line (empty string when nothing changed)."""
    changes = drawn_changes(report)
    if not changes:
        return ""
    start, end = time_span(report, changes)
    span = (end - start).total_seconds()

    def x_of(at: datetime) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (at - start).total_seconds() / span

    axis_y = 30 + LANES * LANE_H + 14
    height = axis_y + 44
    parts = [f'<svg class="timeline" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="timeline-title" '
             f'xmlns="http://www.w3.org/2000/svg">',
             '<title id="timeline-title">Changes before the alert, on a time axis</title>',
             f'<line class="axis" x1="{LEFT}" y1="{axis_y}" x2="{WIDTH - RIGHT}" y2="{axis_y}"/>']
    parts += _ticks(start, end, x_of, axis_y)
    if earlier := len(report.changes) - len(changes):
        parts.append(f'<text class="tick-label earlier" x="{LEFT}" y="{axis_y + 34}">'
                     f'← {earlier} earlier change{"s" if earlier > 1 else ""} in the table</text>')
    failure = first_failure_at(report)
    if failure is not None:
        parts.append(_marker(x_of(failure), axis_y, "first-failure", "first failure", 12))
    parts.append(_marker(x_of(report.alert.starts_at), axis_y, "alert-start", "alert", 24))
    lane_ends = [float("-inf")] * LANES
    numbers = {id(c): n for n, c in enumerate(ordered_changes(report), start=1)}  # the table's numbering
    for change in changes:
        parts.append(_change_mark(report, change, numbers[id(change)], x_of(change.at), axis_y, lane_ends))
    parts.append("</svg>")
    return "\n".join(parts)


def _ticks(start: datetime, end: datetime, x_of: Callable[[datetime], float], axis_y: int) -> list[str]:
    long_span = (end - start) > timedelta(hours=20)
    fmt = "%m-%d %H:%M" if long_span else "%H:%M"
    out = []
    for i in range(TICKS):
        at = start + (end - start) * (i / (TICKS - 1))
        x = x_of(at)
        out.append(f'<line class="tick" x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 5}"/>'
                   f'<text class="tick-label" x="{x:.1f}" y="{axis_y + 18}">{at.strftime(fmt)}</text>')
    out.append(f'<text class="tick-label" x="{WIDTH - RIGHT}" y="{axis_y + 34}">UTC</text>')
    return out


def _marker(x: float, axis_y: int, css: str, label: str, label_y: int) -> str:
    # Near the right edge the label reads leftwards from the line so it stays inside the picture.
    end_anchored = x + len(label) * CHAR_W > WIDTH - 4
    text = (f'<text class="end" x="{x - 4:.1f}" y="{label_y}">{label}</text>' if end_anchored
            else f'<text x="{x + 4:.1f}" y="{label_y}">{label}</text>')
    return f'<g class="{css}"><line x1="{x:.1f}" y1="{label_y + 4}" x2="{x:.1f}" y2="{axis_y + 8}"/>{text}</g>'


def _change_mark(report: Report, change: Change, number: int, x: float, axis_y: int,
                 lane_ends: list[float]) -> str:
    label = f"{number} {cap(one_line(change.resource.name, 60), 22)}"
    width = len(label) * CHAR_W
    # Labels near the right edge extend leftwards so they stay inside the picture.
    end_anchored = x + width > WIDTH - 4
    left, right = (x - width, x) if end_anchored else (x, x + width)
    # The lane nearest the axis whose previous label ends before this one starts; none: number only.
    lane = next((i for i, end in enumerate(lane_ends) if end < left - 2), None)
    title = esc(f"{relative_to_alert(change_offset(report, change))}: {change.kind.value} {change.resource.key} — "
                f"{change.summary}", 500)
    text, label_y = f"{number}", axis_y - 8
    if lane is not None:
        lane_ends[lane] = right
        text = esc(label, 40)
        label_y = axis_y - 12 - lane * LANE_H
    anchor = ' class="end"' if end_anchored else ""
    culprit = " culprit" if _points_at_culprit(report, change) else ""
    text_x = x - 3 if end_anchored else x + 3
    return (f'<g class="change k-{change.kind.value}{culprit}"><title>{title}</title>'
            f'<line class="stem" x1="{x:.1f}" y1="{label_y + 3}" x2="{x:.1f}" y2="{axis_y}"/>'
            f'<circle cx="{x:.1f}" cy="{axis_y}" r="5"/>'
            f'<text{anchor} x="{text_x:.1f}" y="{label_y:.1f}">{text}</text></g>')
