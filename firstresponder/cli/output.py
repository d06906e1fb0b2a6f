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
        # One self-contained page per incident: with several, the first is written, the rest named.
        out.write(render.render_html(reports[0]))
        for other in reports[1:]:
            print(f"firstresponder: also investigated {other.alert.scope} (use --output json for all)",
                  file=sys.stderr)
    else:
        out.write(render.render_text(reports, color=out.isatty()) + "\n")
