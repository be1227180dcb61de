"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright never downloads a browser here; it drives /usr/bin/chromium (CHROMIUM_PATH).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls the tests
    # make between page actions are ordinary blocking calls, which is safe here. Set only
    # while browser tests run, so no other test (or subprocess) inherits it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _launch() -> Iterator[object]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (own cookies) sized like a phone or a desktop."""
    contexts = []

    def make(*, phone: bool = False):
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.1 A and AA rules) in the page; return the violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                       "wcag21aa"]},
                 "resultTypes": ["violations"]},
    )
    return [
        {"id": v["id"], "impact": v.get("impact"),
         "nodes": [n.get("target") for n in v.get("nodes", [])][:5]}
        for v in results.response["violations"]
    ]
