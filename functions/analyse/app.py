"""Analyse step: deterministic diagnosis (plus routed models when configured), report stored."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from firstresponder.services.steps import AnalyseEvent, analyse_step
from firstresponder.services.wiring import Runtime, RuntimeSettings, step_deps

logger = Logger()
# The model client (anthropic, ~1.7 s to import) is loaded here only, and only when configured.
deps = step_deps(Runtime(RuntimeSettings.from_env()), with_models=True)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    step = AnalyseEvent.model_validate(event)
    return analyse_step(step.investigationId, step.collected, deps)
