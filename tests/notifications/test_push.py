"""Web Push to a push service on loopback that decrypts every message with the browser's
private key (RFC 8291), and answers 201, 410, 404, 429, 500 as told."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.hashes import SHA256
from django.utils import timezone

from tests import factories
from tests.notifications.conftest import alert, drain, later, states, subscribe
from tests.notifications.sinks import b64, free_port
from townsquare.notifications import tokens, vapid
from townsquare.notifications.models import Delivery, PushSubscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def residents(alder):
    return [factories.make_resident(alder, name=f"Alder {i}") for i in range(2)]


def test_an_alert_is_pushed_encrypted_to_every_subscribed_browser(
        push_service, residents, publisher, police, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    phone = subscribe(residents[0], push_service, "phone")
    laptop = subscribe(residents[0], push_service, "laptop")
    subscribe(residents[1], push_service, "other")
    post = alert(publisher, police, body="Stay indoors. " * 100)

    drain()

    assert states(post, "push") == {"delivered": 3}
    assert sorted(r.path.rsplit("/", 1)[1] for r in push_service.received) == [
        "laptop", "other", "phone"]
    request = push_service.to("phone")[0]
    delivery_id = Delivery.objects.get(subscription=phone).pk
    token = tokens.make_open(delivery_id, "agency-post", post.pk)
    assert request.payload == {
        "title": "Urgent alert: Gas leak on Alder Lane",
        "body": ("Stay indoors. " * 100)[:399] + "…",
        "url": f"http://127.0.0.1:8000/agency-posts/{post.pk}/",
        # The service worker opens this one on a click: it counts the push as opened.
        "open": f"http://127.0.0.1:8000/open/agency-post/{post.pk}/{token}/",
        "tag": f"agency-post-{post.pk}", "urgent": True, "delivery": delivery_id,
    }
    assert request.headers["Content-Encoding"] == "aes128gcm"
    assert request.headers["Urgency"] == "high"
    assert int(request.headers["TTL"]) == 86400
    _check_vapid(request.headers["Authorization"], push_service.url("phone"))
    phone.refresh_from_db()
    laptop.refresh_from_db()
    assert phone.last_success_at is not None and laptop.last_success_at is not None


def _check_vapid(header: str, endpoint: str) -> None:
    """`vapid t=<JWT>, k=<our public key>`, the JWT signed by that key for this origin."""
    scheme, _, rest = header.partition(" ")
    parts = dict(p.strip().split("=", 1) for p in rest.split(","))
    assert scheme == "vapid" and parts["k"] == vapid.public_key()
    head, claims, signature = parts["t"].split(".")
    decoded = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    assert decoded["aud"] == endpoint.split("/push/")[0]
    assert decoded["exp"] > timezone.now().timestamp()
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), base64.urlsafe_b64decode(parts["k"] + "=="))
    key.verify(der, f"{head}.{claims}".encode(), ec.ECDSA(SHA256()))  # raises if forged


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_calls_gone_is_retired(
        push_service, residents, publisher, police, status):
    gone = subscribe(residents[0], push_service, "gone")
    subscribe(residents[1], push_service, "fine")
    push_service.answer("gone", (status, {}))
    post = alert(publisher, police)

    drain()

    assert states(post, "push") == {"delivered": 1, "failed": 1}
    row = Delivery.objects.get(subscription=gone)
    assert (row.last_error, row.next_attempt_at) == (f"subscription gone ({status})", None)
    gone.refresh_from_db()
    assert gone.retired_at is not None
    assert gone.retire_reason == f"subscription gone ({status})"
    second = alert(publisher, police, title="All clear")
    assert Delivery.objects.filter(agency_post=second, channel="push").count() == 1


def test_too_many_requests_is_retried_no_sooner_than_retry_after(
        push_service, residents, publisher, police, settings):
    settings.TOWNSQUARE_DELIVERY_BACKOFF_SECONDS = 1
    subscribe(residents[0], push_service, "busy")
    push_service.answer("busy", (429, {"Retry-After": "120"}))
    post = alert(publisher, police)
    before = timezone.now()

    drain()

    row = Delivery.objects.get(agency_post=post, channel="push")
    assert (row.state, row.attempts) == ("failed", 1)
    assert row.last_error == "push service answered 429"
    assert row.next_attempt_at >= before + dt.timedelta(seconds=120)
    assert drain(later(60)) == 0

    drain(row.next_attempt_at)
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("delivered", 2)
    assert [r.payload["tag"] for r in push_service.to("busy")] == [f"agency-post-{post.pk}"] * 2


def test_a_server_error_is_retried_and_then_given_up(push_service, residents, publisher,
                                                     police, settings):
    settings.TOWNSQUARE_DELIVERY_MAX_ATTEMPTS = 2
    subscribe(residents[0], push_service, "broken")
    push_service.answer("broken", (500, {}), (503, {}))
    post = alert(publisher, police)

    drain()
    assert states(post, "push") == {"failed": 1}
    drain(later(3600))

    row = Delivery.objects.get(agency_post=post, channel="push")
    assert (row.state, row.attempts) == ("given_up", 2)
    assert row.last_error == "gave up after 2 attempts: push service answered 503"
    assert PushSubscription.objects.get().retired_at is None  # the service may come back


def test_a_malformed_key_fails_that_message_only(push_service, residents, publisher, police):
    bad = subscribe(residents[0], push_service, "bad")
    subscribe(residents[1], push_service, "good")
    # 65 bytes in the uncompressed-point format, but not a point of the curve: it passes
    # the subscribe checks and only encryption finds out.
    PushSubscription.objects.filter(pk=bad.pk).update(p256dh=b64(b"\x04" + b"\x01" * 64))
    post = alert(publisher, police)

    drain()

    assert states(post, "push") == {"delivered": 1, "failed": 1}
    row = Delivery.objects.get(subscription=bad)
    assert row.last_error.startswith("unusable subscription keys")
    bad.refresh_from_db()
    assert bad.retired_at is not None
    assert [r.path.rsplit("/", 1)[1] for r in push_service.received] == ["good"]


def test_a_push_service_that_cannot_be_reached_waits_without_an_attempt(residents, publisher,
                                                                       police):
    from tests.notifications.sinks import FakeBrowser
    from townsquare.notifications import actions

    browser = FakeBrowser()
    actions.subscribe_push(residents[0], endpoint=f"http://127.0.0.1:{free_port()}/push/x",
                           p256dh=browser.p256dh, auth=browser.auth)
    post = alert(publisher, police)

    drain()

    row = Delivery.objects.get(agency_post=post, channel="push")
    assert (row.state, row.attempts) == ("queued", 0)
    assert row.last_error == ("waiting: cannot reach the push service (127.0.0.1): "
                              "ConnectionError")
    assert row.next_attempt_at > timezone.now()


def test_push_turned_off_stops_even_urgent_alerts_there(push_service, residents, publisher,
                                                        police):
    from townsquare.notifications import actions

    subscribe(residents[0], push_service, "muted")
    subscribe(residents[1], push_service, "on")
    actions.update_preferences(residents[0], {"push_enabled": False})
    post = alert(publisher, police)

    drain()

    assert [r.path.rsplit("/", 1)[1] for r in push_service.received] == ["on"]
    assert states(post, "push") == {"delivered": 1}


@pytest.mark.parametrize("endpoint", ["https://push.example/\x00", "https://push.example/\ud800"])
def test_unsubscribing_an_endpoint_no_database_can_hold_is_not_found(residents, endpoint):
    from townsquare.core.errors import NotFound
    from townsquare.notifications import actions

    with pytest.raises(NotFound):
        actions.unsubscribe_push(residents[0], endpoint=endpoint)
