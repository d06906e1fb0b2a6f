"""Plain-text report for a terminal at 3 AM: the conclusion first, then the fix, then the why."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

from firstresponder.models import ConfidenceLevel, Report
from firstresponder.render.sanitize import clean, excerpt_lines, one_line
from firstresponder.render.timing import change_offset, ordered_changes, relative_to_alert, utc_label
from firstresponder.render.view import cited_evidence, gap_sentence, resource_label, stats_lines
from firstresponder.render.vocabulary import (
    category_title,
    cause_sentence,
    diagnosis_heading,
    is_tentative,
    is_undetermined,
    verdict_words,
    workload_and_namespace,
)

WIDTH = 100
GROUP_SEPARATOR = "=" * 72

_ANSI = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36", "magenta": "35"}
_LEVEL_COLOR = {ConfidenceLevel.HIGH: "green", ConfidenceLevel.MEDIUM: "yellow", ConfidenceLevel.LOW: "red"}


class _Style:
    """ANSI styling that is a no-op when colour is off (the CLI decides from isatty)."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, *styles: str) -> str:
        if not self.color or not styles:
            return text
        codes = ";".join(_ANSI[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


def render_text(report: Report | Sequence[Report], *, color: bool = False) -> str:
    """One report, or an alert group's reports one after another with a separator."""
    reports = [report] if isinstance(report, Report) else list(report)
    return f"\n{GROUP_SEPARATOR}\n\n".join(_render_one(r, _Style(color)) for r in reports)


def _render_one(report: Report, style: _Style) -> str:
    sections = [
        _headline(report, style),
        _remediation(report, style),
        _evidence(report, style),
        _changes(report, style),
        _hypotheses(report, style),
        _gaps(report, style),
        _examined(report, style),
        _section("STATS", [f"  {line}" for line in stats_lines(report)], style),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"


def _wrap(text: str, indent: str = "  ", hang: int = 0) -> list[str]:
    """Wrap prose at WIDTH; ``hang`` indents continuation lines further (under a bullet's text)."""
    return textwrap.wrap(one_line(text, 2000), WIDTH, initial_indent=indent,
                         subsequent_indent=indent + " " * hang,
                         break_long_words=True, break_on_hyphens=False) or [indent.rstrip()]


def _section(title: str, body: Iterable[str], style: _Style) -> str:
    lines = list(body)
    return "\n".join([style(title, "bold"), *lines]) if lines else ""


def _headline(report: Report, style: _Style) -> str:
    cause = report.root_cause
    level = cause.confidence.level
    name, namespace = workload_and_namespace(report)
    where = " · ".join(one_line(p, 120) for p in (name, namespace) if p)
    badge = style(f"{verdict_words(report).upper()} ({cause.confidence.score:.0%})", "bold", _LEVEL_COLOR[level])
    lines = [f"{badge}  {style(category_title(cause.category), 'bold')}  {diagnosis_heading(report)} · {where}"]
    lines += _wrap(cause_sentence(report), "")
    lines.append(f"  at {resource_label(cause.resource)}" + ("  (outside the cluster)" if cause.outside_cluster else ""))
    if cause.detail:
        lines += _wrap(cause.detail)
    if cause.confidence.reasons:
        lines += _wrap("why this confidence: " + "; ".join(cause.confidence.reasons))
    if cause.verification and (is_tentative(report) or level != ConfidenceLevel.HIGH or is_undetermined(report)):
        lines.append(style("  Next step:" if is_undetermined(report) else "  To confirm:", "bold"))
        lines.append(f"    {one_line(cause.verification, 2000)}")
    if cause.evidence_ids:
        lines += _wrap("evidence: " + ", ".join(one_line(i, 120) for i in cause.evidence_ids))
    if is_undetermined(report) and report.gaps:
        lines.append(style(f"  {len(report.gaps)} read(s) failed — see GAPS below.", "yellow"))
    alert = report.alert
    lines += _wrap(f"alert: {alert.name} — {alert.title} ({alert.severity}, {alert.status.value}) "
                   f"since {utc_label(alert.starts_at)}; investigated {utc_label(report.investigated_at)}"
                   + (f" on cluster {report.cluster}" if report.cluster else ""))
    lines += [f"  {one_line(h, 300)}" for h in report.history]
    return "\n".join(lines)


def _remediation(report: Report, style: _Style) -> str:
    body: list[str] = []
    for number, fix in enumerate(report.remediation, start=1):
        body += _wrap(f"{number}. {fix.description}")
        if fix.command:
            # Commands are never wrapped: they must paste as one line.
            body += [f"     {style(line, 'cyan')}" for line in clean(fix.command, max_line=4000).split("\n")]
        if fix.caution:
            body += [style(f"     ⚠ {line}", "yellow") for line in excerpt_lines(fix.caution, max_lines=6)]
        if fix.verify:
            body.append(f"     verify: {style(one_line(fix.verify, 4000), 'cyan')}")
    return _section("FIX (nothing was changed; run these yourself)" if body else "", body, style)


def _evidence(report: Report, style: _Style) -> str:
    cited = {e.id for e in cited_evidence(report, report.root_cause)}
    body: list[str] = []
    for evidence in report.evidence:
        mark = "*" if evidence.id in cited else "-"
        when = f" at {utc_label(evidence.at)}" if evidence.at else ""
        body += _wrap(f"{mark} [{evidence.id}] {evidence.resource.key} ({evidence.source}){when}", hang=4)
        body += _wrap(evidence.summary, "      ")
        body += [style(f"      | {line}", "dim") for line in excerpt_lines(evidence.excerpt, max_lines=4,
                                                                           max_line=WIDTH - 8)]
    return _section("EVIDENCE (* supports the root cause)", body, style)


def _changes(report: Report, style: _Style) -> str:
    body = []
    for change in ordered_changes(report):
        when = relative_to_alert(change_offset(report, change))
        actor = f" by {one_line(change.actor, 80)}" if change.actor else ""
        cite = f" [{one_line(change.evidence_id, 120)}]" if change.evidence_id else ""
        body.append(f"  {utc_label(change.at)}  {style(when, 'bold')}")
        body += _wrap(f"{change.kind.value} {resource_label(change.resource)}: {change.summary}{actor}{cite}",
                      "      ")
    return _section("WHAT CHANGED (oldest first)", body, style)


def _hypotheses(report: Report, style: _Style) -> str:
    body = []
    for alt in report.hypotheses:
        conf = alt.confidence
        body += _wrap(hang=2, text=f"- {category_title(alt.category)}: {alt.summary} ({conf.level.value}, {conf.score:.0%}) "
                      f"at {resource_label(alt.resource)}")
        if alt.ranked_lower_because:
            body += _wrap(f"ranked lower because {alt.ranked_lower_because}", "    ")
    return _section("ALSO CONSIDERED", body, style)


def _gaps(report: Report, style: _Style) -> str:
    body = [line for gap in report.gaps for line in _wrap(f"- {gap_sentence(gap)}", hang=2)]
    body += [line for note in report.alert.scope_notes for line in _wrap(f"- {note}", hang=2)]
    return _section("GAPS (what could not be examined)", body, style)


def _examined(report: Report, style: _Style) -> str:
    body = []
    for res in report.affected_resources:
        failing = "  " + style("FAILING", "red", "bold") if res.failing else ""
        body.append(f"  {resource_label(res.ref)}  ({one_line(res.relation, 200)}){failing}")
    return _section("WHAT WAS EXAMINED", body, style)
