"""Discover step: the topology around the alerting resource, stored; returns the collection tasks."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from firstresponder.services.steps import StepEvent, discover_step
from firstresponder.services.wiring import Runtime, RuntimeSettings, step_deps

logger = Logger()
deps = step_deps(Runtime(RuntimeSettings.from_env()))


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    step = StepEvent.model_validate(event)
    return discover_step(step.investigationId, deps)
