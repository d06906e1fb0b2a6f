"""The one module that talks to Anthropic models (Anthropic API or Amazon Bedrock)."""

from __future__ import annotations

import time
from typing import Any

import anthropic
from pydantic import BaseModel, ConfigDict

from firstresponder.llm.answers import tool_definition
from firstresponder.llm.config import RoutingTable, Stage, cost_usd


class ModelCallError(Exception):
    """The model could not answer (overload, rate limit, timeout, server error) after retries."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class ToolCall(BaseModel):
    model_config = ConfigDict(extra="forbid")

    arguments: dict[str, Any] | None  # None: the model did not call the tool
    text: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    duration_ms: int = 0
    model: str


class ModelGateway:
    def __init__(self, routing: RoutingTable, *, api_key: str | None = None, base_url: str | None = None,
                 aws_region: str | None = None, max_retries: int = 2) -> None:
        self.routing = routing
        if routing.provider == "bedrock":
            self._client: Any = anthropic.AnthropicBedrock(aws_region=aws_region, base_url=base_url,
                                                           max_retries=max_retries)
        else:
            self._client = anthropic.Anthropic(api_key=api_key, base_url=base_url, max_retries=max_retries)

    def call_tool(self, stage: Stage, *, system: str, messages: list[dict[str, Any]],
                  timeout: float | None = None) -> ToolCall:
        """One structured call: the stage's tool is forced, the static system prompt is cached."""
        route = self.routing.stages[stage]
        model = self.routing.model_for(stage)
        started = time.monotonic()
        try:
            response = self._client.messages.create(
                model=model, max_tokens=route.max_tokens,
                # Newer SDKs dropped the argument; send it only when the routing table sets one.
                extra_body={"temperature": route.temperature} if route.temperature is not None else None,
                system=[{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}],
                messages=messages, tools=[tool_definition(stage)],
                tool_choice={"type": "tool", "name": stage},
                timeout=min(timeout or route.timeout_seconds, route.timeout_seconds),
            )
        except anthropic.APIStatusError as err:
            raise ModelCallError(f"{err.status_code} {type(err).__name__}", err.status_code) from err
        except anthropic.APITimeoutError as err:
            raise ModelCallError("timeout") from err
        except anthropic.APIConnectionError as err:
            raise ModelCallError("connection error") from err
        arguments = next((dict(block.input) for block in response.content
                          if getattr(block, "type", "") == "tool_use" and block.name == stage), None)
        text = "".join(getattr(block, "text", "") for block in response.content)
        usage = response.usage
        return ToolCall(arguments=arguments, text=text, input_tokens=usage.input_tokens,
                        output_tokens=usage.output_tokens, model=model,
                        cost_usd=cost_usd(model, usage.input_tokens, usage.output_tokens),
                        duration_ms=int((time.monotonic() - started) * 1000))
