"""Make cluster- and alert-supplied text safe to place in any rendering.

Labels, log lines and annotations are hostile input: they may carry terminal escapes, bidi
overrides that reorder what a reader sees, NULs, or megabytes on one line.
"""

from __future__ import annotations

import re

# C0/C1 controls except tab and newline; bidi embedding/override/isolate characters.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_WHITESPACE = re.compile(r"\s+")

MAX_LINE = 500  # characters kept of any single line
ELLIPSIS = "…"


def clean(text: str, *, max_line: int = MAX_LINE) -> str:
    """Strip control characters and ANSI sequences; cap each line at ``max_line`` characters."""
    text = _UNSAFE.sub("", _ANSI.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))
    return "\n".join(cap(line, max_line) for line in text.split("\n"))


def one_line(text: str, max_len: int = MAX_LINE) -> str:
    """Clean text and fold it onto one line (newlines and runs of spaces become one space)."""
    return cap(_WHITESPACE.sub(" ", clean(text, max_line=max(max_len, 1) * 4)).strip(), max_len)


def cap(text: str, max_len: int) -> str:
    """Shorten to at most ``max_len`` characters, marking the cut with an ellipsis."""
    if len(text) <= max_len:
        return text
    if max_len <= 0:
        return ""
    return text[: max_len - 1] + ELLIPSIS


def excerpt_lines(text: str, *, max_lines: int, max_line: int = 200) -> list[str]:
    """The first ``max_lines`` non-empty lines of an excerpt, cleaned, with a note when cut."""
    lines = [line.rstrip() for line in clean(text, max_line=max_line).split("\n") if line.strip()]
    if len(lines) > max_lines:
        return [*lines[:max_lines], f"{ELLIPSIS} {len(lines) - max_lines} more lines"]
    return lines
