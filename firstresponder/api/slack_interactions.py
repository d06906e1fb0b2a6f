"""Slack interactivity: verify the request signature, open the feedback modal, record submissions.

Slack needs an answer within 3 seconds: a button click opens the modal at once; a submission is
one DynamoDB write.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

from firstresponder.api.deps import ApiDeps
from firstresponder.intake import IntakeError
from firstresponder.services.feedback import (
    ACTION_VERDICTS,
    MODAL_CALLBACK,
    InvalidFeedback,
    UnknownInvestigation,
    feedback_from_modal,
    feedback_modal,
    submit_feedback,
)
from firstresponder.slack.gateway import SlackDeliveryError

logger = logging.getLogger(__name__)


def handle_slack_interaction(body: str, headers: dict[str, str], deps: ApiDeps) -> tuple[int, Any]:
    if deps.slack_signing_secret is None:
        raise IntakeError(404, "Slack interactivity is not configured")
    lowered = {k.lower(): v for k, v in headers.items()}
    verifier = SignatureVerifier(deps.slack_signing_secret())
    timestamp = lowered.get("x-slack-request-timestamp", "")
    if not timestamp.isdigit() or not verifier.is_valid(body, timestamp, lowered.get("x-slack-signature", "")):
        raise IntakeError(401, "slack: request signature or timestamp is not valid")
    try:
        payload = json.loads(parse_qs(body).get("payload", ["{}"])[0])
    except json.JSONDecodeError:
        raise IntakeError(400, "slack: payload is not JSON") from None
    kind = payload.get("type")
    if kind == "block_actions":
        return _button(payload, deps)
    if kind == "view_submission" and (payload.get("view") or {}).get("callback_id") == MODAL_CALLBACK:
        return _submission(payload, deps)
    return 200, None


def _button(payload: dict[str, Any], deps: ApiDeps) -> tuple[int, Any]:
    action = next((a for a in payload.get("actions") or [] if a.get("action_id") in ACTION_VERDICTS), None)
    if action is None or deps.slack is None:
        return 200, None
    modal = feedback_modal(str(action.get("value", "")), ACTION_VERDICTS[action["action_id"]])
    try:
        deps.slack.open_modal(str(payload.get("trigger_id", "")), modal)
    except SlackDeliveryError as err:
        logger.warning("could not open the feedback modal: %s", err)
    return 200, None


def _submission(payload: dict[str, Any], deps: ApiDeps) -> tuple[int, Any]:
    try:
        investigation_id, given = feedback_from_modal(payload["view"])
    except InvalidFeedback as bad:
        return 200, {"response_action": "errors", "errors": {bad.field: bad.reason[:150]}}
    user = (payload.get("user") or {}).get("id", "slack")
    try:
        submit_feedback(investigation_id, given, user=str(user), via="slack",
                        investigations=deps.intake.investigations, store=deps.feedback, now=deps.clock())
    except UnknownInvestigation:
        return 200, {"response_action": "errors", "errors": {"cause": "this investigation no longer exists"}}
    return 200, None
