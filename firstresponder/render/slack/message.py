"""The Slack message model and a checker of Block Kit limits (used by the Slack stand-in too)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from firstresponder.render.slack import limits

# In our mrkdwn every "<" and ">" is escaped: a raw one would be a mention or a link.
_RAW_ANGLE = re.compile(r"[<>]")


class SlackMessage(BaseModel):
    """One chat.postMessage payload, with follow-up messages to post in its thread."""

    model_config = ConfigDict(extra="forbid")

    text: str  # notification / fallback text
    blocks: list[dict[str, Any]] = Field(default_factory=list)
    thread: list[SlackMessage] = Field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        """Keyword arguments for ``WebClient.chat_postMessage`` (channel and thread_ts added by the caller)."""
        return {"text": self.text, "blocks": self.blocks}


def validate_blocks(message: SlackMessage) -> list[str]:
    """Every Block Kit limit the message (and its thread) breaks; empty when Slack will accept it."""
    problems = _check_message(message, "message")
    for index, reply in enumerate(message.thread):
        problems += _check_message(reply, f"thread[{index}]")
        if reply.thread:
            problems.append(f"thread[{index}]: a thread reply cannot have its own thread")
    return problems


def _check_message(message: SlackMessage, where: str) -> list[str]:
    problems: list[str] = []
    if not message.text.strip():
        problems.append(f"{where}.text: empty fallback text")
    problems += _max_len(message.text, limits.MAX_FALLBACK_TEXT, f"{where}.text")
    problems += _raw_angles(message.text, f"{where}.text")
    if len(message.blocks) > limits.MAX_BLOCKS:
        problems.append(f"{where}.blocks: {len(message.blocks)} blocks > {limits.MAX_BLOCKS}")
    for index, block in enumerate(message.blocks):
        problems += _check_block(block, f"{where}.blocks[{index}]")
    return problems


def _check_block(block: dict[str, Any], where: str) -> list[str]:
    kind = block.get("type")
    problems = _max_len(str(block.get("block_id", "")), limits.MAX_BLOCK_ID, f"{where}.block_id")
    if kind == "header":
        text = block.get("text") or {}
        if text.get("type") != "plain_text":
            problems.append(f"{where}.text: header text must be plain_text")
        problems += _max_len(str(text.get("text", "")), limits.MAX_HEADER_TEXT, f"{where}.text")
    elif kind == "section":
        problems += _check_section(block, where)
    elif kind == "context":
        elements = block.get("elements") or []
        if not elements or len(elements) > limits.MAX_CONTEXT_ELEMENTS:
            problems.append(f"{where}.elements: {len(elements)} not in 1..{limits.MAX_CONTEXT_ELEMENTS}")
        for i, element in enumerate(elements):
            problems += _check_text(element, limits.MAX_CONTEXT_TEXT, f"{where}.elements[{i}]")
    elif kind == "actions":
        problems += _check_actions(block, where)
    elif kind != "divider":
        problems.append(f"{where}: unexpected block type {kind!r}")
    return problems


def _check_section(block: dict[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    text, fields = block.get("text"), block.get("fields") or []
    if text is None and not fields:
        problems.append(f"{where}: section needs text or fields")
    if text is not None:
        problems += _check_text(text, limits.MAX_SECTION_TEXT, f"{where}.text")
    if len(fields) > limits.MAX_FIELDS:
        problems.append(f"{where}.fields: {len(fields)} fields > {limits.MAX_FIELDS}")
    for i, field in enumerate(fields):
        problems += _check_text(field, limits.MAX_FIELD_TEXT, f"{where}.fields[{i}]")
    return problems


def _check_actions(block: dict[str, Any], where: str) -> list[str]:
    elements = block.get("elements") or []
    problems: list[str] = []
    if not elements or len(elements) > limits.MAX_ACTION_ELEMENTS:
        problems.append(f"{where}.elements: {len(elements)} not in 1..{limits.MAX_ACTION_ELEMENTS}")
    for i, button in enumerate(elements):
        at = f"{where}.elements[{i}]"
        if button.get("type") != "button":
            problems.append(f"{at}: unexpected element {button.get('type')!r}")
            continue
        problems += _max_len(str((button.get("text") or {}).get("text", "")), limits.MAX_BUTTON_TEXT, f"{at}.text")
        problems += _max_len(str(button.get("value", "")), limits.MAX_BUTTON_VALUE, f"{at}.value")
        problems += _max_len(str(button.get("url", "")), limits.MAX_BUTTON_URL, f"{at}.url")
        problems += _max_len(str(button.get("action_id", "")), limits.MAX_ACTION_ID, f"{at}.action_id")
    return problems


def _check_text(obj: dict[str, Any], limit: int, where: str) -> list[str]:
    kind, text = obj.get("type"), str(obj.get("text", ""))
    if kind not in ("mrkdwn", "plain_text"):
        return [f"{where}: unexpected text type {kind!r}"]
    problems = _max_len(text, limit, where)
    if not text:
        problems.append(f"{where}: empty text")
    if kind == "mrkdwn":
        problems += _raw_angles(text, where)
    return problems


def _max_len(text: str, limit: int, where: str) -> list[str]:
    return [f"{where}: {len(text)} chars > {limit}"] if len(text) > limit else []


def _raw_angles(text: str, where: str) -> list[str]:
    return [f"{where}: unescaped '<' or '>' (mention or link)"] if _RAW_ANGLE.search(text) else []
