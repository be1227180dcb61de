"""The engine: fan-out in SQL, claims with a lease, records only by the holder, backoff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.agencies.factories import publish
from tests.notifications.conftest import subscribe
from townsquare.notifications import actions, delivery, fanout, quiet, tasks
from townsquare.notifications.channels import DELIVERED, Outcome
from townsquare.notifications.models import Delivery
from townsquare.posts import actions as posts

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(city, alder, publisher, police, push_service):
    """A news post to Alder and Birch, not fanned out yet. Alder: two verified residents,
    one with a browser subscribed; one unverified. Birch: one. Ironwood: one (not a target)."""
    people = {
        "a1": factories.make_resident(alder), "a2": factories.make_resident(alder),
        "unverified": factories.make_resident(alder, verified=False),
        "b1": factories.make_resident(factories.nbhd(city, "Birch")),
        "out": factories.make_resident(factories.nbhd(city, "Ironwood")),
    }
    subscribe(people["a1"], push_service, "a1")
    item = publish(publisher, police, kind="news", title="Street fair",
                   neighborhoods=["alder", "birch"])
    item.people = people
    return item


def rows(post) -> list[tuple[str, str]]:
    return sorted((d.recipient.email, d.channel) for d in
                  Delivery.objects.filter(agency_post=post).select_related("recipient"))


def test_fan_out_writes_one_row_per_recipient_and_channel_and_is_idempotent(post):
    people = post.people

    assert tasks.fan_out_agency_post.call(post_id=post.pk) == 4
    assert tasks.fan_out_agency_post.call(post_id=post.pk) == 0  # a re-run writes nothing

    assert rows(post) == sorted([(people["a1"].email, "email"), (people["a1"].email, "push"),
                                 (people["a2"].email, "email"), (people["b1"].email, "email")])
    row = Delivery.objects.filter(agency_post=post).first()
    assert (row.state, row.attempts, row.kind, row.priority) == ("queued", 0, "agency_post", 2)


def test_fan_out_follows_each_residents_settings(post, push_service):
    people = post.people
    actions.update_preferences(people["a1"], {"push_agency_post": False})
    actions.update_preferences(people["a2"], {"email_enabled": False})
    actions.update_preferences(people["b1"], {"email_agency_post": False})

    tasks.fan_out_agency_post.call(post_id=post.pk)

    assert rows(post) == [(people["a1"].email, "email")]


def test_urgent_alerts_ignore_the_kind_switches_but_not_the_channel(
        city, alder, publisher, police, push_service):
    on = factories.make_resident(alder)
    off = factories.make_resident(alder)
    subscribe(on, push_service, "on")
    actions.update_preferences(on, {"email_agency_post": False, "push_agency_post": False})
    actions.update_preferences(off, {"email_enabled": False})
    post = publish(publisher, police, kind="alert", title="Evacuate", neighborhoods=["alder"])

    tasks.fan_out_agency_post.call(post_id=post.pk)

    assert rows(post) == [(on.email, "email"), (on.email, "push")]
    assert {d.priority for d in Delivery.objects.filter(agency_post=post)} == {0}


def test_fan_out_costs_the_same_queries_for_ten_or_a_hundred_residents(
        city, alder, publisher, police):
    def queries(n: int) -> int:
        for _ in range(n):
            factories.make_resident(alder)
        post = publish(publisher, police, kind="news", title=f"{n}", neighborhoods=["alder"])
        with CaptureQueriesContext(connection) as captured:
            tasks.fan_out_agency_post.call(post_id=post.pk)
        assert Delivery.objects.filter(agency_post=post).count() == Delivery.objects.filter(
            agency_post=post).values("recipient").distinct().count()
        return len(captured)

    assert queries(10) == queries(90)


def test_a_scheduled_or_withdrawn_post_is_not_fanned_out(post, publisher, police, alder):
    from townsquare.agencies import actions as agencies

    scheduled = publish(publisher, police, kind="news", title="Later",
                        neighborhoods=["alder"], publish_at=timezone.now() + dt.timedelta(hours=1))
    assert tasks.fan_out_agency_post.call(post_id=scheduled.pk) == 0
    agencies.withdraw_agency_post(publisher, post)
    assert tasks.fan_out_agency_post.call(post_id=post.pk) == 0
    assert Delivery.objects.count() == 0


def test_claims_are_leased_to_one_worker_and_come_back_when_the_lease_runs_out(post,
                                                                                 settings):
    settings.TOWNSQUARE_DELIVERY_LEASE_SECONDS = 30
    tasks.fan_out_agency_post.call(post_id=post.pk)
    now = timezone.now()

    first = delivery.claim("worker-a", limit=3, now=now)
    second = delivery.claim("worker-b", limit=10, now=now)

    assert len(first) == 3 and len(second) == 1
    assert not {r.id for r in first} & {r.id for r in second}
    assert delivery.claim("worker-c", limit=10, now=now + dt.timedelta(seconds=29)) == []
    # worker-a died: after its lease, its rows go to the next worker, same Message-IDs.
    again = delivery.claim("worker-c", limit=10, now=now + dt.timedelta(seconds=31))
    assert sorted(r.id for r in again) == sorted(r.id for r in first + second)
    assert {r.id: r.message_id for r in again} == {r.id: r.message_id for r in first + second}
    assert {r.attempts for r in again} == {2}


def test_only_the_worker_holding_a_row_records_it(post):
    tasks.fan_out_agency_post.call(post_id=post.pk)
    now = timezone.now()
    [row] = delivery.claim("slow-worker", limit=1, now=now)
    later = now + dt.timedelta(seconds=3600)
    delivery.claim("next-worker", limit=10, now=later)  # the slow one's lease ran out

    recorder = delivery.Recorder("slow-worker", later, [row.id])
    recorder.outcome(row, Outcome(DELIVERED))
    recorder.flush()

    stored = Delivery.objects.get(pk=row.id)
    assert (stored.state, stored.leased_by) == ("sending", "next-worker")


def test_a_message_that_keeps_killing_its_worker_is_given_up(post, settings):
    settings.TOWNSQUARE_DELIVERY_MAX_ATTEMPTS = 2
    tasks.fan_out_agency_post.call(post_id=post.pk)
    now = timezone.now()
    for hour in range(2):  # two workers died holding everything
        delivery.claim(f"dead-{hour}", limit=10, now=now + dt.timedelta(hours=hour))

    assert delivery.drain("survivor", now=now + dt.timedelta(hours=3)) == 4

    assert set(Delivery.objects.values_list("state", "last_error")) == {
        ("given_up", "gave up after 3 attempts: the worker stopped while sending it")}


def test_urgent_work_is_claimed_first(post, publisher, police):
    tasks.fan_out_agency_post.call(post_id=post.pk)
    urgent = publish(publisher, police, kind="alert", title="Now", neighborhoods=["birch"])
    tasks.fan_out_agency_post.call(post_id=urgent.pk)

    [first] = delivery.claim("w", limit=1, now=timezone.now())

    assert Delivery.objects.get(pk=first.id).agency_post_id == urgent.pk


def test_backoff_doubles_with_jitter_and_honours_retry_after(settings):
    settings.TOWNSQUARE_DELIVERY_BACKOFF_SECONDS = 10
    for attempts, full in ((1, 10), (2, 20), (3, 40), (30, delivery.MAX_BACKOFF_SECONDS)):
        delays = [delivery.backoff(attempts) for _ in range(50)]
        assert all(full / 2 <= d <= full for d in delays)
        assert len(set(delays)) > 1
    assert delivery.backoff(1, retry_after=500) == 500


@pytest.mark.parametrize(("clock", "ends"), [
    ("23:30", "2025-06-03T07:00"), ("22:00", "2025-06-03T07:00"),
    ("06:59", "2025-06-02T07:00"), ("07:00", None), ("12:00", None),
])
def test_quiet_hours_across_midnight(clock, ends):
    tz = quiet.zone("America/Los_Angeles", "")
    moment = dt.datetime.combine(dt.date(2025, 6, 2), dt.time.fromisoformat(clock), tzinfo=tz)

    result = quiet.end_of_quiet(moment, dt.time(22, 0), dt.time(7, 0), tz)

    assert result == (dt.datetime.fromisoformat(ends).replace(tzinfo=tz) if ends else None)


def test_a_bad_time_zone_falls_back_to_the_city():
    assert quiet.zone("Mars/Olympus", "America/Chicago").key == "America/Chicago"


def test_fan_out_sql_inserts_for_a_reply_and_a_neighborhood_post(city, alder, settings):
    author = factories.make_resident(alder)
    neighbor = factories.make_resident(alder)
    actions.update_preferences(author, {"email_reply_to_me": True})
    actions.update_preferences(neighbor, {"email_neighborhood_post": True})
    post = factories.make_post(author, title="Lost cat")
    reply = posts.create_reply(neighbor, post, body="Seen her on Elm")

    assert tasks.fan_out_reply.call(reply_id=reply.pk) == 1
    assert tasks.fan_out_neighborhood_post.call(post_id=post.pk) == 1
    assert fanout.reply(reply.pk, author.pk, author.pk, now=timezone.now()) == 0

    assert sorted((d.kind, d.recipient_id, d.channel) for d in Delivery.objects.all()) == [
        ("neighborhood_post", neighbor.pk, "email"), ("reply_to_me", author.pk, "email")]
