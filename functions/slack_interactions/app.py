"""Slack interactivity endpoint: feedback buttons and the feedback modal (answers within 3 s)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from firstresponder.api.app import build_api
from firstresponder.services.wiring import Runtime, RuntimeSettings, api_deps

logger = Logger()
app = build_api(api_deps(Runtime(RuntimeSettings.from_env())))


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
