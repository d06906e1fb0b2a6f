"""Slack's published Block Kit limits, in one place (renderers design within them; tests check)."""

from __future__ import annotations

MAX_BLOCKS = 50  # per message
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_FIELDS = 10  # per section
MAX_FIELD_TEXT = 2000
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_TEXT = 3000
MAX_ACTION_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_BUTTON_URL = 3000
MAX_ACTION_ID = 255
MAX_BLOCK_ID = 255
MAX_FALLBACK_TEXT = 40000

# Our own tighter budgets: a 3 AM reader needs the gist, the full report is one click away.
FALLBACK_TEXT_TARGET = 300
MAX_LINE = 400  # any single line of cluster text
MAX_BULLETS = 5
MAX_FIXES = 3
MAX_EXCERPT_LINES = 6
MAX_THREAD_EVIDENCE = 40
