"""Markdown for tickets and post-mortems: GitHub-flavoured, inert, with commands in fenced blocks."""

from __future__ import annotations

from firstresponder.render import render_json, render_markdown
from firstresponder.render.markdown import code, fenced, md
from tests.support.reports import config_change_report, failed_report, oom_report


def test_heading_names_the_diagnosis_and_the_workload() -> None:
    first = render_markdown(oom_report()).splitlines()[0]
    assert first == "# 💥 AI Diagnosis: Memory limit exceeded — payments-api · production"


def test_commands_are_fenced_inside_their_list_item() -> None:
    out = render_markdown(config_change_report())
    assert ("1. **Restore the previous DB\\_HOST value**\n   ```sh\n   kubectl patch configmap checkout-config -n "
            "production --type merge -p '{\"data\":{\"DB_HOST\":\"postgres.production.svc\"}}'\n   ```") in out


def test_changes_table_has_relative_times_and_links_to_evidence() -> None:
    out = render_markdown(config_change_report())
    row = next(line for line in out.splitlines() if "config_update" in line)
    assert "| 6h 2m before the alert |" in row
    assert "[ev-config-checkout-config](#ev-config-checkout-config)" in row


def test_gaps_and_inconclusive_verdict() -> None:
    out = render_markdown(failed_report())
    assert "**⚪ Inconclusive** (5%) · Root cause not determined" in out
    assert "- Could not read logs of Pod/production/ledger-0 container ledger \\(previous\\)" in out


def test_alert_group_is_separated_by_rules() -> None:
    out = render_markdown([oom_report(), failed_report()])
    assert out.count("\n\n---\n\n") == 1


def test_untrusted_text_cannot_inject_html_links_or_table_cells() -> None:
    assert md('<img src=x onerror=alert(1)> [x](http://e) a|b') == (
        "&lt;img src=x onerror=alert\\(1\\)&gt; \\[x\\]\\(http://e\\) a\\|b")
    assert code("a`b") == "``a`b``"
    assert code("a|b", in_table=True) == "`a\\|b`"


def test_fence_outgrows_backticks_in_the_content() -> None:
    assert fenced("x\n````\ny").startswith("`````\nx")


def test_json_is_the_model_dump() -> None:
    report = oom_report()
    assert render_json(report) == report.model_dump_json(indent=2)
