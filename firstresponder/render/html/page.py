"""One self-contained HTML page per report: no external scripts, fonts, styles or images."""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib import resources

from firstresponder.models import Report
from firstresponder.render.html import sections
from firstresponder.render.html.markup import esc
from firstresponder.render.html.script import COPY_SCRIPT
from firstresponder.render.html.timeline import render_timeline_svg
from firstresponder.render.html.topology import legend_html, render_topology_svg
from firstresponder.render.timing import first_failure_at, utc_label
from firstresponder.render.vocabulary import diagnosis_heading, is_undetermined, workload_and_namespace


@cache
def page_css() -> str:
    return resources.files("firstresponder.render.html").joinpath("page.css").read_text(encoding="utf-8")


def _csp_hash(content: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(content.encode()).digest()).decode() + "'"


def content_security_policy() -> str:
    """Only our own inline style and script may run: an injected tag would load or execute nothing."""
    return (f"default-src 'none'; style-src {_csp_hash(page_css())}; script-src {_csp_hash(COPY_SCRIPT)}; "
            "img-src data:; base-uri 'none'; form-action 'none'")


def render_html(report: Report, *, topology_svg: bool = True) -> str:
    """The full page; ``topology_svg=False`` leaves the drawn topology out (the table stays)."""
    name, namespace = workload_and_namespace(report)
    where = " · ".join(esc(p, 200) for p in (name, namespace) if p)
    title = f"{diagnosis_heading(report)} · {where}"
    alert = report.alert
    body = [
        f'<header><h1>{title}</h1><p class="muted">Alert <strong>{esc(alert.name, 200)}</strong>: '
        f'{esc(alert.title, 500)} · {esc(alert.severity, 40)} · {alert.status.value} since '
        f'{utc_label(alert.starts_at)}' + (f" · cluster <code>{esc(report.cluster, 200)}</code>" if report.cluster else "")
        + "</p></header>",
        sections.cause_section(report),
        sections.fixes_section(report),
        sections.alternatives_section(report),
        _topology(report) if topology_svg else "",
        _timeline(report),
        sections.evidence_section(report),
        sections.gaps_section(report),
        sections.examined_section(report),
        sections.stats_section(report),
        f'<footer>Report <code>{esc(report.id, 200)}</code> · schema {esc(report.schema_version, 20)} · '
        f'investigated {utc_label(report.investigated_at)} · firstresponder reads the cluster and never changes '
        f'it.</footer>',
    ]
    if is_undetermined(report):
        # Nothing conclusive: what could not be read is the most useful thing to show next.
        body.remove(gaps := sections.gaps_section(report))
        body.insert(2, gaps)
    history = "".join(f"<li>{esc(h, 500)}</li>" for h in report.history)
    if history:
        body.insert(2, f'<section id="history"><h2>History</h2><ul>{history}</ul></section>')
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<style>{page_css()}</style>
</head>
<body>
<main>
{chr(10).join(part for part in body if part)}
</main>
<script>{COPY_SCRIPT}</script>
</body>
</html>
"""


def _topology(report: Report) -> str:
    return (f'<section id="topology"><h2>Topology</h2><div class="scroll">{render_topology_svg(report)}</div>'
            f"{legend_html()}</section>")


def _timeline(report: Report) -> str:
    failure = first_failure_at(report)
    first = (f'<p>First failure: <strong>{utc_label(failure)}</strong></p>' if failure is not None else "")
    return (f'<section id="timeline"><h2>What changed and when</h2>{first}'
            f'<div class="scroll">{render_timeline_svg(report)}</div>'
            f"{sections.changes_table(report)}</section>")
