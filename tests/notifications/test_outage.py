"""A server that cannot be reached pauses its channel; it does not burn the messages'
attempts (notifications/breaker.py, the engine in delivery.py).

Before, every claim counted as an attempt even when the mail server refused the
connection, so an outage longer than the retry schedule gave up every queued message for
good. Real servers on loopback: an aiosmtpd sink brought up after the outage on the port
that refused connections, a server that greets with 421, push services on loopback.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories
from tests.notifications.conftest import alert, drain, point_mail_at, states, subscribe
from tests.notifications.sinks import SmtpSink, free_port, greeting_server
from townsquare.notifications import breaker
from townsquare.notifications.models import Delivery

pytestmark = pytest.mark.django_db

RESIDENTS = 30


@pytest.fixture
def residents(alder):
    return [factories.make_resident(alder, name=f"Alder {i}") for i in range(RESIDENTS)]


@pytest.fixture
def short_retries(settings):
    """Three attempts a second apart: the old schedule gave up within seconds."""
    settings.TOWNSQUARE_DELIVERY_MAX_ATTEMPTS = 3
    settings.TOWNSQUARE_DELIVERY_BACKOFF_SECONDS = 1
    settings.TOWNSQUARE_DELIVERY_PAUSE_SECONDS = 1
    settings.TOWNSQUARE_DELIVERY_PAUSE_MAX_SECONDS = 4
    settings.TOWNSQUARE_DELIVERY_BATCH = 10


def test_a_mail_outage_longer_than_every_retry_delivers_everything_after_it(
        settings, short_retries, residents, publisher, police):
    sink = SmtpSink()  # its port, with nothing listening yet: connection refused
    point_mail_at(settings, sink.port)
    post = alert(publisher, police)
    start = timezone.now()

    # 150 s of outage, a worker looking every second: with 3 attempts 1 s apart the old
    # engine had given every message up after about 3 s.
    for second in range(150):
        drain(start + dt.timedelta(seconds=second))
        assert states(post) == {"queued": RESIDENTS}, f"at {second} s"
    rows = Delivery.objects.filter(agency_post=post)
    assert {r.attempts for r in rows.all()} == {0}
    # The rows each probe claimed say why they wait; the others were left alone.
    assert {r.last_error for r in rows.all() if r.last_error} == {
        "waiting: cannot reach the mail server: [Errno 111] Connection refused"}
    assert breaker.state("email")["failures"] > 3  # probed again and again, paused longer

    with sink:  # the server is back
        drain(start + dt.timedelta(seconds=160))

        assert states(post) == {"delivered": RESIDENTS}
        assert {r.attempts for r in rows.all()} == {1}
        assert sorted(to for _s, (to,) in sink.envelopes) == sorted(u.email for u in residents)
        assert len(set(sink.message_ids())) == RESIDENTS
    assert breaker.state("email") is None  # closed by the first delivered message


def test_while_paused_no_worker_claims_the_channel_and_other_channels_go_on(
        settings, short_retries, residents, publisher, police, push_service):
    for resident in residents[:2]:
        subscribe(resident, push_service, resident.email)
    settings.TOWNSQUARE_DELIVERY_BATCH = 200  # the whole alert in one claim
    point_mail_at(settings, free_port())
    post = alert(publisher, police)
    now = timezone.now()

    drain(now)

    assert states(post, "push") == {"delivered": 2}
    assert states(post) == {"queued": RESIDENTS}
    until = breaker.paused_until("email", now)
    assert until is not None
    assert {r.next_attempt_at for r in Delivery.objects.filter(agency_post=post,
                                                               channel="email")} == {until}
    # Even rows that fall due meanwhile are not claimed while the pause lasts.
    Delivery.objects.filter(agency_post=post, channel="email").update(next_attempt_at=now)
    assert drain(now + dt.timedelta(seconds=0.5)) == 0
    assert set(Delivery.objects.filter(agency_post=post, channel="email")
               .values_list("state", "attempts")) == {("queued", 0)}


def test_a_server_that_greets_with_421_pauses_the_channel(settings, short_retries, residents,
                                                         publisher, police):
    post = alert(publisher, police)
    with greeting_server("421 4.3.2 Service not available, closing channel") as busy:
        point_mail_at(settings, busy.port)
        drain()
        assert busy.accepted == 1  # one connection for the whole batch, then paused

    assert states(post) == {"queued": RESIDENTS}
    row = Delivery.objects.filter(agency_post=post).first()
    assert row.attempts == 0
    assert row.last_error.startswith("waiting: cannot reach the mail server: (421, ")


def test_a_refused_recipient_is_still_the_message_s_failure(smtp, short_retries, residents,
                                                           publisher, police):
    smtp.rcpt_answers[residents[0].email.lower()] = "550 5.1.1 No such user"
    post = alert(publisher, police)

    drain()

    assert states(post) == {"delivered": RESIDENTS - 1, "failed": 1}
    refused = Delivery.objects.get(agency_post=post, recipient=residents[0])
    assert (refused.attempts, refused.next_attempt_at) == (1, None)
    assert breaker.state("email") is None


def test_a_push_service_that_cannot_be_reached_pauses_only_itself(
        short_retries, residents, publisher, police, push_service):
    from tests.notifications.sinks import FakeBrowser
    from townsquare.notifications import actions

    browser = FakeBrowser()
    actions.subscribe_push(residents[0], endpoint=f"http://localhost:{free_port()}/push/gone",
                           p256dh=browser.p256dh, auth=browser.auth)
    subscribe(residents[1], push_service, "alive")
    post = alert(publisher, police)
    now = timezone.now()

    drain(now)

    down = Delivery.objects.get(agency_post=post, channel="push", recipient=residents[0])
    assert (down.state, down.attempts) == ("queued", 0)
    assert states(post, "push") == {"queued": 1, "delivered": 1}
    assert breaker.paused_until("push:localhost", now) == down.next_attempt_at
    assert breaker.paused_until("push:127.0.0.1", now) is None
    assert len(push_service.to("alive")) == 1


def test_a_message_that_waited_for_its_server_too_long_is_given_up(
        settings, short_retries, residents, publisher, police):
    from tests.notifications.sinks import FakeBrowser
    from townsquare.notifications import actions

    # Still paused at the second drain, however slow the machine.
    settings.TOWNSQUARE_DELIVERY_PAUSE_SECONDS = 600
    settings.TOWNSQUARE_DELIVERY_PAUSE_MAX_SECONDS = 600

    dead = f"http://localhost:{free_port()}/push"
    for resident in residents[:2]:
        browser = FakeBrowser()
        actions.subscribe_push(resident, endpoint=f"{dead}/{resident.pk}",
                               p256dh=browser.p256dh, auth=browser.auth)
    post = alert(publisher, police)
    rows = Delivery.objects.filter(agency_post=post, channel="push")
    old = rows.get(recipient=residents[0])
    rows.filter(pk=old.pk).update(queued_at=timezone.now() - dt.timedelta(days=3, seconds=1))

    drain()

    old.refresh_from_db()
    assert (old.state, old.next_attempt_at, old.last_error) == (
        "given_up", None, "gave up after waiting 3 days: waiting: cannot reach the push "
        "service (localhost): ConnectionError")
    assert set(rows.exclude(pk=old.pk).values_list("state", "attempts")) == {("queued", 0)}

    # Held back unsent while the service is paused: the same limit applies.
    recent = rows.get(recipient=residents[1])
    rows.filter(pk=recent.pk).update(next_attempt_at=timezone.now(),
                                     queued_at=timezone.now() - dt.timedelta(days=4))
    drain()
    recent.refresh_from_db()
    assert (recent.state, recent.last_error) == (
        "given_up", "gave up after waiting 3 days: waiting: push:localhost cannot be reached")


def test_without_a_reachable_cache_delivery_goes_on(settings, smtp, residents, publisher,
                                                    police):
    settings.CACHES = {"default": {  # Redis on a port where nothing listens
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}}
    post = alert(publisher, police)

    drain()

    assert states(post) == {"delivered": RESIDENTS}
    assert breaker.state("email") is None
