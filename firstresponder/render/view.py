"""Statements every rendering makes the same way: gaps, stats, cited evidence, resource labels."""

from __future__ import annotations

from firstresponder.models import Evidence, Gap, Report, ResourceRef, RootCause
from firstresponder.render.sanitize import one_line
from firstresponder.render.timing import humanize_seconds


def cited_evidence(report: Report, cause: RootCause) -> list[Evidence]:
    """The evidence a conclusion cites, in citation order (unknown ids skipped)."""
    found = (report.evidence_by_id(evidence_id) for evidence_id in cause.evidence_ids)
    return [e for e in found if e is not None]


def gap_sentence(gap: Gap) -> str:
    """``Could not read logs of … (403 Forbidden) — needs RBAC rule apiGroups: …``."""
    sentence = gap_problem(gap)
    if gap.rbac_rule:
        sentence += f" — needs RBAC rule {one_line(gap.rbac_rule, 300)}"
    return sentence


def gap_problem(gap: Gap) -> str:
    """``Could not read logs of … (403 Forbidden)``: the gap without its remedy."""
    status = str(gap.status) if gap.status is not None else ""
    reason = gap.reason if status in gap.reason else " ".join(p for p in (status, gap.reason) if p)
    sentence = f"Could not read {gap.what} ({reason})" if reason else f"Could not read {gap.what}"
    return one_line(sentence, 600)


def resource_label(ref: ResourceRef) -> str:
    return one_line(ref.key, 300)


def stats_lines(report: Report) -> list[str]:
    """A few lines of how much the investigation did and what it cost."""
    stats = report.stats
    lines = [
        f"{stats.resources_examined} resources examined, {stats.api_requests} API requests "
        f"({_kib(stats.api_bytes)}), {stats.collectors_run} collectors, "
        f"{duration_label(stats.duration_ms)}"
    ]
    if stats.api_errors:
        errors = ", ".join(f"{one_line(code, 20)}: {count}" for code, count in sorted(stats.api_errors.items()))
        lines.append(f"API errors: {errors}")
    if stats.model_usage:
        for usage in stats.model_usage:
            lines.append(
                f"model {one_line(usage.model, 80)} ({one_line(usage.stage, 40)}): "
                f"{usage.input_tokens} in / {usage.output_tokens} out tokens, ${usage.cost_usd:.4f}, "
                f"{usage.duration_ms} ms")
        lines.append(f"model cost total: ${total_model_cost(report):.4f}")
    else:
        lines.append("no language model used (deterministic diagnosis)")
    return lines


def total_model_cost(report: Report) -> float:
    return sum(u.cost_usd for u in report.stats.model_usage)


def _kib(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size >= 1024 else f"{size} B"


def duration_label(milliseconds: int) -> str:
    """``840 ms``, ``8.4 s``, ``2m 5s``."""
    if milliseconds < 1000:
        return f"{milliseconds} ms"
    if milliseconds < 60_000:
        return f"{milliseconds / 1000:.1f} s"
    return humanize_seconds(milliseconds / 1000)
