"""Slack Block Kit rendering: the 3 AM shape, feedback buttons, limits, and hostile content."""

from __future__ import annotations

import json

from firstresponder.models import Evidence, Gap
from firstresponder.render.slack import SlackMessage, limits, render_slack, validate_blocks
from tests.support.reports import (
    config_change_report,
    external_dependency_report,
    failed_report,
    low_confidence_report,
    oom_report,
)

URL = "https://firstresponder.example.com/reports/rep-1"


def _mrkdwn(message: SlackMessage) -> str:
    return json.dumps([message.blocks, [m.blocks for m in message.thread]], ensure_ascii=False)


def test_header_names_workload_namespace_and_confidence() -> None:
    header = render_slack(oom_report(), report_url=URL).blocks[0]
    assert header["type"] == "header"
    assert header["text"]["text"] == "🤖 AI Diagnosis  payments-api · production   🟢 High Confidence"


def test_badge_differs_per_confidence_level() -> None:
    assert "🟡 Medium Confidence" in render_slack(external_dependency_report()).blocks[0]["text"]["text"]
    assert "🟠 Low Confidence" in render_slack(low_confidence_report()).blocks[0]["text"]["text"]
    assert "Inconclusive" in render_slack(failed_report()).blocks[0]["text"]["text"]


def test_without_a_model_it_is_not_called_ai() -> None:
    header = render_slack(config_change_report()).blocks[0]["text"]["text"]
    assert header.startswith("🔎 Diagnosis  checkout · production")
    assert "AI" not in header


def test_finding_lists_category_and_supporting_evidence_as_bullets() -> None:
    finding = render_slack(oom_report()).blocks[1]["text"]["text"]
    assert finding.startswith("💥 *Memory limit exceeded*")
    assert "  • Pod container exited with code 137 (SIGKILL / OOMKilled)" in finding
    assert "  • Memory limit: 256Mi | Peak observed usage: 318Mi (last 6h)" in finding
    assert "  • 4 OOMKilled restarts in past 2 hours" in finding


def test_command_sits_in_a_code_block_with_caution_and_verify() -> None:
    fix = render_slack(oom_report()).blocks[3]["text"]["text"]
    assert "```kubectl patch deployment payments-api -n production -p '{\"spec\"" in fix
    assert "⚠️ Verify current average usage before applying.\n      Consider HPA configuration" in fix
    assert "*Verify:* `kubectl get pods -n production -l app=payments-api -w`" in fix


def test_low_confidence_reads_as_a_hypothesis_with_its_check() -> None:
    finding = render_slack(low_confidence_report()).blocks[1]["text"]["text"]
    assert "*Possible cause:* readiness probe too strict" in finding
    assert "*To confirm:* `kubectl logs deploy/search" in finding


def test_feedback_buttons_carry_the_report_id_and_the_link_button_is_optional() -> None:
    report = oom_report()
    actions = render_slack(report, report_url=URL).blocks[-1]
    assert actions["type"] == "actions"
    ids = [b["action_id"] for b in actions["elements"]]
    assert ids == ["feedback_accurate", "feedback_partial", "feedback_incorrect", "view_report"]
    assert {b.get("value") for b in actions["elements"][:3]} == {report.id}
    assert actions["elements"][3]["url"] == URL
    without = render_slack(report, report_url=None).blocks[-1]["elements"]
    assert [b["action_id"] for b in without] == ids[:3]


def test_non_http_report_urls_are_not_linked() -> None:
    elements = render_slack(oom_report(), report_url="javascript:alert(1)").blocks[-1]["elements"]
    assert all("url" not in b for b in elements)


def test_thread_carries_evidence_changes_resources_and_gaps() -> None:
    thread = render_slack(config_change_report()).thread
    titles = [m.text for m in thread]
    assert titles[:2] == ["🔍 Evidence trail", "🕒 What changed and when"]
    assert "🗺️ What was examined" in titles
    changes = json.dumps(thread[1].blocks, ensure_ascii=False)
    assert "*6h 2m before the alert*" in changes


def test_failed_investigation_still_says_what_was_found_and_what_was_not() -> None:
    message = render_slack(failed_report())
    finding = message.blocks[1]["text"]["text"]
    assert "*What was found:*" in finding and "container ledger running but not ready" in finding
    assert "⚠️ 3 read(s) could not be done" in finding
    gaps = next(m for m in message.thread if m.text.startswith("🚧"))
    text = json.dumps(gaps.blocks, ensure_ascii=False)
    assert "needs RBAC rule `apiGroups: [\\\"\\\"], resources: [\\\"pods/log\\\"]" in text


def test_sample_reports_pass_the_limit_checker() -> None:
    for report in (oom_report(), config_change_report(), low_confidence_report(),
                   external_dependency_report(), failed_report()):
        assert validate_blocks(render_slack(report, report_url=URL)) == []


def test_mentions_and_link_spoofs_from_the_cluster_are_escaped() -> None:
    report = oom_report()
    evil = "<!channel> see <http://evil.example|https://bank.example> & <@U123>"
    ev = report.evidence[0].model_copy(update={"summary": evil, "excerpt": evil})
    cause = report.root_cause.model_copy(update={"summary": evil})
    message = render_slack(report.model_copy(update={"evidence": [ev, *report.evidence[1:]], "root_cause": cause}))
    assert validate_blocks(message) == []
    text = _mrkdwn(message) + message.text
    assert "<!channel>" not in text and "<http" not in text and "<@U123>" not in text
    assert "&lt;!channel&gt; see &lt;http://evil.example|https://bank.example&gt; &amp; &lt;@U123&gt;" in text


def test_backticks_in_a_command_cannot_close_the_code_block() -> None:
    report = oom_report()
    fix = report.remediation[0].model_copy(update={"command": "echo ```*bold* <!here>```"})
    block = render_slack(report.model_copy(update={"remediation": [fix]})).blocks[3]["text"]["text"]
    assert block.count("```") == 2


def test_huge_reports_stay_within_limits_and_keep_the_important_lines() -> None:
    report = oom_report()
    many = [Evidence(id=f"ev-{i}", resource=report.evidence[0].resource, summary="s" * 5000,
                     excerpt="line\n" * 500, facts=report.evidence[0].facts) for i in range(300)]
    gaps = [Gap(what="w" * 3000, reason="403 Forbidden", status=403, rbac_rule="r" * 3000)] * 200
    cause = report.root_cause.model_copy(update={"summary": "S" * 10_000,
                                                 "evidence_ids": [e.id for e in many]})
    big = report.model_copy(update={"evidence": many, "gaps": gaps, "root_cause": cause,
                                    "remediation": report.remediation * 20})
    message = render_slack(big, report_url=URL)
    assert validate_blocks(message) == []
    assert len(message.text) <= limits.FALLBACK_TEXT_TARGET
    finding = message.blocks[1]["text"]["text"]
    assert finding.startswith("💥 *Memory limit exceeded*")
    assert "more findings in the thread" in finding
    assert message.blocks[-1]["type"] == "actions"


def test_validate_blocks_reports_each_broken_limit() -> None:
    bad = SlackMessage(text="", blocks=[
        {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "<!channel>"}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11},
        {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "b" * 76},
                                          "action_id": "a"}]},
    ] + [{"type": "divider"}] * 47, thread=[SlackMessage(text="ok", blocks=[
        {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}])])
    problems = "\n".join(validate_blocks(bad))
    assert "message.text: empty fallback text" in problems
    assert "message.blocks: 51 blocks > 50" in problems
    assert "message.blocks[0].text: 151 chars > 150" in problems
    assert "message.blocks[1].text: unescaped" in problems
    assert "message.blocks[2].fields: 11 fields > 10" in problems
    assert "message.blocks[3].elements[0].text: 76 chars > 75" in problems
    assert "thread[0].blocks[0].text: 3001 chars > 3000" in problems


def test_payload_is_what_chat_post_message_takes() -> None:
    message = render_slack(oom_report())
    assert message.payload() == {"text": message.text, "blocks": message.blocks}
