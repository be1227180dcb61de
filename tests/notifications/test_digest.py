"""The daily digest of neighborhood posts: cut once a day at the reader's local hour, one
email listing the new posts they may read, sent over real SMTP by the delivery engine."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests import factories
from tests.notifications.conftest import alert, drain, plain, reader, zone_where_it_is
from townsquare.notifications import actions, delivery, digests, tasks, tokens
from townsquare.notifications.models import Delivery
from townsquare.posts import actions as posts

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
LA = zoneinfo.ZoneInfo("America/Los_Angeles")  # Testville's time zone


def next_local(zone: zoneinfo.ZoneInfo, hour: int, minute: int) -> dt.datetime:
    """The next moment after now when the clock in `zone` shows hour:minute."""
    now = timezone.now().astimezone(zone)
    moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if moment <= now:
        moment = (moment + dt.timedelta(days=1)).replace(hour=hour, minute=minute)
    return moment.astimezone(dt.UTC)


def messages_to(smtp, user) -> list:
    return [m for m, (_sender, to) in zip(smtp.messages, smtp.envelopes, strict=True)
            if to == [user.email]]


def cut(now: dt.datetime | None = None) -> int:
    return digests.Planner().run(now or timezone.now())


@pytest.fixture
def nine() -> str:
    """The time zone of this test's readers: 9 o'clock there now (see zone_where_it_is)."""
    return zone_where_it_is(9)


@pytest.fixture
def neighbors(alder, city):
    """An author in Alder, a lead of Alder, and a resident of Ironwood."""
    return {"author": factories.make_resident(alder, name="Nora Neighbor"),
            "lead": factories.make_resident(alder, lead=True, name="Lee Lead"),
            "stranger": factories.make_resident(factories.nbhd(city, "Ironwood"))}


def test_a_reader_gets_one_email_listing_the_new_posts_they_may_read(smtp, alder, neighbors,
                                                                     nine):
    mara = reader(alder, nine, name="Mara Reader")
    per_post = factories.make_resident(alder)
    actions.update_preferences(per_post, {"email_neighborhood_post": True})
    author = neighbors["author"]
    lost = factories.make_post(author, title="Lost cat", body="Grey, answers to Pixel.")
    lemons = factories.make_post(author, body="Free lemons on the porch & <more>")
    hidden = factories.make_post(author, title="Rude post")
    posts.hide_post(neighbors["lead"], hidden, note="rude")
    deleted = factories.make_post(author, title="Deleted post")
    posts.delete_post(author, deleted)
    factories.make_post(mara, title="My own post")
    factories.make_post(neighbors["stranger"], title="Ironwood news")
    for item in (lost, lemons):
        tasks.fan_out_neighborhood_post.call(post_id=item.pk)

    assert cut() == 1
    assert cut() == 0  # another worker, or this one again: the (day, reader) key holds
    drain()

    # The neighbor who wants each post got two emails; the reader got none of those.
    assert len(messages_to(smtp, per_post)) == 2
    [message] = messages_to(smtp, mara)
    row = Delivery.objects.get(recipient=mara)
    local = timezone.now().astimezone(zoneinfo.ZoneInfo(nine))
    assert (row.channel, row.state, row.digest_on) == ("email", "delivered", local.date())
    assert message["Subject"] == "2 new posts in Alder"
    assert message["Message-ID"] == row.message_id
    unsubscribe = tokens.make(mara.pk, "email", "neighborhood_post")
    assert message["List-Unsubscribe"].strip() == f"<{SITE}/u/{unsubscribe}/>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = plain(message)
    lost_link = f"{SITE}/open/post/{lost.pk}/{tokens.make_open(row.pk, 'post', lost.pk)}/"
    lemons_link = f"{SITE}/open/post/{lemons.pk}/{tokens.make_open(row.pk, 'post', lemons.pk)}/"
    assert f"Lost cat (Nora Neighbor)\n{lost_link}" in text
    assert f"Free lemons on the porch & <more> (Nora Neighbor)\n{lemons_link}" in text
    assert text.index("Lost cat") < text.index("Free lemons")
    for absent in ("Rude post", "Deleted post", "My own post", "Ironwood news"):
        assert absent not in text
    html = message.get_body(("html",)).get_content()
    assert f'<a href="{lost_link}">Lost cat</a>' in html
    assert "Free lemons on the porch &amp; &lt;more&gt;" in html


def test_nobody_without_new_posts_gets_a_digest(alder, neighbors, nine):
    mara = reader(alder, nine)
    reader(factories.nbhd(alder.city, "Birch"), nine)  # Birch is quiet
    factories.make_post(mara, title="Only my own post")
    factories.make_post(neighbors["stranger"], title="Ironwood news")
    unverified = factories.make_resident(alder, verified=False)
    actions.update_preferences(unverified, {"email_neighborhood_post": True,
                                            "neighborhood_digest": True})
    reader(alder, nine, email_enabled=False)
    factories.make_post(neighbors["author"], title="Yard sale")

    assert cut() == 1  # mara only: Birch is quiet, one unverified, one with email off
    assert list(Delivery.objects.values_list("recipient", flat=True)) == [mara.pk]


def test_a_post_hidden_after_the_cut_is_left_out_and_an_empty_digest_is_not_sent(
        smtp, alder, neighbors, nine):
    mara = reader(alder, nine)
    rude = factories.make_post(neighbors["author"], title="Rude post")
    assert cut() == 1

    posts.hide_post(neighbors["lead"], rude, note="rude")
    drain()

    row = Delivery.objects.get(recipient=mara)
    assert (row.state, row.last_error) == ("skipped", "no new posts to list any more")
    assert smtp.messages == []


def test_each_digest_lists_the_posts_since_the_previous_one(smtp, alder, neighbors, nine):
    mara = reader(alder, nine)
    factories.make_post(neighbors["author"], title="Monday post")
    day_one = timezone.now()
    assert cut(day_one) == 1
    drain(day_one)
    factories.make_post(neighbors["author"], title="Tuesday post")
    day_two = day_one + dt.timedelta(days=1)

    assert cut(day_two) == 1
    drain(day_two)

    rows = list(Delivery.objects.filter(recipient=mara).order_by("digest_on"))
    assert [r.digest_on for r in rows] == [
        day_one.astimezone(zoneinfo.ZoneInfo(nine)).date() + dt.timedelta(d)
        for d in (0, 1)]
    assert rows[1].digest_since == rows[0].queued_at == day_one
    assert rows[0].digest_since == day_one - dt.timedelta(days=1)
    one, two = (plain(m) for m in messages_to(smtp, mara))
    assert ("Monday post" in one, "Tuesday post" in one) == (True, False)
    assert ("Monday post" in two, "Tuesday post" in two) == (False, True)


def test_a_digest_waits_for_the_readers_local_hour(smtp, alder, neighbors):
    in_city_zone = reader(alder, "")  # the city's: America/Los_Angeles
    in_tokyo = reader(alder, "Asia/Tokyo")
    factories.make_post(neighbors["author"], title="Yard sale")
    seven_thirty_here = next_local(LA, 7, 30)
    seven_thirty_in_tokyo = next_local(zoneinfo.ZoneInfo("Asia/Tokyo"), 7, 30)

    assert cut(seven_thirty_here) == 1
    assert cut(seven_thirty_in_tokyo) == 1

    assert sorted(Delivery.objects.values_list("recipient", "digest_on")) == sorted([
        (in_city_zone.pk, seven_thirty_here.astimezone(LA).date()),
        (in_tokyo.pk, seven_thirty_in_tokyo.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo")).date()),
    ])


@pytest.mark.parametrize(("hour", "clock", "due"), [
    (7, "06:59", False), (7, "07:00", True), (7, "10:59", True), (7, "11:00", False),
    (21, "23:59", True), (21, "00:30", False), (0, "00:00", True),
])
def test_digests_are_cut_from_the_hour_until_four_hours_later(hour, clock, due, settings):
    settings.TOWNSQUARE_DIGEST_HOUR = hour
    moment = dt.datetime.combine(dt.date(2026, 3, 9), dt.time.fromisoformat(clock), tzinfo=LA)

    assert digests.due_on(moment, LA) == (dt.date(2026, 3, 9) if due else None)


def test_urgent_alerts_are_never_digested(smtp, alder, publisher, police, nine):
    mara = reader(alder, nine)

    post = alert(publisher, police)  # fanned out as the worker does
    drain()

    [message] = messages_to(smtp, mara)
    assert message["Subject"] == "Urgent alert: Gas leak on Alder Lane (Testville Police)"
    assert Delivery.objects.get(recipient=mara).agency_post_id == post.pk
    assert cut() == 0  # agency posts are not neighborhood posts: never in a digest


def test_quiet_hours_hold_a_digest_until_they_end(smtp, alder, neighbors, nine):
    zone = zoneinfo.ZoneInfo(nine)
    mara = reader(alder, nine, quiet_start=dt.time(8, 0), quiet_end=dt.time(10, 0))
    factories.make_post(neighbors["author"], title="Yard sale")
    cut()

    drain()

    row = Delivery.objects.get(recipient=mara)
    ends = dt.datetime.combine(timezone.now().astimezone(zone).date(), dt.time(10), zone)
    assert (row.state, row.next_attempt_at, row.attempts) == ("queued", ends, 0)
    assert smtp.messages == []
    drain(ends)
    assert [m["Subject"] for m in messages_to(smtp, mara)] == ["1 new post in Alder"]


def test_the_delivery_loop_cuts_digests_as_it_runs(smtp, alder, neighbors, nine):
    mara = reader(alder, nine)
    factories.make_post(neighbors["author"], title="Yard sale")

    assert delivery.DeliveryLoop("test-loop").run_until_idle() == 1

    assert [m["Subject"] for m in messages_to(smtp, mara)] == ["1 new post in Alder"]


@pytest.mark.django_db(transaction=True)
def test_townsquare_worker_sends_the_digest(smtp, alder, neighbors, nine):
    """`townsquare worker --batch`, as an operator runs it: the queue, then the loops."""
    mara = reader(alder, nine)
    factories.make_post(neighbors["author"], title="Yard sale")

    call_command("worker", batch=True, startup_delay=False, interval=0, verbosity=0)

    [message] = messages_to(smtp, mara)
    assert message["Subject"] == "1 new post in Alder"
    assert re.search(r"Yard sale \(Nora Neighbor\)\nhttp://127\.0\.0\.1:8000/open/post/",
                     plain(message))
