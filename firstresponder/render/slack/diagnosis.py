"""The main Slack message: what is wrong, how sure, what to run, and feedback buttons."""

from __future__ import annotations

from firstresponder.models import AlertStatus, Report
from firstresponder.render.sanitize import cap, one_line
from firstresponder.render.slack import blocks, limits
from firstresponder.render.slack.blocks import Block
from firstresponder.render.slack.mrkdwn import code, code_block, escape, escape_block, fit_lines
from firstresponder.render.timing import utc_label
from firstresponder.render.view import cited_evidence
from firstresponder.render.vocabulary import (
    category_emoji,
    category_title,
    cause_label,
    cause_sentence,
    confidence_badge,
    confidence_words,
    diagnosis_heading,
    is_tentative,
    is_undetermined,
    workload_and_namespace,
)

FEEDBACK_BUTTONS = (
    ("feedback_accurate", "✅ Accurate", "primary"),
    ("feedback_partial", "🤔 Partially accurate", None),
    ("feedback_incorrect", "❌ Incorrect", "danger"),
)


def main_blocks(report: Report, report_url: str | None) -> list[Block]:
    """Blocks in reading order; the fix list shrinks first if the budget is ever tight."""
    head = [blocks.header(header_text(report)), blocks.section(_finding(report)), _context(report)]
    fixes = _fix_blocks(report)
    tail = [blocks.actions(*_buttons(report, report_url))]
    room = limits.MAX_BLOCKS - len(head) - len(tail)
    return [*head, *fixes[:room], *tail]


def header_text(report: Report) -> str:
    """``🤖 AI Diagnosis  payments-api · production   🟢 High Confidence`` within 150 characters."""
    name, namespace = workload_and_namespace(report)
    robot = "🤖 " if diagnosis_heading(report).startswith("AI") else "🔎 "
    badge = confidence_badge(report.root_cause.confidence.level)
    if is_undetermined(report):
        badge = "⚪ Inconclusive"
    fixed = f"{robot}{diagnosis_heading(report)}  " + f"   {badge}"
    where = " · ".join(one_line(p, 100) for p in (name, namespace) if p)
    where = cap(where, limits.MAX_HEADER_TEXT - len(fixed))
    return f"{robot}{diagnosis_heading(report)}  {where}   {badge}"


def fallback_text(report: Report) -> str:
    """Notification text: short, escaped, the gist only."""
    cause = report.root_cause
    name, namespace = workload_and_namespace(report)
    where = " · ".join(p for p in (name, namespace) if p)
    level = "inconclusive" if is_undetermined(report) else confidence_words(cause.confidence.level).lower()
    text = f"{diagnosis_heading(report)} {where}: {category_title(cause.category)} ({level}) — {cause_sentence(report)}"
    return escape(text, limits.FALLBACK_TEXT_TARGET)


def _finding(report: Report) -> str:
    cause = report.root_cause
    title = f"{category_emoji(cause.category)} *{escape(category_title(cause.category), 200)}*"
    lines = [title]
    if is_undetermined(report):
        sentence = cause_sentence(report)
        if sentence != cause_label(report):
            lines.append(escape(sentence, 600))
        lines.append("*What was found:*" if report.evidence else "*Nothing could be examined.*")
        found = [e.summary for e in report.evidence]
    else:
        label = "*Possible cause:* " if is_tentative(report) else ""
        lines.append(f"{label}{escape(cause.summary, 600)}")
        found = [e.summary for e in cited_evidence(report, cause)] or cause.confidence.reasons
    bullets = [f"  • {escape(text, 300)}" for text in found]
    lines.append(fit_lines(bullets, 1500, more="more findings in the thread") if bullets else "")
    if cause.verification and (is_tentative(report) or is_undetermined(report)):
        step = "*Next step:*" if is_undetermined(report) else "*To confirm:*"
        lines.append(f"{step} {code(cause.verification, 500)}")
    if report.gaps:
        lines.append(f"⚠️ {len(report.gaps)} read(s) could not be done — details in the thread")
    return fit_lines([line for line in lines if line], limits.MAX_SECTION_TEXT)


def _context(report: Report) -> Block:
    cause = report.root_cause
    label = "Where it shows" if is_undetermined(report) else "Culprit"
    where = f"{label} {code(cause.resource.key, 200)}" + (" (outside the cluster)" if cause.outside_cluster else "")
    alert = report.alert
    since = f"Alert {escape(alert.name, 120)} since {utc_label(alert.starts_at)}"
    if alert.status == AlertStatus.RESOLVED:
        since = f"✅ Resolved {utc_label(alert.ends_at) if alert.ends_at else ''} · " + since
    return blocks.context(
        where,
        since,
        f"Confidence {cause.confidence.score:.0%}",
    )


def _fix_blocks(report: Report) -> list[Block]:
    out: list[Block] = []
    for fix in report.remediation[: limits.MAX_FIXES]:
        lines = [f"*{escape(fix.description, 300)}*"]
        if fix.command:
            lines.append(code_block(escape_block(fix.command, max_lines=20, max_line=1500)))
        if fix.caution:
            caution = escape_block(fix.caution, max_lines=4)
            lines.append("⚠️ " + "\n      ".join(caution))
        if fix.verify:
            lines.append(f"*Verify:* {code(fix.verify, 500)}")
        out.append(blocks.section(fit_lines(lines, limits.MAX_SECTION_TEXT)))
    if len(report.remediation) > limits.MAX_FIXES:
        out.append(blocks.context(f"{len(report.remediation) - limits.MAX_FIXES} more fix(es) in the full report"))
    return out


def _buttons(report: Report, report_url: str | None) -> list[Block]:
    value = cap(report.id, limits.MAX_BUTTON_VALUE)
    buttons = [blocks.button(text, action_id=action_id, value=value, style=style)
               for action_id, text, style in FEEDBACK_BUTTONS]
    if report_url and report_url.startswith(("https://", "http://")) and len(report_url) <= limits.MAX_BUTTON_URL:
        buttons.append(blocks.button("View full report", action_id="view_report", url=report_url))
    return buttons
