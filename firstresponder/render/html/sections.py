"""The page's sections, each a small function from the report to escaped HTML."""

from __future__ import annotations

from firstresponder.models import Report, RootCause
from firstresponder.render.html.markup import esc, esc_block, evidence_anchor, evidence_link
from firstresponder.render.sanitize import excerpt_lines
from firstresponder.render.timing import change_offset, ordered_changes, relative_to_alert, utc_label
from firstresponder.render.view import cited_evidence, gap_problem, stats_lines
from firstresponder.render.vocabulary import (
    category_emoji,
    category_title,
    cause_sentence,
    is_tentative,
    is_undetermined,
    verdict_words,
)

FAILING_TAG = '<span class="tag failing">failing</span>'


def cause_section(report: Report) -> str:
    cause = report.root_cause
    level = cause.confidence.level.value
    verdict = "inconclusive" if is_undetermined(report) else level
    reasons = "".join(f"<li>{esc(r, 500)}</li>" for r in cause.confidence.reasons)
    check = ""
    if cause.verification:
        label = "Next step" if is_undetermined(report) else "To confirm" if is_tentative(report) else "Check"
        check = f'<p><strong>{label}:</strong></p>{_command(cause.verification, "verify-cause")}'
    outside = ' <span class="tag">outside the cluster</span>' if cause.outside_cluster else ""
    return f"""<section id="cause" class="cause level-{verdict}">
<p class="badge-line"><span class="confidence level-{verdict}">{verdict_words(report)}
 · {cause.confidence.score:.0%}</span> <span class="category">{category_emoji(cause.category)}
 {esc(category_title(cause.category))}</span></p>
<h2>{esc(cause_sentence(report), 1000)}</h2>
<p>{'Where it shows' if is_undetermined(report) else 'Culprit'}: <code>{esc(cause.resource.key, 300)}</code>{outside}</p>
{f'<p>{esc(cause.detail, 2000)}</p>' if cause.detail else ''}
{f'<details open><summary>Why this confidence</summary><ul>{reasons}</ul></details>' if reasons else ''}
{check}
{_citations(report, cause)}
</section>"""


def fixes_section(report: Report) -> str:
    if not report.remediation:
        return ""
    items = []
    for number, fix in enumerate(report.remediation, start=1):
        body = [f"<h3>{esc(fix.description, 500)}</h3>"]
        if fix.command:
            body.append(_command(fix.command, f"fix-{number}"))
        if fix.caution:
            lines = "<br>".join(esc(line, 500) for line in excerpt_lines(fix.caution, max_lines=8))
            body.append(f'<p class="caution">⚠️ {lines}</p>')
        if fix.verify:
            body.append(f'<p class="verify-label">Verify:</p>{_command(fix.verify, f"verify-{number}")}')
        items.append(f'<li>{"".join(body)}</li>')
    return (f'<section id="fix"><h2>Fix</h2><p class="note">Nothing was changed in the cluster: review these, '
            f'then run them yourself.</p><ol class="fixes">{"".join(items)}</ol></section>')


def alternatives_section(report: Report) -> str:
    if not report.hypotheses:
        return ""
    items = "".join(
        f'<li><strong>{esc(category_title(h.category))}</strong> '
        f'<span class="confidence level-{h.confidence.level.value}">{h.confidence.level.value} · '
        f'{h.confidence.score:.0%}</span>: {esc(h.summary, 1000)} at <code>{esc(h.resource.key, 300)}</code>'
        + (f'<br><em>Ranked lower because</em> {esc(h.ranked_lower_because, 1000)}' if h.ranked_lower_because else "")
        + _citations(report, h) + "</li>"
        for h in report.hypotheses)
    return f'<section id="alternatives"><h2>Also considered</h2><ul>{items}</ul></section>'


def changes_table(report: Report) -> str:
    rows = []
    for number, ch in enumerate(ordered_changes(report), start=1):
        cite = f" ({evidence_link(report, ch.evidence_id)})" if ch.evidence_id else ""
        actor = f" <span class=\"muted\">by {esc(ch.actor, 100)}</span>" if ch.actor else ""
        rows.append(f"<tr><td>{number}</td><td>{utc_label(ch.at)}<br><strong>"
                    f"{relative_to_alert(change_offset(report, ch))}</strong></td><td>{ch.kind.value}</td>"
                    f"<td><code>{esc(ch.resource.key, 300)}</code></td><td>{esc(ch.summary, 1000)}{actor}{cite}</td></tr>")
    if not rows:
        return '<p class="note">No changes were found on the examined resources.</p>'
    return ('<div class="scroll"><table class="changes"><thead><tr><th>#</th><th>When</th><th>Kind</th>'
            f'<th>Resource</th><th>Change</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def evidence_section(report: Report) -> str:
    if not report.evidence:
        return ""
    cited = {e.id for e in cited_evidence(report, report.root_cause)}
    articles = []
    for ev in report.evidence:
        star = ' <span class="tag supports">supports the root cause</span>' if ev.id in cited else ""
        when = f" · {utc_label(ev.at)}" if ev.at else ""
        excerpt = "\n".join(excerpt_lines(ev.excerpt, max_lines=40, max_line=400))
        pre = f"<pre>{esc_block(excerpt)}</pre>" if excerpt else ""
        articles.append(
            f'<article class="evidence" id="{evidence_anchor(ev.id)}"><h3><code>{esc(ev.id, 200)}</code>{star}</h3>'
            f'<p class="muted"><code>{esc(ev.resource.key, 300)}</code> · {esc(ev.source)}{when}</p>'
            f"<p>{esc(ev.summary, 2000)}</p>{pre}</article>")
    return f'<section id="evidence"><h2>Evidence trail</h2>{"".join(articles)}</section>'


def gaps_section(report: Report) -> str:
    items = [
        f"<li>{esc(gap_problem(g), 1000)}"
        + (f'<br>needs RBAC rule <code>{esc(g.rbac_rule, 500)}</code>' if g.rbac_rule else "") + "</li>"
        for g in report.gaps
    ] + [f"<li>{esc(note, 1000)}</li>" for note in report.alert.scope_notes]
    if not items:
        return ""
    return (f'<section id="gaps"><h2>Gaps: what could not be examined</h2>'
            f'<ul>{"".join(items)}</ul></section>')


def examined_section(report: Report) -> str:
    if not report.affected_resources:
        return ""
    rows = "".join(
        f"<tr><td><code>{esc(r.ref.key, 300)}</code></td><td>{esc(r.relation, 300)}</td>"
        f"<td>{FAILING_TAG if r.failing else ''}</td></tr>"
        for r in report.affected_resources)
    return (f'<section id="examined"><h2>What was examined</h2><div class="scroll"><table><thead><tr>'
            f'<th>Resource</th><th>Relation to the alert</th><th></th></tr></thead><tbody>{rows}</tbody></table>'
            f'</div></section>')


def stats_section(report: Report) -> str:
    items = "".join(f"<li>{esc(line, 500)}</li>" for line in stats_lines(report))
    return f'<section id="stats"><h2>Stats</h2><ul class="stats">{items}</ul></section>'


def _command(command: str, element_id: str) -> str:
    return (f'<div class="command"><pre><code id="{element_id}">{esc_block(command, max_line=8000)}</code></pre>'
            f'<button type="button" class="copy" data-copy="{element_id}">Copy</button></div>')


def _citations(report: Report, cause: RootCause) -> str:
    if not cause.evidence_ids:
        return ""
    links = ", ".join(evidence_link(report, i) for i in cause.evidence_ids)
    return f'<p class="cites">Evidence: {links}</p>'
