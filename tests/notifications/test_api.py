"""/api/v1/me/notifications, /api/v1/push/subscriptions and the delivery report."""

from __future__ import annotations

import pytest

from tests import factories
from tests.agencies.factories import make_staff
from tests.api.conftest import as_user
from tests.notifications.conftest import alert, drain
from tests.notifications.sinks import FakeBrowser
from townsquare.notifications import vapid
from townsquare.notifications.models import NotificationPreference, PushSubscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(alder):
    return factories.make_resident(alder)


DEFAULT_KINDS = {
    "urgent_alert": {"inbox": True, "email": True, "push": True},
    "agency_post": {"inbox": True, "email": True, "push": True},
    "reply_to_me": {"email": True, "push": True},
    "neighborhood_post": {"email": False, "push": False},
    "question_answered": {"email": True, "push": True},
    "request_outcome": {"email": True, "push": True},
}


def test_a_resident_reads_the_defaults(resident):
    response = as_user(resident).get("/me/notifications")

    assert response.status_code == 200
    assert response.json() == {
        "channels": {"inbox": {"on": True, "off_reason": "", "browsers": None},
                     "email": {"on": True, "off_reason": "", "browsers": None},
                     "push": {"on": True, "off_reason": "", "browsers": 0}},
        "kinds": DEFAULT_KINDS, "neighborhood_digest": False, "quiet_hours": None,
        "time_zone": "", "city_time_zone": "America/Los_Angeles",
        "vapid_public_key": vapid.public_key(),
    }


def test_a_resident_changes_only_what_they_send(resident):
    api = as_user(resident)
    response = api.call("PUT", "/me/notifications", {
        "channels": {"push": False},
        "kinds": {"reply_to_me": {"email": False}},
        "quiet_hours": {"start": "22:00", "end": "07:00"},
        "time_zone": "America/Denver"})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["channels"]["push"]["on"] is False
    assert body["channels"]["email"]["on"] is True
    assert body["kinds"]["reply_to_me"] == {"email": False, "push": True}
    assert body["quiet_hours"] == {"start": "22:00:00", "end": "07:00:00"}
    assert body["time_zone"] == "America/Denver"

    cleared = api.call("PUT", "/me/notifications", {"quiet_hours": None}).json()
    assert cleared["quiet_hours"] is None and cleared["time_zone"] == "America/Denver"


def test_urgent_alerts_cannot_be_switched_off_through_the_api(resident):
    response = as_user(resident).call("PUT", "/me/notifications", {
        "kinds": {"urgent_alert": {"email": False}}})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["kinds.urgent_alert.email"]
    assert NotificationPreference.objects.count() == 0


def test_the_inbox_cannot_be_switched_off(resident):
    response = as_user(resident).call("PUT", "/me/notifications", {
        "kinds": {"agency_post": {"inbox": False}}})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["kinds.agency_post.inbox"]


def test_notification_settings_need_a_caller():
    anon = as_user(None)
    assert anon.get("/me/notifications").status_code == 401
    assert anon.call("PUT", "/me/notifications", {}).status_code == 401
    assert anon.post("/push/subscriptions", {}).status_code == 401


def test_a_browser_subscribes_and_unsubscribes(resident):
    browser = FakeBrowser()
    api = as_user(resident)
    body = {"endpoint": "https://push.example.net/send/abc", "expirationTime": None,
            "keys": {"p256dh": browser.p256dh, "auth": browser.auth}}

    created = api.post("/push/subscriptions", body)
    assert created.status_code == 201
    assert created.json()["id"] == PushSubscription.objects.get().pk
    assert api.get("/me/notifications").json()["channels"]["push"]["browsers"] == 1

    gone = api.delete("/push/subscriptions", **{})
    assert gone.status_code == 400  # no endpoint given
    removed = api.call("DELETE", "/push/subscriptions", {"endpoint": body["endpoint"]})
    assert removed.status_code == 204
    assert PushSubscription.objects.get().retired_at is not None
    again = api.call("DELETE", "/push/subscriptions", {"endpoint": body["endpoint"]})
    assert again.status_code == 404


def test_a_bad_subscription_is_refused_field_by_field(resident):
    response = as_user(resident).post("/push/subscriptions", {
        "endpoint": "http://push.example.net/x", "keys": {"p256dh": "AAAA", "auth": "x"}})

    assert response.status_code == 400
    assert sorted(response.json()["fields"]) == ["auth", "endpoint", "p256dh"]


def test_agency_staff_see_the_delivery_report_and_nobody_else(
        smtp, alder, city, publisher, police, water, push_service):
    people = [factories.make_resident(alder) for _ in range(3)]
    smtp.rcpt_answers[people[0].email] = "550 5.1.1 no such user people0@example.org"
    post = alert(publisher, police)
    drain()

    tips = make_staff(police, "tips", "Tia Tips")
    url = f"/agencies/testville-police/posts/{post.pk}/delivery"
    response = as_user(tips).get(url)

    assert response.status_code == 200
    body = response.json()
    assert (body["post_id"], body["audience_size"]) == (post.pk, 3)
    inbox, email, push = body["channels"]
    assert (inbox["channel"], inbox["delivered"], inbox["opened"]) == ("inbox", 3, 0)
    assert {k: email[k] for k in ("channel", "total", "delivered", "failed", "queued",
                                  "retrying", "given_up", "skipped")} == {
        "channel": "email", "total": 3, "delivered": 2, "failed": 1, "queued": 0,
        "retrying": 0, "given_up": 0, "skipped": 0}
    assert email["errors"] == [["rejected the address: 550 5.1.1 no such user <address>", 1]]
    assert 0 <= email["first_delivery_seconds"] <= email["last_delivery_seconds"] < 60
    assert (push["total"], push["delivered"], push["last_delivery_seconds"]) == (0, 0, None)

    other = make_staff(water, "admin", "Walt Water")
    assert as_user(other).get(url).status_code == 403
    assert as_user(people[1]).get(url).status_code == 403
