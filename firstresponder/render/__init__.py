"""Renderings of a ``Report``: terminal text, markdown, JSON, Slack Block Kit and an HTML page."""

from __future__ import annotations

from firstresponder.render.html import render_html
from firstresponder.render.jsonout import render_json
from firstresponder.render.markdown import render_markdown
from firstresponder.render.slack import SlackMessage, render_slack, validate_blocks
from firstresponder.render.text import render_text
from firstresponder.render.timing import first_failure_at

__all__ = [
    "SlackMessage",
    "first_failure_at",
    "render_html",
    "render_json",
    "render_markdown",
    "render_slack",
    "render_text",
    "validate_blocks",
]
