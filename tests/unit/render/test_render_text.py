"""The terminal report: conclusion first, commands verbatim, gaps actionable, hostile text inert."""

from __future__ import annotations

from firstresponder.render.text import GROUP_SEPARATOR, render_text
from tests.support.reports import (
    config_change_report,
    external_dependency_report,
    failed_report,
    low_confidence_report,
    oom_report,
)


def test_first_line_gives_confidence_and_category() -> None:
    first, second = render_text(oom_report()).splitlines()[:2]
    assert first.startswith("HIGH CONFIDENCE (95%)")
    assert "Memory limit exceeded" in first and "payments-api · production" in first
    assert second.startswith("Root cause: Memory limit exceeded")


def test_commands_are_printed_verbatim_on_one_line() -> None:
    report = config_change_report()
    lines = [line.strip() for line in render_text(report).splitlines()]
    for fix in report.remediation:
        assert fix.command in lines
    assert "verify: kubectl rollout status deployment/checkout -n production" in lines


def test_caution_lines_follow_the_command() -> None:
    out = render_text(oom_report())
    assert out.index("kubectl patch deployment payments-api") < out.index("⚠ Verify current average usage")
    assert "⚠ Consider HPA configuration" in out


def test_changes_are_placed_relative_to_the_alert_oldest_first() -> None:
    out = render_text(config_change_report())
    assert out.index("6h 2m before the alert") < out.index("20m before the alert")


def test_evidence_shows_id_resource_summary_and_excerpt() -> None:
    out = render_text(config_change_report())
    assert "* [ev-logs-checkout-api-previous] Pod/production/checkout-6f7c9d8b5-x2k4q (container.logs)" in out
    assert "| 2026-11-27T02:58:01Z FATAL could not connect to database, exiting" in out


def test_alternatives_say_why_they_ranked_lower() -> None:
    assert "ranked lower because the image did not change" in render_text(config_change_report())


def test_low_confidence_reads_as_a_hypothesis_with_a_check() -> None:
    out = render_text(low_confidence_report())
    assert out.splitlines()[1].startswith("Possible cause: readiness probe too strict")
    assert "To confirm:" in out and "grep -i 'index loaded'" in out


def test_failed_investigation_reports_what_could_not_be_read() -> None:
    out = render_text(failed_report())
    assert out.splitlines()[1] == "Root cause not determined"
    assert ("Could not read events in namespace production (403 Forbidden) — needs RBAC rule "
            'apiGroups: [""], resources: ["events"], verbs: ["list"]') in out.replace("\n    ", " ")
    assert "3 read(s) failed" in out
    assert "API errors: 403: 2, 404: 1" in out


def test_outside_cluster_culprit_is_marked() -> None:
    assert "External/api.payments-gateway.example.com  (outside the cluster)" in render_text(
        external_dependency_report())


def test_deterministic_diagnosis_is_not_called_ai() -> None:
    assert "AI Diagnosis" not in render_text(config_change_report())
    assert "AI Diagnosis" in render_text(oom_report())


def test_examined_resources_show_relation_and_failing() -> None:
    out = render_text(oom_report())
    assert "Pod/production/payments-api-7d9f8c6b4-qz8wn  (alerting resource)  FAILING" in out
    assert "Deployment/production/payments-api  (owner of the replicaset)" in out


def test_an_alert_group_renders_each_report_after_a_separator() -> None:
    out = render_text([oom_report(), failed_report()])
    assert out.count(GROUP_SEPARATOR) == 1
    assert out.index("payments-api") < out.index(GROUP_SEPARATOR) < out.index("ledger-0")


def test_colour_only_when_asked() -> None:
    assert "\x1b[" not in render_text(oom_report())
    assert "\x1b[1;32m" in render_text(oom_report(), color=True)


def test_hostile_terminal_escapes_from_the_cluster_are_stripped() -> None:
    report = oom_report()
    evil = report.root_cause.model_copy(update={"summary": "boom\x1b]0;pwned\x07\x1b[2J\u202egnp.exe"})
    out = render_text(report.model_copy(update={"root_cause": evil}), color=False)
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "boom" in out


def test_enormous_excerpt_lines_are_capped() -> None:
    report = oom_report()
    ev = report.evidence[0].model_copy(update={"excerpt": "x" * 100_000})
    out = render_text(report.model_copy(update={"evidence": [ev]}))
    assert max(len(line) for line in out.splitlines()) < 400


def test_prose_wraps_at_the_width_and_only_commands_run_long() -> None:
    for report in (oom_report(), config_change_report(), failed_report(), external_dependency_report()):
        commands = {f.command for f in report.remediation if f.command}
        long_lines = [line for line in render_text(report).splitlines() if len(line) > 100]
        assert all(line.strip() in commands or "CONFIDENCE" in line for line in long_lines), long_lines
