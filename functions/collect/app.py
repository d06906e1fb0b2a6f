"""Collect step: one collector on one resource (one Map iteration); raises KubeThrottled/KubeTransient to retry."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from firstresponder.services.steps import CollectEvent, collect_step
from firstresponder.services.wiring import Runtime, RuntimeSettings, step_deps

logger = Logger()
deps = step_deps(Runtime(RuntimeSettings.from_env()))


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    step = CollectEvent.model_validate(event)
    return collect_step(step.investigationId, step.task, deps)
