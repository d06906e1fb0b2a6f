"""GitHub-flavoured markdown report, for a ticket or a post-mortem."""

from __future__ import annotations

import re
from collections.abc import Sequence

from firstresponder.models import Report
from firstresponder.render.sanitize import clean, excerpt_lines, one_line
from firstresponder.render.timing import change_offset, ordered_changes, relative_to_alert, utc_label
from firstresponder.render.view import cited_evidence, gap_sentence, stats_lines
from firstresponder.render.vocabulary import (
    category_emoji,
    category_title,
    cause_sentence,
    confidence_badge,
    diagnosis_heading,
    is_undetermined,
    workload_and_namespace,
)

# Characters GitHub markdown gives meaning to inside a line; HTML is neutralised separately.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def md(text: str, max_len: int = 2000) -> str:
    """One line of untrusted text made inert: no HTML, links, emphasis or table breaks."""
    flat = one_line(text, max_len)
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", flat)


def code(text: str, max_len: int = 300, *, in_table: bool = False) -> str:
    """Inline code span that survives backticks in the content (and pipes inside a table)."""
    flat = one_line(text, max_len)
    if in_table:
        flat = flat.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def fenced(text: str, lang: str = "", *, indent: str = "") -> str:
    """A fenced block whose fence is longer than any backtick run in the content."""
    body = clean(text, max_line=4000)
    longest = max((len(run) for run in re.findall(r"`{3,}", body)), default=2)
    fence = "`" * (longest + 1)
    lines = [f"{fence}{lang}", *body.split("\n"), fence]
    return "\n".join(indent + line for line in lines)


def render_markdown(report: Report | Sequence[Report]) -> str:
    """One report, or an alert group's reports separated by rules."""
    reports = [report] if isinstance(report, Report) else list(report)
    return "\n\n---\n\n".join(_render_one(r) for r in reports)


def _render_one(report: Report) -> str:
    parts = [_head(report), _fixes(report), _evidence(report), _changes(report), _alternatives(report),
             _gaps(report), _examined(report),
             "## Stats\n\n" + "\n".join(f"- {md(line)}" for line in stats_lines(report))]
    return "\n\n".join(p for p in parts if p) + "\n"


def _head(report: Report) -> str:
    cause = report.root_cause
    name, namespace = workload_and_namespace(report)
    where = " · ".join(md(p, 200) for p in (name, namespace) if p)
    lines = [
        f"# {category_emoji(cause.category)} {diagnosis_heading(report)}: {md(category_title(cause.category))}"
        f" — {where}",
        "",
        f"**{'⚪ Inconclusive' if is_undetermined(report) else confidence_badge(cause.confidence.level)}** "
        f"({cause.confidence.score:.0%}) · "
        f"{md(cause_sentence(report))}",
        "",
        f"- {'Where it shows' if is_undetermined(report) else 'Culprit'}: {code(cause.resource.key)}" + (" (outside the cluster)" if cause.outside_cluster else ""),
    ]
    if cause.detail:
        lines.append(f"- Detail: {md(cause.detail)}")
    if cause.confidence.reasons:
        lines.append("- Why this confidence: " + "; ".join(md(r, 300) for r in cause.confidence.reasons))
    if cause.verification:
        lines.append(f"- {'Next step' if is_undetermined(report) else 'To confirm'}: {code(cause.verification, 2000)}")
    if cause.evidence_ids:
        lines.append("- Evidence: " + ", ".join(_ev_link(i) for i in cause.evidence_ids))
    alert = report.alert
    lines.append(f"- Alert: {md(alert.name, 200)} — {md(alert.title, 300)} ({md(alert.severity, 40)}, "
                 f"{alert.status.value}) since {utc_label(alert.starts_at)}"
                 + (f" on {code(report.cluster, 120)}" if report.cluster else ""))
    lines += [f"- History: {md(h, 300)}" for h in report.history]
    return "\n".join(lines)


def _ev_link(evidence_id: str) -> str:
    return f"[{md(evidence_id, 120)}](#{_slug(evidence_id)})"


def _slug(evidence_id: str) -> str:
    """GitHub's heading anchor for an evidence heading ``### <id>``."""
    return re.sub(r"[^a-z0-9_-]", "", one_line(evidence_id, 120).lower().replace(" ", "-"))


def _fixes(report: Report) -> str:
    if not report.remediation:
        return ""
    blocks = ["## Fix\n\n_Nothing was changed by firstresponder: review and run these yourself._"]
    for number, fix in enumerate(report.remediation, start=1):
        block = [f"{number}. **{md(fix.description)}**"]
        if fix.command:
            block.append(fenced(fix.command, "sh", indent="   "))
        if fix.caution:
            block += [f"   > ⚠️ {md(line)}" for line in excerpt_lines(fix.caution, max_lines=6)]
        if fix.verify:
            block += ["", "   Verify:", "", fenced(fix.verify, "sh", indent="   ")]
        blocks.append("\n".join(block))
    return "\n\n".join(blocks)


def _evidence(report: Report) -> str:
    if not report.evidence:
        return ""
    cited = {e.id for e in cited_evidence(report, report.root_cause)}
    blocks = ["## Evidence"]
    for ev in report.evidence:
        star = " · ⭐ supports the root cause" if ev.id in cited else ""
        block = [f"### {md(ev.id, 120)}", "",
                 f"Read from {code(ev.resource.key)} · `{ev.source}`" + (f" · {utc_label(ev.at)}" if ev.at else "") + star,
                 "", md(ev.summary)]
        lines = excerpt_lines(ev.excerpt, max_lines=12, max_line=300)
        if lines:
            block += ["", fenced("\n".join(lines))]
        blocks.append("\n".join(block))
    return "\n\n".join(blocks)


def _changes(report: Report) -> str:
    changes = ordered_changes(report)
    if not changes:
        return ""
    rows = ["## What changed", "", "| When (UTC) | Relative | Kind | Resource | Change |", "|---|---|---|---|---|"]
    for ch in changes:
        actor = f" (by {md(ch.actor, 80)})" if ch.actor else ""
        cite = f" {_ev_link(ch.evidence_id)}" if ch.evidence_id else ""
        rows.append(f"| {utc_label(ch.at)} | {relative_to_alert(change_offset(report, ch))} | {ch.kind.value} | "
                    f"{code(ch.resource.key, in_table=True)} | {md(ch.summary, 400)}{actor}{cite} |")
    return "\n".join(rows)


def _alternatives(report: Report) -> str:
    if not report.hypotheses:
        return ""
    lines = ["## Also considered", ""]
    for alt in report.hypotheses:
        lines.append(f"- **{md(category_title(alt.category))}** ({alt.confidence.level.value}, "
                     f"{alt.confidence.score:.0%}): {md(alt.summary)} at {code(alt.resource.key)}"
                     + (f" — ranked lower because {md(alt.ranked_lower_because)}" if alt.ranked_lower_because else ""))
    return "\n".join(lines)


def _gaps(report: Report) -> str:
    items = [gap_sentence(g) for g in report.gaps] + list(report.alert.scope_notes)
    if not items:
        return ""
    return "## Gaps\n\n" + "\n".join(f"- {md(item)}" for item in items)


def _examined(report: Report) -> str:
    if not report.affected_resources:
        return ""
    rows = ["## What was examined", "", "| Resource | Relation | Failing |", "|---|---|---|"]
    rows += [f"| {code(r.ref.key, in_table=True)} | {md(r.relation, 200)} | {'❌' if r.failing else ''} |"
             for r in report.affected_resources]
    return "\n".join(rows)
