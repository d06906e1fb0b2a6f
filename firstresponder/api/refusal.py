"""The clear 403 page for an expired or forged report link."""

from __future__ import annotations

import html

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Report link refused</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}}
@media (prefers-color-scheme: dark){{body{{background:#111;color:#eee}}}}</style></head>
<body><h1>403 — this report link cannot be opened</h1><p>{reason}</p>
<p>Open the report again from its Slack message, or ask for it through the API.</p></body></html>"""


def refusal_page(reason: str) -> str:
    return _PAGE.format(reason=html.escape(reason))
