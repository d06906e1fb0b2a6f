"""Write reports to stdout in the chosen format (stdout carries only the report)."""

from __future__ import annotations

import json
import sys

from firstresponder.models import Report


def write_reports(reports: list[Report], output: str) -> None:
    from firstresponder import render

    out = sys.stdout
    if output == "json":
        payload = [r.model_dump(mode="json") for r in reports]
        out.write(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2) + "\n")
    elif output == "slack":
        messages = [render.render_slack(r, report_url=None).model_dump(mode="json") for r in reports]
        out.write(json.dumps(messages[0] if len(messages) == 1 else messages, indent=2) + "\n")
    elif output == "markdown":
        out.write("\n\n---\n\n".join(render.render_markdown(r) for r in reports) + "\n")
    elif output == "html":
        out.write(render.render_html(reports[0]) if len(reports) == 1 else render.render_html_many(reports))
    else:
        out.write(render.render_text_many(reports, color=out.isatty()) + "\n")
