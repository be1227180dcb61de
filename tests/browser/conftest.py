"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright never downloads a browser here; it drives /usr/bin/chromium (CHROMIUM_PATH).
Every test here runs in a transactional database: the live server answers from its own
thread and connection, so it only sees committed rows.
"""

from __future__ import annotations

import io
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests import factories
from townsquare.places import actions as places
from townsquare.places.models import City
from townsquare.places.openaddresses import import_openaddresses
from townsquare.web.views import notifications as notification_views

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Playwright's expect() retries until this many milliseconds; a page action waits as long.
WAIT_MS = 15_000
# How long the end of a test waits for the live server to finish what is in flight.
DRAIN_SECONDS = 60

# A small gazetteer inside Testville. The middle of Alder is (38.595, -121.495), of Birch
# (38.595, -121.485).
ADDRESSES = """address,latitude,longitude
4321 Quail Run,38.5951,-121.4952
4323 Quail Run,38.5953,-121.4954
4330 Quail Run,38.5947,-121.4948
18 Birch Row,38.5949,-121.4851
"""
# The same homes as address points with their ZIP code, so their postcards can be mailed.
ADDRESS_POINTS = """LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE,ID,HASH
-121.4952,38.5951,4321,QUAIL RUN,,TESTVILLE,,CA,95818,,q1
-121.4954,38.5953,4323,QUAIL RUN,,TESTVILLE,,CA,95818,,q2
-121.4948,38.5947,4330,QUAIL RUN,,TESTVILLE,,CA,95818,,q3
-121.4851,38.5949,18,BIRCH ROW,,TESTVILLE,,CA,95818,,b1
"""


def load_gazetteer(city: City) -> None:
    """The block gazetteer and the address points of Testville's few real addresses."""
    places.import_addresses(city, io.StringIO(ADDRESSES))
    import_openaddresses(city, io.StringIO(ADDRESS_POINTS))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
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


def _launch() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium).")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    """Postcard PDFs and mail go to this test's own directory, never the working tree."""
    settings.VAR_DIR = tmp_path
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    return tmp_path


class InFlight:
    """WSGI middleware for the live server: counts the requests it is answering, a streamed
    body counting until the server closes it.

    A test's database is flushed when it ends. On PostgreSQL a request still running at that
    moment (a page's last fetch, an inbox event stream) can deadlock with the TRUNCATE, so
    the end of a browser test waits here until the server is idle.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.idle = threading.Condition()
        self.active = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        with self.idle:
            self.active += 1
        try:
            return _Body(self.app(environ, start_response), self._done)
        except BaseException:
            self._done()
            raise

    def _done(self) -> None:
        with self.idle:
            self.active -= 1
            self.idle.notify_all()

    def wait_until_idle(self, timeout: float) -> bool:
        with self.idle:
            return self.idle.wait_for(lambda: self.active == 0, timeout)


class _Body:
    """A response body that reports once when the server closes it."""

    def __init__(self, body: Iterable[bytes], done: Callable[[], None]) -> None:
        self.body = body
        self.done: Callable[[], None] | None = done

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            done, self.done = self.done, None
            if done is not None:
                done()


@pytest.fixture(scope="session")
def in_flight(live_server) -> InFlight:
    server = live_server.thread.httpd
    counter = InFlight(server.get_app())
    server.set_app(counter)
    return counter


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context (own cookies), sized like a phone or a desktop.

    With `user`, the context starts logged in as that user (a session made the way Django's
    test client makes one); tests of the log-in page itself type into it instead.
    """
    contexts = []

    def make(*, phone: bool = False, user: Any = None):
        context = browser.new_context(viewport=PHONE if phone else DESKTOP,
                                      base_url=live_server.url)
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
            context.add_cookies([{"name": cookie.key, "value": cookie.value,
                                  "url": live_server.url}])
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _live_server_idle_at_the_end(in_flight):
    """Set up before the test's own fixtures and torn down after them (after its browser
    contexts are closed), yet before the database is flushed: the open inbox event streams
    end, and the test waits until the live server has answered everything."""
    yield
    notification_views.close_event_streams()
    try:
        idle = in_flight.wait_until_idle(DRAIN_SECONDS)
    finally:
        notification_views.STREAMS_CLOSING.clear()
    assert idle, f"the live server still answers {in_flight.active} request(s)"


@pytest.fixture
def gazetteer(transactional_db) -> City:
    """Testville with a few real street addresses (see ADDRESSES)."""
    city = factories.make_city()
    load_gazetteer(city)
    return city


def log_in(page: Any, email: str, password: str = factories.PASSWORD) -> None:
    """Log in through the log-in page, as a person would."""
    from playwright.sync_api import expect

    page.goto("/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A and AA rules) in the page; return the violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                       "wcag21aa"]},
                 "resultTypes": ["violations"]},
    )
    return [
        {"id": v["id"], "impact": v.get("impact"), "help": v.get("help", ""),
         "nodes": [n.get("target") for n in v.get("nodes", [])][:5]}
        for v in results.response["violations"]
    ]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One line per violated rule: its id, impact, what it asks, and the first targets."""
    return "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']} -> {v['nodes']}" for v in violations
    )

