"""The report as JSON: the stored and published form (see schemas/report.schema.json)."""

from __future__ import annotations

from firstresponder.models import Report


def render_json(report: Report) -> str:
    return report.model_dump_json(indent=2)
