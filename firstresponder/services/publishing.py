"""Publish a finished investigation: DynamoDB first (so nothing is lost), then Slack."""

from __future__ import annotations

from datetime import datetime

from firstresponder.models import AlertStatus, Report
from firstresponder.render import render_slack
from firstresponder.slack.gateway import SlackDeliveryError, SlackGateway
from firstresponder.slack.routing import SlackRouting
from firstresponder.storage.investigations import InvestigationStore
from firstresponder.storage.records import InvestigationRecord, InvestigationStatus, SlackRef


def final_status(report: Report, *, failed: bool = False) -> InvestigationStatus:
    if failed:
        return InvestigationStatus.FAILED
    return InvestigationStatus.PARTIAL if report.gaps else InvestigationStatus.DONE


def store_report(report: Report, record: InvestigationRecord, store: InvestigationStore, *,
                 now: datetime, failed: bool = False, error: str | None = None) -> InvestigationRecord:
    store.save_report(report, at=now)
    cost = sum(u.cost_usd for u in report.stats.model_usage)
    updated = record.model_copy(update={
        "status": final_status(report, failed=failed), "updated_at": now, "error": error,
        "summary": report.root_cause.summary, "category": report.root_cause.category.value,
        "confidence": report.root_cause.confidence.level.value, "cost_usd": cost,
    })
    store.update(updated)
    return updated


def post_to_slack(report: Report, record: InvestigationRecord, store: InvestigationStore, *,
                  slack: SlackGateway | None, routing: SlackRouting | None,
                  report_url: str | None) -> InvestigationRecord:
    """One incident, one message: update the existing post instead of posting again."""
    if slack is None or routing is None:
        return _note(record, store, "Slack is not configured; the report is stored only")
    message = render_slack(report, report_url=report_url)
    try:
        if record.slack is not None:
            posted = slack.update(record.slack.channel, record.slack.ts, text=message.text, blocks=message.blocks)
        else:
            posted = slack.post(routing.channel_for(report.alert), text=message.text, blocks=message.blocks)
            for reply in message.thread:
                slack.post(posted.channel, text=reply.text, blocks=reply.blocks, thread_ts=posted.ts)
    except SlackDeliveryError as err:
        return _note(record, store, f"Slack delivery failed: {err}")
    updated = record.model_copy(update={"slack": SlackRef(channel=posted.channel, ts=posted.ts),
                                        "delivery_note": None})
    store.update(updated)
    return updated


def _note(record: InvestigationRecord, store: InvestigationStore, note: str) -> InvestigationRecord:
    updated = record.model_copy(update={"delivery_note": note})
    store.update(updated)
    return updated


def republish_resolved(record: InvestigationRecord, store: InvestigationStore, *, slack: SlackGateway | None,
                       routing: SlackRouting | None, report_url: str | None) -> InvestigationRecord:
    """The alert resolved: mark the stored report and update the one Slack message in place."""
    report = store.load_report(record.id)
    if report is None:  # still running: Publish will post the report with the resolution recorded
        return record
    resolved_alert = report.alert.model_copy(update={"status": AlertStatus.RESOLVED, "ends_at": record.resolved_at})
    report = report.model_copy(update={"alert": resolved_alert})
    store.save_report(report, at=record.updated_at)
    return post_to_slack(report, record, store, slack=slack, routing=routing, report_url=report_url)
