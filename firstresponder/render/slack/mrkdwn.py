"""Escaping and fitting text for Slack mrkdwn.

Everything from the cluster or the alert passes through ``escape``: Slack reads ``<…>`` as
mentions and links (``<!channel>``, ``<http://evil|looks-safe>``), so ``&``, ``<`` and ``>``
become entities, which Slack shows as the plain characters, code blocks included.
"""

from __future__ import annotations

from collections.abc import Iterable

from firstresponder.render.sanitize import ELLIPSIS, cap, clean, one_line
from firstresponder.render.slack.limits import MAX_LINE


def escape(text: str, max_len: int = MAX_LINE) -> str:
    """One line of untrusted text, safe for mrkdwn and at most ``max_len`` characters (escaped)."""
    return _entities_capped(one_line(text, max_len), max_len)


def escape_block(text: str, *, max_lines: int, max_line: int = MAX_LINE) -> list[str]:
    """Untrusted multi-line text as escaped lines, first ``max_lines`` kept."""
    lines = [line.rstrip() for line in clean(text, max_line=max_line).split("\n") if line.strip()]
    kept = [_entities_capped(line, max_line) for line in lines[:max_lines]]
    if len(lines) > max_lines:
        kept.append(f"{ELLIPSIS} {len(lines) - max_lines} more lines")
    return kept


def code(text: str, max_len: int = MAX_LINE) -> str:
    """Inline code; backticks in the content would end it early, so they become primes."""
    return f"`{escape(text, max_len).replace('`', 'ˋ')}`"


def code_block(lines: Iterable[str]) -> str:
    """A fenced block of already escaped lines; a stray ``` cannot close it early."""
    body = "\n".join(line.replace("```", "ˋˋˋ") for line in lines)
    return f"```{body}```"


def fit_lines(lines: list[str], limit: int, *, more: str = "more") -> str:
    """Join lines within ``limit`` characters, keeping the first ones (callers order by importance)."""
    out: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        cost = len(line) + (1 if out else 0)
        left_after = len(lines) - index - 1
        # Keep room for the "… N more" note unless this is the last line.
        reserve = len(f"\n{ELLIPSIS} {left_after} {more}") if left_after else 0
        if used + cost + reserve > limit:
            if not out:  # never drop the most important line entirely
                out.append(cap(line, max(limit - reserve, 1)))
                index += 1
            if index < len(lines):
                out.append(f"{ELLIPSIS} {len(lines) - index} {more}")
            break
        out.append(line)
        used += cost
    return cap("\n".join(out), limit)


def _entities_capped(text: str, max_len: int) -> str:
    """Escape, then cap without cutting an entity in half."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if len(escaped) <= max_len:
        return escaped
    cut = escaped[: max_len - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS
