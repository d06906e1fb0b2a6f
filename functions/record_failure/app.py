"""Catch-all step: store and post a failed investigation with what was found and why it stopped."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from firstresponder.services.steps import FailureEvent, record_failure_step
from firstresponder.services.wiring import Runtime, RuntimeSettings, step_deps

logger = Logger()
deps = step_deps(Runtime(RuntimeSettings.from_env()), with_slack=True)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    step = FailureEvent.model_validate(event)
    return record_failure_step(step.investigationId, step.failure, deps)
