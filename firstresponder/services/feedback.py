"""Feedback from engineers: the API and Slack's buttons and modal, recorded once, never lost."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError

from firstresponder.models import Category, ResourceRef
from firstresponder.models.feedback import Feedback, FeedbackInput, Verdict
from firstresponder.storage.feedback import FeedbackStore
from firstresponder.storage.investigations import InvestigationStore

MODAL_CALLBACK = "firstresponder_feedback"
ACTION_VERDICTS = {"feedback_accurate": Verdict.ACCURATE, "feedback_partial": Verdict.PARTIALLY_ACCURATE,
                   "feedback_incorrect": Verdict.INCORRECT}


class UnknownInvestigation(Exception):
    pass


class InvalidFeedback(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def submit_feedback(investigation_id: str, given: FeedbackInput, *, user: str, via: str,
                    investigations: InvestigationStore, store: FeedbackStore, now: datetime) -> bool:
    """Record feedback on a finished investigation; False when this submission was already recorded."""
    record = investigations.get(investigation_id)
    if record is None:
        raise UnknownInvestigation(investigation_id)
    category = Category(record.category) if record.category else Category.UNKNOWN
    feedback = Feedback(**given.model_dump(), investigation_id=investigation_id, user=user, via=via,
                        submitted_at=now, category=category)
    return store.record(feedback, cluster=record.alert.cluster, namespace=record.alert.namespace)


def feedback_modal(investigation_id: str, verdict: Verdict) -> dict[str, Any]:
    """The modal a feedback button opens: the actual cause, optionally its category and culprit."""
    options = [{"text": {"type": "plain_text", "text": c.value.replace("_", " ")}, "value": c.value}
               for c in Category]
    title = {Verdict.ACCURATE: "Accurate", Verdict.PARTIALLY_ACCURATE: "Partially accurate",
             Verdict.INCORRECT: "Incorrect"}[verdict]
    return {
        "type": "modal", "callback_id": MODAL_CALLBACK, "private_metadata": f"{investigation_id}|{verdict.value}",
        "title": {"type": "plain_text", "text": f"Feedback: {title}"[:24]},
        "submit": {"type": "plain_text", "text": "Submit"},
        "blocks": [
            {"type": "input", "block_id": "cause", "optional": verdict == Verdict.ACCURATE,
             "label": {"type": "plain_text", "text": "What was the actual root cause?"},
             "element": {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": 2000}},
            {"type": "input", "block_id": "category", "optional": True,
             "label": {"type": "plain_text", "text": "Category"},
             "element": {"type": "static_select", "action_id": "value", "options": options[:100]}},
            {"type": "input", "block_id": "culprit", "optional": True,
             "label": {"type": "plain_text", "text": "Culprit resource (Kind/namespace/name)"},
             "element": {"type": "plain_text_input", "action_id": "value", "max_length": 300}},
        ],
    }


def feedback_from_modal(view: dict[str, Any]) -> tuple[str, FeedbackInput]:
    """(investigation id, feedback) from a submitted modal; InvalidFeedback names the bad field."""
    investigation_id, _, verdict = str(view.get("private_metadata", "")).partition("|")
    values = (view.get("state") or {}).get("values") or {}

    def field(block: str) -> Any:
        element = (values.get(block) or {}).get("value") or {}
        return element.get("value") or (element.get("selected_option") or {}).get("value")

    culprit_text = field("culprit")
    try:
        culprit = ResourceRef.from_key(culprit_text.strip()) if culprit_text else None
    except ValueError:
        raise InvalidFeedback("culprit", "use Kind/namespace/name, e.g. ConfigMap/production/app-config") from None
    try:
        given = FeedbackInput(verdict=Verdict(verdict), actual_cause=field("cause"),
                              actual_category=Category(field("category")) if field("category") else None,
                              actual_culprit=culprit, idempotency_key=f"slack-view:{view.get('id', '')}")
    except (ValueError, ValidationError) as err:
        raise InvalidFeedback("cause", str(err).splitlines()[0]) from err
    return investigation_id, given
