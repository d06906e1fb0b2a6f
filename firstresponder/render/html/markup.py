"""HTML escaping of untrusted text and the page's anchor names."""

from __future__ import annotations

import hashlib
import re
from html import escape

from firstresponder.models import Report
from firstresponder.render.sanitize import clean, one_line

_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]")


def esc(text: str, max_len: int = 2000) -> str:
    """One line of untrusted text as inert HTML (also safe inside a quoted attribute)."""
    return escape(one_line(text, max_len), quote=True)


def esc_block(text: str, max_line: int = 500) -> str:
    """Multi-line untrusted text for a ``<pre>``: escaped, control characters stripped, lines capped."""
    return escape(clean(text, max_line=max_line), quote=True)


def evidence_anchor(evidence_id: str) -> str:
    """``ev-<id>``: a fragment-safe id; unusual ids get a hash suffix so they stay distinct."""
    safe = _ANCHOR_UNSAFE.sub("-", one_line(evidence_id, 120))
    if safe != evidence_id:
        safe += "-" + hashlib.sha256(evidence_id.encode()).hexdigest()[:8]
    return f"ev-{safe}"


def evidence_link(report: Report, evidence_id: str) -> str:
    """A link to the cited evidence, or plain text when the report does not carry that evidence."""
    if report.evidence_by_id(evidence_id) is None:
        return f'<code class="ev-missing" title="not in the evidence trail">{esc(evidence_id, 120)}</code>'
    return f'<a class="ev-link" href="#{evidence_anchor(evidence_id)}">{esc(evidence_id, 120)}</a>'
