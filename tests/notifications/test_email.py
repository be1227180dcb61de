"""Email over real SMTP (aiosmtpd on loopback): content, headers, outcomes, retries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories
from tests.notifications.conftest import alert, drain, later, point_mail_at, states
from tests.notifications.sinks import dropping_server, free_port
from townsquare.agencies import actions as agencies
from townsquare.notifications import actions, tokens
from townsquare.notifications.models import Delivery, NotificationPreference

pytestmark = pytest.mark.django_db


@pytest.fixture
def residents(alder, city):
    return [factories.make_resident(alder, name=f"Alder {i}") for i in range(3)]


def test_an_alert_reaches_every_targeted_resident_once_with_its_headers(
        smtp, residents, city, publisher, police):
    elsewhere = factories.make_resident(factories.nbhd(city, "Ironwood"))
    factories.make_resident(factories.nbhd(city, "Alder"), verified=False)
    post = alert(publisher, police)

    assert drain() == 3

    assert sorted(to for _sender, (to,) in smtp.envelopes) == sorted(u.email for u in residents)
    assert elsewhere.email not in {to for _s, (to,) in smtp.envelopes}
    rows = {d.recipient.email: d for d in Delivery.objects.filter(agency_post=post)}
    assert {d.state for d in rows.values()} == {"delivered"}
    message = next(m for m in smtp.messages if residents[0].email in m["To"])
    row = rows[residents[0].email]
    assert message["Message-ID"] == row.message_id == f"<townsquare.{row.pk}@127.0.0.1>"
    assert message["Subject"] == "Urgent alert: Gas leak on Alder Lane (Testville Police)"
    text = message.get_body(("plain",)).get_content()
    assert "Stay indoors & keep windows closed <until> further notice." in text
    assert "URGENT ALERT from Testville Police (verified public agency)" in text
    html = message.get_body(("html",)).get_content()
    assert "Stay indoors &amp; keep windows closed &lt;until&gt; further notice." in html
    assert "<until>" not in html
    token = tokens.make(residents[0].pk, "email", "urgent_alert")
    # Long headers are folded; unfolded, the value is the link (RFC 5322 2.2.3).
    assert message["List-Unsubscribe"].strip() == f"<http://127.0.0.1:8000/u/{token}/>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert row.delivered_at is not None and row.attempts == 1


def test_the_mailto_unsubscribe_is_listed_when_the_mailbox_is_set_up(
        smtp, residents, publisher, police, settings):
    settings.TOWNSQUARE_UNSUBSCRIBE_MAILTO = "unsubscribe@testville.example"
    alert(publisher, police, kind="news", title="Street fair")
    drain()

    header = smtp.messages[0]["List-Unsubscribe"].strip()
    url, mailto = header.split(", ")
    assert url.startswith("<http://127.0.0.1:8000/u/")
    assert mailto.startswith("<mailto:unsubscribe@testville.example?subject=unsubscribe%20")


def test_a_hard_bounce_fails_that_delivery_and_retires_the_address(
        smtp, residents, publisher, police):
    gone = residents[1]
    smtp.rcpt_answers[gone.email] = "550 5.1.1 No such user here"
    post = alert(publisher, police)

    drain()

    assert states(post) == {"delivered": 2, "failed": 1}
    failed = Delivery.objects.get(agency_post=post, recipient=gone)
    assert failed.next_attempt_at is None
    assert failed.last_error == "rejected the address: 550 5.1.1 No such user here"
    preference = NotificationPreference.objects.get(user=gone)
    assert preference.email_enabled is False
    assert preference.email_off_reason == "rejected the address: 550 5.1.1 No such user here"
    # The next post does not even queue a message to the retired address.
    second = alert(publisher, police, title="Water main break")
    assert Delivery.objects.filter(agency_post=second, channel="email").count() == 2


def test_a_deferral_is_retried_with_backoff_and_keeps_its_message_id(
        smtp, residents, publisher, police, settings):
    settings.TOWNSQUARE_DELIVERY_BACKOFF_SECONDS = 60
    smtp.rcpt_answer = "451 4.3.0 Try again later"
    post = alert(publisher, police)
    before = timezone.now()

    drain()

    assert states(post) == {"failed": 3}
    rows = list(Delivery.objects.filter(agency_post=post))
    for row in rows:
        assert row.attempts == 1
        assert row.last_error == "address deferred: 451 4.3.0 Try again later"
        # 60 s for the first retry, with jitter: between half and all of it.
        assert before + dt.timedelta(seconds=29) < row.next_attempt_at
        assert row.next_attempt_at < timezone.now() + dt.timedelta(seconds=61)
    assert drain() == 0  # not due yet

    smtp.rcpt_answer = ""
    assert drain(later(61)) == 3

    assert states(post) == {"delivered": 3}
    assert sorted(smtp.message_ids()) == sorted(r.message_id for r in rows)
    assert {r.attempts for r in Delivery.objects.filter(agency_post=post)} == {2}


def test_a_server_that_is_down_or_drops_the_connection_delays_but_loses_nothing(
        smtp, residents, publisher, police, settings):
    post = alert(publisher, police)
    point_mail_at(settings, free_port())  # nothing listens there: connection refused
    drain()
    # Not the messages' fault: they wait, no attempt counted, and the channel is paused.
    assert states(post) == {"queued": 3}
    rows = Delivery.objects.filter(agency_post=post)
    assert {r.attempts for r in rows.all()} == {0}
    assert all(r.last_error.startswith("waiting: cannot reach the mail server")
               for r in rows.all())

    with dropping_server() as dropper:
        point_mail_at(settings, dropper.port)
        drain(later(3600))
        assert dropper.accepted == 1  # one probe for the batch, then paused again
    assert states(post) == {"queued": 3}
    assert {r.attempts for r in rows.all()} == {0}

    point_mail_at(settings, smtp.port)
    drain(later(7200))
    assert states(post) == {"delivered": 3}
    assert {r.attempts for r in rows.all()} == {1}
    assert len(smtp.messages) == 3


def test_a_server_that_hangs_up_during_the_message_is_retried(
        smtp, residents, publisher, police):
    smtp.hang_up_on_data = True
    post = alert(publisher, police)
    drain()
    # The first on the connection, then the first on a new one: each may be what breaks
    # the server, so each counts an attempt. The third was never tried: it waits, uncounted.
    assert states(post) == {"failed": 2, "queued": 1}
    rows = sorted(Delivery.objects.filter(agency_post=post), key=lambda d: d.last_error)
    assert [(r.last_error.split(":")[0], r.attempts) for r in rows] == [
        ("connection lost", 1), ("connection lost", 1), ("waiting", 0)]
    assert rows[2].last_error == ("waiting: cannot reach the mail server: the connection "
                                  "was lost again")
    assert smtp.messages == []

    smtp.hang_up_on_data = False
    drain(later(3600))
    assert states(post) == {"delivered": 3}


def test_deferrals_are_given_up_after_the_last_attempt_with_the_reason(
        smtp, residents, publisher, police, settings):
    settings.TOWNSQUARE_DELIVERY_MAX_ATTEMPTS = 2
    smtp.rcpt_answer = "452 4.2.2 Mailbox full"
    post = alert(publisher, police)

    drain()
    drain(later(3600))

    assert states(post) == {"given_up": 3}
    row = Delivery.objects.filter(agency_post=post).first()
    assert row.attempts == 2
    assert row.last_error == "gave up after 2 attempts: address deferred: 452 4.2.2 Mailbox full"
    assert drain(later(86400)) == 0


def test_an_invalid_address_fails_alone_and_the_rest_is_delivered(
        smtp, residents, publisher, police):
    broken = residents[0]
    # Data that predates address validation: the engine must cope, not crash.
    type(broken).objects.filter(pk=broken.pk).update(email="not an address")
    post = alert(publisher, police)

    drain()

    assert states(post) == {"delivered": 2, "failed": 1}
    row = Delivery.objects.get(agency_post=post, recipient=broken)
    assert row.last_error == "not a valid email address"
    assert NotificationPreference.objects.get(user=broken).email_enabled is False


def test_a_post_withdrawn_before_its_messages_go_out_is_skipped(
        smtp, residents, publisher, police):
    post = alert(publisher, police)
    agencies.withdraw_agency_post(publisher, post)

    drain()

    assert states(post) == {"skipped": 3}
    assert smtp.messages == []


def test_unsubscribing_after_the_fan_out_still_stops_the_message(
        smtp, residents, publisher, police):
    post = alert(publisher, police, kind="news", title="Library hours")
    actions.update_preferences(residents[0], {"email_agency_post": False})

    drain()

    assert states(post) == {"delivered": 2, "skipped": 1}
    assert Delivery.objects.get(recipient=residents[0]).last_error == (
        "email for this kind was turned off")


def test_quiet_hours_hold_posts_but_not_urgent_alerts(smtp, residents, publisher, police):
    now = timezone.localtime()
    start = (now - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now + dt.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    sleeper = residents[0]
    actions.update_preferences(sleeper, {"quiet_start": start, "quiet_end": end})
    news = alert(publisher, police, kind="news", title="Library hours")
    urgent = alert(publisher, police, title="Boil water notice")

    drain()

    held = Delivery.objects.get(agency_post=news, recipient=sleeper)
    assert (held.state, held.attempts, held.last_error) == ("queued", 0, "quiet hours")
    expected = timezone.localtime().replace(hour=end.hour, minute=end.minute, second=0,
                                            microsecond=0)
    if expected < timezone.localtime():
        expected += dt.timedelta(days=1)
    assert held.next_attempt_at == expected
    assert states(urgent) == {"delivered": 3}
    assert states(news) == {"delivered": 2, "queued": 1}

    drain(held.next_attempt_at + dt.timedelta(seconds=1))
    assert states(news) == {"delivered": 3}


def test_a_practice_post_reaches_only_the_agency_staff(smtp, residents, publisher, police):
    post = alert(publisher, police, kind="news", title="Practice run", practice=True,
                 neighborhoods=None)

    drain()

    assert [to for _s, (to,) in smtp.envelopes] == [publisher.email]
    assert smtp.messages[0]["Subject"] == "[Practice] Practice run (Testville Police)"
    assert states(post) == {"delivered": 1}
