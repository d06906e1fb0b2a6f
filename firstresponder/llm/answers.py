"""Structured answers the models must give (their JSON Schemas become the tool input schemas)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from firstresponder.models import Category


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LineRef(_Answer):
    line: int = Field(ge=1)
    text: str = Field(max_length=500)


class LogTriageAnswer(_Answer):
    first_error: LineRef | None = None
    signatures: list[str] = Field(default_factory=list, max_length=10)
    stack_root: str | None = Field(default=None, max_length=500)
    key_lines: list[LineRef] = Field(default_factory=list, max_length=10)


class RootCauseAnswer(_Answer):
    verdict: Literal["confirm", "rerank", "new"]
    culprit: str = Field(description="Kind/namespace/name from the topology, or External/<host>")
    category: Category
    summary: str = Field(max_length=300)
    detail: str = Field(default="", max_length=2000)
    evidence_ids: list[str] = Field(min_length=1, max_length=20)
    contradicting_ids: list[str] = Field(default_factory=list, max_length=20)
    confidence: Literal["high", "medium", "low"]
    reasoning: str = Field(default="", max_length=2000)


class ProposedCommand(_Answer):
    description: str = Field(max_length=300)
    command: str = Field(max_length=2000)
    caution: str | None = Field(default=None, max_length=500)
    verify: str | None = Field(default=None, max_length=500)


class RemediationAnswer(_Answer):
    commands: list[ProposedCommand] = Field(min_length=1, max_length=5)


TOOLS: dict[str, tuple[type[_Answer], str]] = {
    "log_triage": (LogTriageAnswer, "Report structured findings from the log excerpt."),
    "root_cause": (RootCauseAnswer, "Report the root cause, citing evidence ids."),
    "remediation": (RemediationAnswer, "Propose kubectl remediation commands."),
}


def tool_definition(stage: str) -> dict[str, object]:
    model, description = TOOLS[stage]
    return {"name": stage, "description": description, "input_schema": model.model_json_schema()}
