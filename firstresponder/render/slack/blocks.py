"""Block constructors that cannot exceed Slack's limits: every text is capped on the way in."""

from __future__ import annotations

from typing import Any

from firstresponder.render.sanitize import cap, clean
from firstresponder.render.slack import limits
from firstresponder.render.slack.mrkdwn import fit_lines

Block = dict[str, Any]


def header(text: str) -> Block:
    """A header; plain_text is shown as typed (no mentions, no links)."""
    flat = clean(text, max_line=1000).replace("\n", " ")
    return {"type": "header",
            "text": {"type": "plain_text", "text": cap(flat, limits.MAX_HEADER_TEXT) or " ", "emoji": True}}


def section(mrkdwn: str) -> Block:
    """A section of already escaped mrkdwn, capped at the section limit."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": cap(mrkdwn, limits.MAX_SECTION_TEXT) or " "}}


def sections(lines: list[str], *, more: str = "more", max_blocks: int = limits.MAX_BLOCKS) -> list[Block]:
    """Already escaped lines packed into as few sections as the text limit allows."""
    chunks: list[list[str]] = [[]]
    size = 0
    for line in (cap(line, limits.MAX_SECTION_TEXT) for line in lines):
        if chunks[-1] and size + len(line) + 1 > limits.MAX_SECTION_TEXT:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    chunks = [c for c in chunks if c]
    if len(chunks) > max_blocks:
        # The last allowed section says how much did not fit.
        shown = sum(len(c) for c in chunks[: max_blocks - 1])
        chunks = [*chunks[: max_blocks - 1], [fit_lines(lines[shown:], limits.MAX_SECTION_TEXT, more=more)]]
    return [section("\n".join(c)) for c in chunks]


def context(*mrkdwn: str) -> Block:
    """Small grey lines (at most ten elements)."""
    elements = [{"type": "mrkdwn", "text": cap(text, limits.MAX_CONTEXT_TEXT) or " "}
                for text in mrkdwn[: limits.MAX_CONTEXT_ELEMENTS]]
    return {"type": "context", "elements": elements}


def button(text: str, *, action_id: str, value: str | None = None, url: str | None = None,
           style: str | None = None) -> Block:
    element: Block = {"type": "button", "text": {"type": "plain_text", "text": cap(text, limits.MAX_BUTTON_TEXT),
                                                 "emoji": True},
                      "action_id": cap(action_id, limits.MAX_ACTION_ID)}
    if value is not None:
        element["value"] = cap(value, limits.MAX_BUTTON_VALUE)
    if url is not None:
        element["url"] = url
    if style is not None:
        element["style"] = style
    return element


def actions(*elements: Block) -> Block:
    return {"type": "actions", "elements": list(elements[: limits.MAX_ACTION_ELEMENTS])}


def divider() -> Block:
    return {"type": "divider"}
