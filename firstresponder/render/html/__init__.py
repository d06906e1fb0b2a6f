"""HTML page rendering of a report (self-contained: inline CSS, SVG and a tiny copy script)."""

from __future__ import annotations

from firstresponder.render.html.page import render_html
from firstresponder.render.timing import first_failure_at

__all__ = ["first_failure_at", "render_html"]
