"""The page in a real browser: copy buttons copy the command, and no script but ours runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from firstresponder.render import render_html
from tests.support.reports import oom_report

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="needs /usr/bin/chromium"),
]


def test_copy_button_copies_the_command_and_hostile_content_stays_inert(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    report = oom_report()
    evil = report.evidence[0].model_copy(update={"excerpt": "<script>window.pwned = 1</script>"})
    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(report.model_copy(update={"evidence": [evil, *report.evidence[1:]]})),
                         encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context()
            context.grant_permissions(["clipboard-read", "clipboard-write"])
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda err: errors.append(str(err)))
            page.goto(page_file.as_uri())
            page.click('button[data-copy="fix-1"]')
            page.wait_for_function("document.querySelector('button[data-copy=\"fix-1\"]').textContent === 'Copied'")
            assert page.evaluate("navigator.clipboard.readText()") == report.remediation[0].command
            assert page.evaluate("window.pwned === undefined")
            assert "<script>window.pwned = 1</script>" in page.inner_text("#evidence")
            assert errors == []
        finally:
            browser.close()
