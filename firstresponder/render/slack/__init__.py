"""Slack Block Kit rendering of a report: a main message plus thread replies."""

from __future__ import annotations

from firstresponder.models import Report
from firstresponder.render.slack.diagnosis import fallback_text, main_blocks
from firstresponder.render.slack.message import SlackMessage, validate_blocks
from firstresponder.render.slack.thread import thread_messages

__all__ = ["SlackMessage", "render_slack", "validate_blocks"]


def render_slack(report: Report, *, report_url: str | None = None) -> SlackMessage:
    """The diagnosis message (within Slack's limits by construction) with its thread replies."""
    return SlackMessage(text=fallback_text(report), blocks=main_blocks(report, report_url),
                        thread=thread_messages(report))
