"""The routing table and price list, loaded from data files."""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

Stage = Literal["log_triage", "root_cause", "remediation"]


class StageRoute(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str
    bedrock_model: str | None = None
    max_tokens: int = Field(gt=0, le=64000)
    timeout_seconds: float = Field(gt=0, le=300)
    temperature: float | None = Field(default=None, ge=0.0, le=1.0)
    budget_tokens: int = Field(gt=0)
    prompt: str


class Budget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tokens: int = Field(gt=0)
    seconds: float = Field(gt=0)


class RoutingTable(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: Literal["anthropic", "bedrock"] = "anthropic"
    budget: Budget
    stages: dict[Stage, StageRoute]

    def model_for(self, stage: Stage) -> str:
        route = self.stages[stage]
        return route.bedrock_model or route.model if self.provider == "bedrock" else route.model


class Price(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: float
    output: float


def load_routing(path: Path | None = None) -> RoutingTable:
    override = path or (Path(os.environ["FIRSTRESPONDER_LLM_ROUTING"])
                        if os.environ.get("FIRSTRESPONDER_LLM_ROUTING") else None)
    text = override.read_text() if override else _package_text("routing.yaml")
    return RoutingTable.model_validate(yaml.safe_load(text))


@cache
def prices() -> dict[str, Price]:
    data = yaml.safe_load(_package_text("pricing.yaml"))
    return {name: Price.model_validate(p) for name, p in data["models"].items()}


def cost_usd(model: str, input_tokens: int, output_tokens: int) -> float:
    # Bedrock ids embed the Anthropic name ("us.anthropic.claude-sonnet-4-5-2025…").
    price = next((p for name, p in prices().items() if name in model), None)
    if price is None:
        return 0.0
    return (input_tokens * price.input + output_tokens * price.output) / 1_000_000


def prompt_text(name: str) -> str:
    return _package_text(f"prompts/{name}")


def _package_text(relative: str) -> str:
    return (resources.files("firstresponder.llm") / relative).read_text(encoding="utf-8")
