"""Debian's Chromium driven by Playwright: launched once, every page in a fresh context that records
what it requests and any script error."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

CHROMIUM = "/usr/bin/chromium"
# No network beyond the page itself: no updater, sync, QUIC or first-run chatter.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1100, "height": 900}
PHONE = {"width": 390, "height": 844}


def chromium_present() -> bool:
    return shutil.which(CHROMIUM) is not None


@contextmanager
def launched_chromium() -> Iterator[Browser]:
    """Playwright gives every launch a fresh temporary user data dir and removes it on close."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class OpenedPage:
    page: Page
    status: int
    requested: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def opened_page(browser: Browser, url: str, *, clipboard: bool = False, **context_options: Any) -> Iterator[OpenedPage]:
    """``url`` in a new context; every request the page makes is recorded (and allowed through)."""
    context = browser.new_context(viewport=context_options.pop("viewport", DESKTOP), **context_options)
    try:
        if clipboard:
            context.grant_permissions(["clipboard-read", "clipboard-write"])
        requested: list[str] = []

        def record(route: Route) -> None:
            requested.append(route.request.url)
            route.continue_()

        context.route("**/*", record)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        response = page.goto(url, wait_until="load")
        assert response is not None
        yield OpenedPage(page=page, status=response.status, requested=requested, errors=errors)
    finally:
        context.close()
