"""Fixtures: one Chromium for the session; one local stack at a time, holding one investigated scenario."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser.chromium import chromium_present, launched_chromium
from tests.browser.scenarios import scenario_for
from tests.browser.stack_report import ServedReport, served_report

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not chromium_present():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)")
    with launched_chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedReport]:
    """Parametrised indirectly with a scenario key. Module scope and one key at a time: pytest groups the
    tests by key and tears a stack down before starting the next (moto's backends are process-wide)."""
    if not chromium_present():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)")
    with served_report(scenario_for(request.param, tmp_path_factory.mktemp("snapshot"))) as report:
        yield report
