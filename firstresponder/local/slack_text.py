"""Show a Block Kit message as plain text in a terminal (what the demo prints of the Slack post)."""

from __future__ import annotations

import html
from typing import Any


def _text(obj: Any) -> str:
    return html.unescape(str((obj or {}).get("text", ""))) if isinstance(obj, dict) else ""


def blocks_as_text(blocks: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind in ("header", "section"):
            if block.get("text"):
                lines.append(_text(block["text"]))
            lines += [_text(f) for f in block.get("fields") or []]
        elif kind == "context":
            lines.append("  ".join(_text(e) for e in block.get("elements") or []))
        elif kind == "actions":
            lines.append("  ".join(f"[{_text(e.get('text'))}]" for e in block.get("elements") or []))
        elif kind == "divider":
            lines.append("─" * 60)
        elif kind == "rich_text":
            lines.append(str(block))
    return "\n".join(line for line in lines if line)
