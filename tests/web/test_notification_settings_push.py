"""The settings page says what push really does: its sentence comes from the browsers
subscribed (the PushSubscription rows), never from the switch alone."""

from __future__ import annotations

import re

import pytest

from tests.notifications.sinks import FakeBrowser
from tests.web.agency_helpers import signed_in
from townsquare.notifications import actions
from townsquare.notifications.models import PushSubscription

pytestmark = pytest.mark.django_db


def _subscribe(user, name: str) -> None:
    browser = FakeBrowser()
    actions.subscribe_push(user, endpoint=f"https://push.example.net/{name}",
                           p256dh=browser.p256dh, auth=browser.auth)


def _state(user) -> tuple[str, str]:
    html = signed_in(user).get("/settings/notifications/").content.decode()
    match = re.search(r'<p data-push-state="(\w+)">(.*?)</p>', html, re.S)
    assert match is not None
    return match[1], " ".join(match[2].split())


def test_with_no_browser_subscribed_push_is_not_claimed_to_be_on(roles):
    assert _state(roles["neighbor"]) == (
        "no_browser", "Push is not on yet: no browser is subscribed. Turn it on below in each "
        "browser where you want notifications.")


def test_subscribed_browsers_are_counted(roles):
    _subscribe(roles["neighbor"], "phone")
    assert _state(roles["neighbor"]) == ("on", "Push is on: 1 browser is subscribed.")
    _subscribe(roles["neighbor"], "laptop")
    assert _state(roles["neighbor"]) == ("on", "Push is on: 2 browsers are subscribed.")


def test_an_unsubscribed_or_retired_browser_no_longer_counts(roles):
    _subscribe(roles["neighbor"], "phone")
    _subscribe(roles["neighbor"], "laptop")
    actions.unsubscribe_push(roles["neighbor"], endpoint="https://push.example.net/phone")
    laptop = PushSubscription.objects.get(endpoint="https://push.example.net/laptop")
    actions.retire_subscription(laptop.pk, "gone")

    assert _state(roles["neighbor"])[0] == "no_browser"


def test_push_switched_off_says_so_even_with_browsers_subscribed(roles):
    _subscribe(roles["neighbor"], "phone")
    actions.update_preferences(roles["neighbor"], {"push_enabled": False})

    assert _state(roles["neighbor"]) == (
        "off", "Push is off: the push channel above is not ticked, so nothing is pushed to "
        "any browser.")


def test_another_residents_browsers_do_not_count(roles):
    _subscribe(roles["lead"], "phone")
    assert _state(roles["neighbor"])[0] == "no_browser"


def test_the_script_gets_its_timeout_from_the_settings(roles, settings):
    settings.TOWNSQUARE_PUSH_TIMEOUT_SECONDS = 3
    html = signed_in(roles["neighbor"]).get("/settings/notifications/").content.decode()
    assert 'data-timeout-seconds="3"' in html
