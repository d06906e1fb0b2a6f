"""Routes of the HTTP API over powertools' resolver; each route is parse → one service call → view."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from firstresponder.api.deps import ApiDeps
from firstresponder.api.links import LinkRefused, verify_link
from firstresponder.api.refusal import refusal_page
from firstresponder.api.slack_interactions import handle_slack_interaction
from firstresponder.api.views import (
    AcceptedInvestigation,
    AcceptedResponse,
    ErrorBody,
    FeedbackList,
    FeedbackRecorded,
    InvestigationView,
)
from firstresponder.intake import IntakeError, check_credential
from firstresponder.models.feedback import FeedbackInput
from firstresponder.render import render_html
from firstresponder.services.feedback import UnknownInvestigation, submit_feedback
from firstresponder.services.intake import accept_http

logger = logging.getLogger(__name__)
ERRORS: dict[int, Any] = {code: {"description": text, "content": {"application/json": {"model": ErrorBody}}}
                          for code, text in ((400, "bad request"), (401, "missing or wrong credential"),
                                             (403, "forbidden"), (404, "not found"), (413, "body too large"),
                                             (415, "unsupported content type"), (422, "payload of the wrong shape"))}


def raw_body(body: str | None, base64_encoded: bool | None) -> bytes:
    """The request body as bytes, whatever it holds (non-UTF-8 bytes arrive base64-encoded)."""
    if not body:
        return b""
    if base64_encoded:
        try:
            return base64.b64decode(body)
        except ValueError:
            raise IntakeError(400, "body is not valid base64") from None
    return body.encode("utf-8", "surrogatepass")


def error(status: int, reason: str) -> Response[str]:
    return Response(status, "application/json", ErrorBody(error=reason).model_dump_json())


def build_api(deps: ApiDeps) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(enable_validation=True)
    app.configure_openapi(title="firstresponder", version="1", summary="Read-only Kubernetes alert investigator")

    @app.exception_handler(RequestValidationError)
    def _invalid(err: RequestValidationError) -> Response[str]:
        first = (err.errors() or [{}])[0]
        where = ".".join(str(p) for p in first.get("loc", []) if p != "body")
        return error(422, f"{where or 'body'}: {first.get('msg', 'invalid')}")

    @app.exception_handler(IntakeError)
    def _intake(err: IntakeError) -> Response[str]:
        logger.info("alert refused: %s %s", err.status, err.reason)
        return error(err.status, err.reason)

    @app.post("/alerts/<source>", status_code=202, responses={202: {"description": "accepted",
              "content": {"application/json": {"model": AcceptedResponse}}}, **ERRORS})
    def post_alerts(source: str) -> Response[str]:
        event = app.current_event
        raw = raw_body(event.body, event.is_base64_encoded)
        accepted = accept_http(source, raw, dict(event.headers or {}), deps.intake, now=deps.clock())
        view = AcceptedResponse(
            investigations=[AcceptedInvestigation(id=i.investigation_id, new=i.new, status=i.status,
                                                  incident_key=i.incident_key, alerts=i.alerts,
                                                  status_url=f"{deps.public_base_url}/investigations/{i.investigation_id}")
                            for i in accepted.investigations],
            resolved=accepted.resolved, ignored_resolved=accepted.ignored_resolved,
            subscription_confirmed=accepted.subscription_confirmed)
        return Response(202 if view.investigations else 200, "application/json", view.model_dump_json())

    @app.get("/investigations/<investigation_id>", responses={200: {"description": "status and report",
             "content": {"application/json": {"model": InvestigationView}}}, **ERRORS})
    def get_investigation(investigation_id: str) -> Response[str]:
        event = app.current_event
        wants_html = "text/html" in (event.headers or {}).get("accept", "")
        token = (event.query_string_parameters or {}).get("token")
        if token is not None:
            try:
                verify_link(token, investigation_id, key=deps.link_key(), now=deps.clock())
            except LinkRefused as refused:
                return Response(403, "text/html" if wants_html else "application/json",
                                refusal_page(str(refused)) if wants_html else ErrorBody(error=str(refused)).model_dump_json())
        else:
            check_credential(dict(event.headers or {}), deps.api_tokens())
        record = deps.intake.investigations.get(investigation_id)
        if record is None:
            return error(404, f"no investigation {investigation_id}")
        report = deps.intake.investigations.load_report(investigation_id) if record.status.finished else None
        if wants_html and report is not None:
            return Response(200, "text/html; charset=utf-8", render_html(report))
        view = InvestigationView(id=record.id, status=record.status.value, incident_key=record.incident_key,
                                 created_at=record.created_at.isoformat(), updated_at=record.updated_at.isoformat(),
                                 resolved_at=record.resolved_at.isoformat() if record.resolved_at else None,
                                 error=record.error, delivery_note=record.delivery_note,
                                 report=report.model_dump(mode="json") if report else None)
        return Response(200, "application/json", view.model_dump_json())

    @app.post("/investigations/<investigation_id>/feedback", responses={**ERRORS})
    def post_feedback(investigation_id: str, feedback: FeedbackInput) -> FeedbackRecorded:
        check_credential(dict(app.current_event.headers or {}), deps.api_tokens())
        user = (app.current_event.headers or {}).get("x-firstresponder-user", "api")
        try:
            recorded = submit_feedback(investigation_id, feedback, user=user[:200], via="api",
                                       investigations=deps.intake.investigations, store=deps.feedback,
                                       now=deps.clock())
        except UnknownInvestigation:
            raise IntakeError(404, f"no investigation {investigation_id}") from None
        return FeedbackRecorded(recorded=recorded)

    @app.get("/investigations/<investigation_id>/feedback", responses={**ERRORS})
    def get_feedback(investigation_id: str) -> FeedbackList:
        check_credential(dict(app.current_event.headers or {}), deps.api_tokens())
        if deps.intake.investigations.get(investigation_id) is None:
            raise IntakeError(404, f"no investigation {investigation_id}")
        items = deps.feedback.for_investigation(investigation_id)
        return FeedbackList(feedback=[json.loads(f.model_dump_json()) for f in items])

    @app.post("/slack/interactions", responses={**ERRORS})
    def slack_interactions() -> Response[str]:
        event = app.current_event
        try:
            text = raw_body(event.body, event.is_base64_encoded).decode("utf-8")
        except UnicodeDecodeError:
            raise IntakeError(400, "slack: body is not UTF-8") from None
        status, body = handle_slack_interaction(text, dict(event.headers or {}), deps)
        return Response(status, "application/json", json.dumps(body) if body is not None else "")

    @app.get("/openapi.json", include_in_schema=False)
    def openapi() -> Response[str]:
        return Response(200, "application/json", app.get_openapi_json_schema())

    return app
