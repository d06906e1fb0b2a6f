"""The full report page end to end: alert → local stack → Slack's "View full report" link → Chromium."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from firstresponder.api.links import sign_link
from tests.browser.chromium import PHONE, chromium_present, opened_page
from tests.browser.scenarios import HOSTILE_MARKUP, SCENARIO_KEYS
from tests.browser.stack_report import ServedReport

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not chromium_present(), reason="needs Debian's chromium at /usr/bin/chromium")]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
EVERY_SCENARIO = pytest.mark.parametrize("served", SCENARIO_KEYS, indirect=True)
DEMO = pytest.mark.parametrize("served", ["demo"], indirect=True)
REFUSED_HEADING = "403 — this report link cannot be opened"

# WCAG relative luminance and contrast ratio, from the computed rgb() colours.
CONTRAST = """([a, b]) => {
  const lum = (css) => {
    const [r, g, bl] = css.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}"""


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def computed(page: Page, selector: str, prop: str) -> str:
    return str(page.eval_on_selector(selector, f"el => getComputedStyle(el).{prop}"))


@EVERY_SCENARIO
def test_page_from_the_slack_link_shows_the_diagnosis_and_marks_the_culprit(browser: Browser,
                                                                              served: ServedReport) -> None:
    scenario, cause = served.scenario, served.report["root_cause"]
    with opened_page(browser, served.url) as opened:
        page = opened.page
        assert opened.status == 200
        namespace = scenario.culprit.split("/")[1]
        assert page.title().startswith("Diagnosis · ") and namespace in page.title()
        assert page.inner_text("header h1") == page.title()
        # The conclusion is the scenario's expected one, shown first.
        assert cause["category"] == scenario.category
        assert page.inner_text("#cause h2") == "Root cause: " + " ".join(cause["summary"].split())
        assert page.inner_text("#cause p:has-text('Culprit') code") == scenario.culprit
        badge = page.inner_text("#cause .confidence")
        assert badge == f"{scenario.confidence.capitalize()} Confidence · {cause['confidence']['score']:.0%}"
        assert page.eval_on_selector("main > section", "s => s.id") == "cause"
        # Exactly one topology node is the culprit, marked like the legend's root-cause mark.
        culprits = page.locator("svg.topology g.node.culprit")
        assert culprits.count() == 1
        assert str(culprits.locator("title").text_content()).startswith(scenario.culprit)
        assert "★ ROOT CAUSE" in str(culprits.locator("text.badge").text_content())
        assert culprits.locator(".shape").is_visible()
        culprit_stroke = culprits.locator(".shape").evaluate("el => getComputedStyle(el).stroke")
        legend = page.locator("ul.legend li:has(.mark.culprit)")
        assert "root cause" in legend.inner_text()
        assert culprit_stroke == legend.locator(".mark").evaluate("el => getComputedStyle(el).borderTopColor")
        assert culprit_stroke != computed(page, "svg.topology g.node:not(.culprit):not(.failing):not(.alerting) .shape",
                                          "stroke")
        assert opened.errors == []
        shot(page, scenario.name)


@DEMO
def test_demo_timeline_puts_the_configmap_change_before_the_first_crash(browser: Browser,
                                                                         served: ServedReport) -> None:
    with opened_page(browser, served.url) as opened:
        page = opened.page
        marks = page.locator("svg.timeline g.change").filter(
            has=page.locator("title", has_text="ConfigMap/production/payments-config"))
        assert marks.count() == 1
        change = marks.first
        assert "culprit" in str(change.get_attribute("class")).split()  # drawn in the root cause's colour
        assert "payments-config" in str(change.locator("text").text_content())  # labelled, not just numbered
        change_box = change.locator("circle").bounding_box()
        failure_box = page.locator("svg.timeline g.first-failure line").bounding_box()
        alert_box = page.locator("svg.timeline g.alert-start line").bounding_box()
        timeline_box = page.locator("svg.timeline").bounding_box()
        assert change_box and failure_box and alert_box and timeline_box
        change_x = change_box["x"] + change_box["width"] / 2
        failure_x = failure_box["x"] + failure_box["width"] / 2
        alert_x = alert_box["x"] + alert_box["width"] / 2
        assert change_x < failure_x <= alert_x  # the edit, then the crash, then the page
        assert timeline_box["x"] <= change_x and alert_x <= timeline_box["x"] + timeline_box["width"]
        # 5.7 h before a crash must read as "well before" even though other changes go back months.
        assert failure_x - change_x > timeline_box["width"] / 4
        assert "first failure" in str(page.text_content("svg.timeline g.first-failure text"))
        assert "payments-config" in page.inner_text("table.changes")


def expected_copies(report: dict[str, Any]) -> dict[str, str]:
    """What each copy button must put on the clipboard, from the stored report (not from the page)."""
    out = {"verify-cause": report["root_cause"].get("verification")}
    for number, fix in enumerate(report["remediation"], start=1):
        out |= {f"fix-{number}": fix.get("command"), f"verify-{number}": fix.get("verify")}
    return {key: value for key, value in out.items() if value}


@EVERY_SCENARIO
def test_copy_buttons_put_the_exact_command_on_the_clipboard(browser: Browser, served: ServedReport) -> None:
    expected = expected_copies(served.report)
    assert any(key.startswith("fix-") for key in expected), "every scenario has a fix command to copy"
    with opened_page(browser, served.url, clipboard=True) as opened:
        page = opened.page
        buttons = page.locator("button.copy")
        targets = [str(buttons.nth(i).get_attribute("data-copy")) for i in range(buttons.count())]
        assert sorted(targets) == sorted(expected)
        for target in targets:
            page.evaluate("navigator.clipboard.writeText('')")
            button = page.locator(f'button[data-copy="{target}"]')
            button.click()
            expect(button).to_have_text("Copied")  # polled by Playwright: the page's CSP forbids eval
            assert page.evaluate("navigator.clipboard.readText()") == expected[target]
        assert opened.errors == []


@DEMO
def test_expired_forged_or_foreign_links_get_the_clear_403_page(browser: Browser, served: ServedReport) -> None:
    key, now = served.link_key(), datetime.now(UTC)
    base, _, token = served.url.partition("?token=")
    expired = sign_link(served.investigation, key=key, now=now - timedelta(days=8))  # 7-day links
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    foreign = sign_link("another-investigation", key=key, now=now)
    for bad, reason in ((expired, "link has expired"), (forged, "not valid for this report"),
                        (foreign, "not valid for this report")):
        with opened_page(browser, f"{base}?token={bad}") as opened:
            page = opened.page
            assert opened.status == 403
            assert page.inner_text("h1") == REFUSED_HEADING
            assert reason in page.inner_text("body")
            assert "Open the report again from its Slack message" in page.inner_text("body")
            assert "payments-config" not in page.content()  # nothing of the report leaks
    with opened_page(browser, served.url) as opened:  # the genuine link still opens
        assert opened.status == 200


@pytest.mark.parametrize("served", ["hostile"], indirect=True)
def test_a_script_tag_in_a_log_line_is_shown_as_text(browser: Browser, served: ServedReport) -> None:
    quoted = [e["id"] for e in served.report["evidence"] if HOSTILE_MARKUP in (e.get("excerpt") or "")]
    assert quoted, "the planted log line reached the report's evidence"
    with opened_page(browser, served.url) as opened:
        page = opened.page
        csp_reports: list[str] = []
        page.on("console", lambda m: csp_reports.append(m.text) if "Content Security Policy" in m.text else None)
        page.reload()
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("document.scripts.length") == 1  # ours only: the line never became a tag
        assert csp_reports == []  # nor did the policy have to block anything
        assert HOSTILE_MARKUP in page.inner_text("#evidence")
        assert page.locator("#evidence pre", has_text=HOSTILE_MARKUP).first.is_visible()
        assert opened.errors == []


@EVERY_SCENARIO
def test_the_page_loads_nothing_but_itself(browser: Browser, served: ServedReport) -> None:
    with opened_page(browser, served.url) as opened:
        page = opened.page
        page.wait_for_load_state("networkidle")
        assert opened.requested == [served.url]
        # Not only blocked by the page's CSP: nothing even refers elsewhere (links stay on the page).
        assert page.locator("[src], [srcset], link[href], object, iframe, embed, form").count() == 0
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        assert hrefs and all(href.startswith("#") for href in hrefs)


@EVERY_SCENARIO
def test_phone_width_dark_mode_and_print(browser: Browser, served: ServedReport) -> None:
    with opened_page(browser, served.url, viewport=PHONE, is_mobile=True, has_touch=True) as opened:
        page = opened.page
        background = {}
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            background[scheme], text = computed(page, "body", "backgroundColor"), computed(page, "body", "color")
            assert page.evaluate(CONTRAST, [background[scheme], text]) >= 7  # readable at 3 AM
        assert background["light"] != background["dark"]
        shot(page, f"{served.scenario.name}-phone-dark")
        buttons = page.locator("button.copy")
        assert buttons.count() > 0 and buttons.first.is_visible()
        page.emulate_media(media="print")
        assert all(not buttons.nth(i).is_visible() for i in range(buttons.count()))
