"""Alert intake: HTTP API routes (POST /alerts/{source}), the SNS subscription and the EventBridge rule."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from firstresponder.api.app import build_api
from firstresponder.services.intake import accept_event
from firstresponder.services.wiring import Runtime, RuntimeSettings, api_deps

logger = Logger()
runtime = Runtime(RuntimeSettings.from_env())
deps = api_deps(runtime)
app = build_api(deps)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if "requestContext" in event:  # API Gateway HTTP API
        return app.resolve(event, context)
    # SNS → Lambda records and EventBridge events are delivered by AWS itself (trusted by IAM).
    return accept_event(event, deps.intake, now=runtime.clock()).model_dump(mode="json")
