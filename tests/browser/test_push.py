"""Turning push on in a real browser: each way it can fail ends in a sentence a person can
act on, and nothing waits for ever. At phone and desktop widths, with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import axe_violations, describe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
BLOCKED = ("Notifications from this site are blocked in this browser. Allow them in the "
           "browser's settings for this site (often behind the icon at the left of the "
           "address), then try again.")
# A service worker whose installation never ends: navigator.serviceWorker.ready never resolves.
STUCK_WORKER = ("self.addEventListener('install', "
                "function (e) { e.waitUntil(new Promise(function () {})); });")


@pytest.fixture
def resident(transactional_db):
    alder = factories.nbhd(factories.make_city(), "Alder")
    return factories.make_resident(alder, name="Ada Alder")


def _status(page):
    return page.locator("[data-push-status]")


@WIDTHS
def test_blocked_notifications_are_explained(new_page, resident, phone):
    page = new_page(phone=phone, user=resident)
    page.context.grant_permissions([])  # nothing granted: the browser refuses notifications
    page.goto("/settings/notifications/")
    button = page.get_by_role("button", name="Turn on push in this browser")
    expect(button).to_be_visible()

    button.click()

    expect(_status(page)).to_have_text(BLOCKED)
    expect(page.locator("[data-push-state]")).to_have_attribute("data-push-state", "no_browser")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


@WIDTHS
def test_a_service_worker_that_never_starts_ends_in_a_timeout_message(
        new_page, resident, phone, settings):
    settings.TOWNSQUARE_PUSH_TIMEOUT_SECONDS = 1
    page = new_page(phone=phone, user=resident)
    page.context.route("**/sw.js", lambda route: route.fulfill(
        status=200, content_type="text/javascript", body=STUCK_WORKER))
    page.goto("/settings/notifications/")

    expect(_status(page)).to_have_text(
        "Your browser did not answer within 1 second. Reload the page and try again; if "
        "this keeps happening, this browser cannot use push notifications here.")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_a_browser_without_push_says_so(new_page, resident):
    page = new_page(user=resident)
    page.add_init_script("delete window.PushManager;")
    page.goto("/settings/notifications/")

    expect(page.locator("[data-push-unsupported]")).to_have_text(
        "This browser cannot receive push notifications from this site. Email and the inbox "
        "still reach you.")
    expect(page.locator("[data-push-controls]")).to_be_hidden()


def test_an_iphone_outside_the_home_screen_is_told_to_add_the_site(browser, live_server,
                                                                  resident):
    from django.conf import settings as django_settings
    from django.test import Client

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url,
        user_agent=("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "
                    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 "
                    "Safari/604.1"))
    try:
        client = Client()
        client.force_login(resident)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value,
                              "url": live_server.url}])
        page = context.new_page()
        # Safari outside the home screen has no PushManager.
        page.add_init_script("delete window.PushManager;")
        page.goto("/settings/notifications/")

        expect(page.locator("[data-push-unsupported]")).to_have_text(
            "On an iPhone or iPad, push notifications work only once this site is on your "
            "home screen: tap Share, then “Add to Home Screen”, open the site from there and "
            "come back to this page. Email and the inbox still reach you.")
        violations = axe_violations(page)
        assert not violations, describe_violations(violations)
    finally:
        context.close()
