"""Settings: defaults, validation, urgent alerts that cannot be muted alone, unsubscribe
tokens, push subscriptions."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.notifications.sinks import FakeBrowser
from townsquare.core.errors import Forbidden, Invalid, NotFound
from townsquare.notifications import actions, kinds, selectors, tokens
from townsquare.notifications.models import NotificationPreference, PushSubscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(alder):
    return factories.make_resident(alder)


def test_a_new_resident_has_the_defaults_without_a_row(resident):
    found = selectors.settings_of(resident)

    assert NotificationPreference.objects.count() == 0
    assert {name: getattr(found.preference, name) for name in kinds.DEFAULTS} == kinds.DEFAULTS
    assert (found.push_subscriptions, found.city_time_zone) == (0, "America/Los_Angeles")


def test_changes_keep_the_other_settings(resident):
    actions.update_preferences(resident, {"email_reply_to_me": True})
    actions.update_preferences(resident, {"push_agency_post": False,
                                          "quiet_start": dt.time(22, 0, 30),
                                          "quiet_end": dt.time(7, 0),
                                          "time_zone": "America/New_York"})

    stored = NotificationPreference.objects.get(user=resident)
    assert (stored.email_reply_to_me, stored.push_agency_post, stored.email_agency_post) == (
        True, False, True)
    assert (stored.quiet_start, stored.quiet_end, stored.time_zone) == (
        dt.time(22, 0), dt.time(7, 0), "America/New_York")


def test_urgent_alerts_cannot_be_muted_alone(resident):
    with pytest.raises(Invalid) as caught:
        actions.update_preferences(resident, {"email_urgent_alert": False,
                                              "push_urgent_alert": False})

    assert caught.value.fields == {"email_urgent_alert": [actions.preferences.URGENT_MESSAGE],
                                   "push_urgent_alert": [actions.preferences.URGENT_MESSAGE]}
    assert NotificationPreference.objects.count() == 0  # nothing was changed


@pytest.mark.parametrize(("changes", "field"), [
    ({"quiet_start": dt.time(22, 0)}, "quiet_hours"),
    ({"quiet_start": dt.time(22, 0), "quiet_end": dt.time(22, 0)}, "quiet_hours"),
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"email_enabled": "yes"}, "email_enabled"),
    ({"inbox_reply_to_me": True}, "inbox_reply_to_me"),
    ({"is_staff": True}, "is_staff"),
])
def test_bad_settings_are_refused_field_by_field(resident, changes, field):
    with pytest.raises(Invalid) as caught:
        actions.update_preferences(resident, changes)
    assert list(caught.value.fields) == [field]


def test_anonymous_callers_have_no_settings():
    with pytest.raises(Forbidden):
        actions.update_preferences(None, {"email_enabled": False})


def test_an_unsubscribe_link_turns_that_kind_off_on_that_channel_only(resident):
    user, done = actions.unsubscribe(tokens.make(resident.pk, "email", "agency_post"))

    stored = NotificationPreference.objects.get(user=resident)
    assert (user, stored.email_agency_post, stored.email_enabled) == (resident, False, True)
    assert done == "Other posts from public agencies will no longer reach you by email."
    actions.unsubscribe(tokens.make(resident.pk, "email", "agency_post"))  # idempotent


def test_an_unsubscribe_link_in_an_urgent_alert_turns_the_channel_off(resident):
    _user, done = actions.unsubscribe(tokens.make(resident.pk, "email", "urgent_alert"))

    assert NotificationPreference.objects.get(user=resident).email_enabled is False
    assert done == "Email notifications are now off."


def test_a_tampered_unsubscribe_link_changes_nothing(resident, city):
    other = factories.make_resident(factories.nbhd(city, "Birch"))
    token = tokens.make(resident.pk, "email", "agency_post")
    forged = token.replace(token.split(":")[0], tokens.make(other.pk, "email",
                                                             "agency_post").split(":")[0])

    for bad in (forged, "nonsense", token[:-2]):
        with pytest.raises(NotFound):
            actions.unsubscribe(bad)
    assert NotificationPreference.objects.count() == 0


def test_switching_email_back_on_clears_a_bounce(resident):
    actions.retire_email_address(resident.pk, "rejected the address: 550 no such user")
    assert NotificationPreference.objects.get(user=resident).email_off_reason

    actions.update_preferences(resident, {"email_enabled": True})

    stored = NotificationPreference.objects.get(user=resident)
    assert (stored.email_enabled, stored.email_off_reason, stored.email_off_at) == (
        True, "", None)


def test_a_browser_subscribes_once_and_moves_to_whoever_signs_in(resident, city):
    browser = FakeBrowser()
    endpoint = "https://push.example.net/send/abc"
    first = actions.subscribe_push(resident, endpoint=endpoint, p256dh=browser.p256dh,
                                   auth=browser.auth)
    again = actions.subscribe_push(resident, endpoint=endpoint, p256dh=browser.p256dh,
                                   auth=browser.auth)
    other = factories.make_resident(factories.nbhd(city, "Birch"))
    moved = actions.subscribe_push(other, endpoint=endpoint, p256dh=browser.p256dh,
                                   auth=browser.auth)

    assert first.pk == again.pk == moved.pk
    assert PushSubscription.objects.get().user == other

    actions.unsubscribe_push(other, endpoint=endpoint)
    assert PushSubscription.objects.get().retire_reason == "unsubscribed in the browser"
    with pytest.raises(NotFound):
        actions.unsubscribe_push(resident, endpoint=endpoint)


@pytest.mark.parametrize(("endpoint", "p256dh", "auth", "fields"), [
    ("ftp://push.example.net/x", None, None, ["endpoint"]),
    ("http://push.example.net/x", None, None, ["endpoint"]),
    ("https://push.example.net/x", "AAAA", None, ["p256dh"]),
    ("https://push.example.net/x", None, "c2hvcnQ", ["auth"]),
])
def test_unusable_subscriptions_are_refused(resident, endpoint, p256dh, auth, fields):
    browser = FakeBrowser()
    with pytest.raises(Invalid) as caught:
        actions.subscribe_push(resident, endpoint=endpoint, p256dh=p256dh or browser.p256dh,
                               auth=auth or browser.auth)
    assert list(caught.value.fields) == fields


def test_local_push_endpoints_need_the_operators_permission(resident, settings):
    settings.TOWNSQUARE_PUSH_ALLOW_LOCAL = False
    browser = FakeBrowser()
    for endpoint in ("http://127.0.0.1:9/x", "https://10.0.0.5/x", "https://localhost/x"):
        with pytest.raises(Invalid):
            actions.subscribe_push(resident, endpoint=endpoint, p256dh=browser.p256dh,
                                   auth=browser.auth)


def test_the_digest_needs_neighborhood_posts_by_email(resident):
    with pytest.raises(Invalid) as refused:
        actions.update_preferences(resident, {"neighborhood_digest": True})
    assert refused.value.fields == {"neighborhood_digest": [actions.preferences.DIGEST_MESSAGE]}
    assert not NotificationPreference.objects.filter(user=resident).exists()  # all or nothing

    both = actions.update_preferences(resident, {"email_neighborhood_post": True,
                                                 "neighborhood_digest": True})
    assert (both.email_neighborhood_post, both.neighborhood_digest) == (True, True)
