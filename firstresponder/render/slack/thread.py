"""Thread replies under the diagnosis: evidence trail, what changed, what was examined, gaps."""

from __future__ import annotations

from firstresponder.models import Report
from firstresponder.render.slack import blocks, limits
from firstresponder.render.slack.blocks import Block
from firstresponder.render.slack.message import SlackMessage
from firstresponder.render.slack.mrkdwn import code, code_block, escape, escape_block
from firstresponder.render.timing import change_offset, ordered_changes, relative_to_alert, utc_label
from firstresponder.render.view import cited_evidence, gap_problem, stats_lines
from firstresponder.render.vocabulary import category_title


def thread_messages(report: Report) -> list[SlackMessage]:
    """One reply per topic; a topic too big for one message continues in the next."""
    topics = [
        ("🔍 Evidence trail", _evidence(report)),
        ("🕒 What changed and when", blocks.sections(_change_lines(report), more="more changes")),
        ("🤔 Also considered", blocks.sections(_alternative_lines(report), more="more alternatives")),
        ("🚧 Gaps: what could not be examined", blocks.sections(_gap_lines(report), more="more gaps")),
        ("🗺️ What was examined", blocks.sections(_resource_lines(report), more="more resources")),
    ]
    replies: list[SlackMessage] = []
    for title, body in topics:
        if body:
            replies += _paged(title, body)
    stats = " · ".join(escape(line, 300) for line in stats_lines(report))
    replies.append(SlackMessage(text="Investigation stats", blocks=[blocks.context(stats)]))
    return replies


def _paged(title: str, body: list[Block]) -> list[SlackMessage]:
    per_page = limits.MAX_BLOCKS - 1  # one block for the title
    pages = [body[i: i + per_page] for i in range(0, len(body), per_page)]
    out = []
    for number, page in enumerate(pages, start=1):
        suffix = f" ({number}/{len(pages)})" if len(pages) > 1 else ""
        out.append(SlackMessage(text=f"{title}{suffix}", blocks=[blocks.section(f"*{title}{suffix}*"), *page]))
    return out


def _evidence(report: Report) -> list[Block]:
    cited = {e.id for e in cited_evidence(report, report.root_cause)}
    # Evidence supporting the conclusion first: it is what a responder checks.
    ordered = sorted(report.evidence, key=lambda e: e.id not in cited)
    out = []
    for ev in ordered[: limits.MAX_THREAD_EVIDENCE]:
        star = "⭐ " if ev.id in cited else ""
        lines = [f"{star}{code(ev.id, 150)} · {code(ev.resource.key, 300)} · {ev.source}"
                 + (f" · {utc_label(ev.at)}" if ev.at else ""),
                 escape(ev.summary, 600)]
        excerpt = escape_block(ev.excerpt, max_lines=limits.MAX_EXCERPT_LINES, max_line=300)
        if excerpt:
            lines.append(code_block(excerpt))
        out.append(blocks.section("\n".join(lines)))
    if len(report.evidence) > limits.MAX_THREAD_EVIDENCE:
        out.append(blocks.context(f"{len(report.evidence) - limits.MAX_THREAD_EVIDENCE} more in the full report"))
    return out


def _change_lines(report: Report) -> list[str]:
    lines = []
    for ch in ordered_changes(report):
        actor = f" by {escape(ch.actor, 80)}" if ch.actor else ""
        lines.append(f"• *{relative_to_alert(change_offset(report, ch))}* ({utc_label(ch.at)}) "
                     f"{ch.kind.value} {code(ch.resource.key, 300)}: {escape(ch.summary, 500)}{actor}")
    return lines


def _alternative_lines(report: Report) -> list[str]:
    return [f"• *{escape(category_title(h.category), 100)}* ({h.confidence.level.value}, "
            f"{h.confidence.score:.0%}): {escape(h.summary, 500)}"
            + (f" — ranked lower because {escape(h.ranked_lower_because, 500)}" if h.ranked_lower_because else "")
            for h in report.hypotheses]


def _gap_lines(report: Report) -> list[str]:
    return ([f"• {escape(gap_problem(g), 600)}" + (f" — needs RBAC rule {code(g.rbac_rule, 300)}" if g.rbac_rule else "")
             for g in report.gaps]
            + [f"• {escape(note, 500)}" for note in report.alert.scope_notes])


def _resource_lines(report: Report) -> list[str]:
    return [f"• {code(r.ref.key, 300)} — {escape(r.relation, 200)}" + (" ❌ failing" if r.failing else "")
            for r in report.affected_resources]
