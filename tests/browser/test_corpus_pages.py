"""Every corpus scenario's report page renders in Chromium: no script errors, the culprit named and
marked in the topology, readable at phone width."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from firstresponder.evaluation.scenarios import investigate_scenario, scenario_dirs
from firstresponder.render import render_html
from tests.browser.chromium import chromium_present

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not chromium_present(), reason="needs Debian's chromium at /usr/bin/chromium")]
CORPUS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.mark.parametrize("scenario", scenario_dirs(CORPUS), ids=lambda p: p.name)
def test_corpus_page_renders_with_the_culprit_marked(browser: Browser, scenario: Path) -> None:
    report = investigate_scenario(scenario)
    culprit = report.root_cause.resource.key
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.set_content(render_html(report), wait_until="load")
        assert errors == []
        assert culprit in page.inner_text("#cause")
        # The culprit is drawn and marked even when a collector, not the walk, found it (a CoreDNS Corefile).
        marked = page.locator("svg.topology g.node.culprit")
        assert marked.count() == 1
        assert str(marked.locator("title").text_content()).startswith(culprit)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # readable on a phone
    finally:
        context.close()
