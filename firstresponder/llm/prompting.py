"""Turn the evidence bundle and the deterministic diagnosis into redacted, fenced prompt text."""

from __future__ import annotations

from collections.abc import Callable

from firstresponder.llm.redaction import redact
from firstresponder.models import Diagnosis, EvidenceBundle, RootCause

MAX_EXCERPT = 1200
MAX_EVIDENCE = 60


def untrusted(text: str, limit: int = MAX_EXCERPT) -> str:
    """Fence cluster data; closing tags inside it are defused so it cannot break out."""
    body = redact(text[:limit]).replace("</untrusted", "<\\/untrusted")
    return f"<untrusted>\n{body}\n</untrusted>"


def _cause_line(cause: RootCause) -> str:
    return (f"- {cause.category.value} on {cause.resource.key} ({cause.confidence.level.value}, "
            f"score {cause.confidence.score:.2f}): {cause.summary} | evidence: {', '.join(cause.evidence_ids)}")


def root_cause_prompt(bundle: EvidenceBundle, diagnosis: Diagnosis, hide: Callable[[str], str]) -> str:
    alert = bundle.alert
    parts = [
        f"ALERT {alert.name} ({alert.severity}) on {alert.scope} started {alert.starts_at.isoformat()}",
        untrusted(f"{alert.title}\n{alert.description}", 600),
        "TOPOLOGY (resource: relation to the alerting resource)",
        *[f"- {key}{' [MISSING]' if n.missing else ''}: {n.relation}" for key, n in bundle.topology.nodes.items()],
        "EVIDENCE",
    ]
    for ev in bundle.evidence[:MAX_EVIDENCE]:
        parts.append(f"[{ev.id}] {ev.resource.key} ({ev.facts.source}): {redact(ev.summary)}")
        if ev.excerpt:
            parts.append(untrusted(ev.excerpt))
    parts.append("CHANGES (time-ordered)")
    parts += [f"- {c.at.isoformat()} {c.kind.value} {c.resource.key}: {redact(c.summary)}"
              for c in sorted(bundle.changes, key=lambda c: c.at)]
    if bundle.gaps:
        parts.append("GAPS (could not be read)")
        parts += [f"- {g.what}: {g.reason}" for g in bundle.gaps]
    parts.append("DETERMINISTIC HYPOTHESES (best first)")
    parts += [_cause_line(diagnosis.root_cause), *[_cause_line(h) for h in diagnosis.hypotheses]]
    return hide("\n".join(parts))


def log_triage_prompt(excerpt: str, hide: Callable[[str], str]) -> str:
    numbered = "\n".join(f"{n}: {line}" for n, line in enumerate(excerpt.splitlines(), start=1))
    return hide("Container log excerpt (line numbers added):\n" + untrusted(numbered, 6000))


def remediation_prompt(bundle: EvidenceBundle, cause: RootCause, hide: Callable[[str], str]) -> str:
    culprit = bundle.topology.get(cause.resource)
    facts = [f"ROOT CAUSE: {cause.category.value} on {cause.resource.key}: {redact(cause.summary)}",
             untrusted(redact(cause.detail), 1500)]
    if culprit is not None and culprit.object is not None:
        facts.append("CULPRIT OBJECT (as fetched, JSON):")
        facts.append(untrusted(_compact_json(culprit.object), 4000))
    cited = [e for e in bundle.evidence if e.id in cause.evidence_ids]
    facts += [f"[{e.id}] {redact(e.summary)}" for e in cited]
    return hide("\n".join(facts))


def _compact_json(obj: object) -> str:
    import json

    return json.dumps(obj, separators=(",", ":"), default=str)
