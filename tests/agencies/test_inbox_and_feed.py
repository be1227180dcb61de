"""The inbox and the feed: agency posts next to resident posts, read state, staff views,
query counts that do not grow with the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.agencies.factories import publish
from tests.api.conftest import as_user
from townsquare.agencies.models import InboxRead
from townsquare.feeds import selectors as feeds


@pytest.fixture
def many_allowed(settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "post": "1000/3600"}


def test_inbox_items_have_the_contract_shape(police, agency_roles):
    post = publish(agency_roles["publisher"], police, kind="alert", title="Gas leak",
                   neighborhoods=["alder"])

    body = as_user(agency_roles["resident_in"]).get("/inbox").json()

    assert body == {"items": [{
        "id": post.pk, "post_id": post.pk, "kind": "alert", "title": "Gas leak",
        "created_at": post.publish_at.isoformat(), "read": False, "practice": False,
    }], "next": None}


def test_inbox_is_newest_first_and_pages_by_cursor(police, agency_roles, clock):
    start = timezone.now() - dt.timedelta(hours=1)
    created = []
    for i in range(7):
        with clock(start + dt.timedelta(minutes=i)):
            created.append(publish(agency_roles["publisher"], police, title=f"Notice {i}",
                                   neighborhoods=["alder", "birch"]).pk)
    client = as_user(agency_roles["resident_in"])

    first = client.get("/inbox", limit=3).json()
    second = client.get("/inbox", limit=3, cursor=first["next"]).json()
    third = client.get("/inbox", limit=3, cursor=second["next"]).json()

    seen = [i["id"] for page in (first, second, third) for i in page["items"]]
    assert seen == list(reversed(created))
    assert third["next"] is None


def test_read_state_from_the_inbox_and_from_opening_the_post(police, agency_roles):
    first = publish(agency_roles["publisher"], police, title="One", neighborhoods=["alder"])
    second = publish(agency_roles["publisher"], police, title="Two", neighborhoods=["alder"])
    client = as_user(agency_roles["resident_in"])

    marked = client.post(f"/inbox/{first.pk}/read")
    client.post(f"/inbox/{first.pk}/read")  # again: nothing changes
    opened = client.get(f"/agency-posts/{second.pk}")
    client.get(f"/agency-posts/{second.pk}")

    assert marked.status_code == 200 and marked.json()["read"] is True
    assert opened.status_code == 200
    assert [(i["id"], i["read"]) for i in client.get("/inbox").json()["items"]] == [
        (second.pk, True), (first.pk, True)]
    assert InboxRead.objects.count() == 2
    # Another resident of Alder has read nothing.
    neighbor = factories.make_resident(factories.nbhd(first.agency.city, "Alder"))
    assert [i["read"] for i in as_user(neighbor).get("/inbox").json()["items"]] == [False,
                                                                                    False]


def test_a_post_not_in_your_inbox_cannot_be_marked_read(police, agency_roles):
    post = publish(agency_roles["publisher"], police, neighborhoods=["alder"])

    for role in ("resident_out", "unverified", "other_staff", "operator"):
        assert as_user(agency_roles[role]).post(f"/inbox/{post.pk}/read").status_code == 404
    assert InboxRead.objects.count() == 0


def test_staff_inbox_lists_their_agency_posts_and_keeps_read_state(police, water,
                                                                   agency_roles):
    post = publish(agency_roles["publisher"], police, neighborhoods=["alder"])
    publish(agency_roles["other_staff"], water, neighborhoods=["alder"])
    tips = as_user(agency_roles["tips"])

    tips.post(f"/inbox/{post.pk}/read")

    assert [(i["id"], i["read"]) for i in tips.get("/inbox").json()["items"]] == [
        (post.pk, True)]
    # Staff reads are not residents reached.
    assert InboxRead.objects.get().neighborhood_id is None


def test_the_feed_mixes_resident_and_agency_posts(city, police, agency_roles, many_allowed,
                                                  clock):
    start = timezone.now() - dt.timedelta(hours=1)
    neighbor = factories.make_resident(factories.nbhd(city, "Alder"), name="Nell")
    with clock(start):
        older = factories.make_post(neighbor, title="Lost cat", body="Grey")
    with clock(start + dt.timedelta(minutes=1)):
        alert = publish(agency_roles["publisher"], police, kind="alert", title="Road closed",
                        body="Detour via Elm.", neighborhoods=["alder"])
    with clock(start + dt.timedelta(minutes=2)):
        newer = factories.make_post(neighbor, title="Found cat", body="Grey")

    items = as_user(agency_roles["resident_in"]).get("/feed").json()["items"]

    assert [(i["type"], i["id"]) for i in items] == [
        ("resident", newer.pk), ("agency", alert.pk), ("resident", older.pk)]
    agency_item = items[1]
    assert agency_item["agency"] == {"slug": "testville-police", "name": "Testville Police",
                                     "kind": "police", "verified": True}
    assert {k: agency_item[k] for k in ("kind", "title", "body", "edited", "practice")} == {
        "kind": "alert", "title": "Road closed", "body": "Detour via Elm.", "edited": False,
        "practice": False}
    assert agency_item["created_at"] == alert.publish_at.isoformat()


def test_agency_posts_do_not_spill_into_nearby_feeds(city, police, agency_roles):
    publish(agency_roles["publisher"], police, neighborhoods=["alder"])
    birch = factories.make_resident(factories.nbhd(city, "Birch"))  # touches Alder

    assert as_user(birch).get("/feed").json()["items"] == []


def test_feed_query_count_is_the_same_on_every_page(city, police, agency_roles, many_allowed,
                                                    clock):
    start = timezone.now() - dt.timedelta(hours=2)
    author = factories.make_resident(factories.nbhd(city, "Alder"))
    for i in range(60):
        with clock(start + dt.timedelta(seconds=i)):
            if i % 3 == 0:
                publish(agency_roles["publisher"], police, neighborhoods=["alder"])
            else:
                factories.make_post(author, body=f"post {i}")
    reader = agency_roles["resident_in"]
    counts, kinds = [], []
    cursor = None
    for _ in range(3):
        fresh = type(reader).objects.get(pk=reader.pk)
        with CaptureQueriesContext(connection) as captured:
            page = feeds.feed(fresh, cursor=cursor, limit=20)
        counts.append(len(captured))
        kinds.append({type(item).__name__ for item in page.items})
        cursor = page.next

    assert kinds == [{"Post", "AgencyPost"}] * 3
    # resident, followed nearby neighborhoods, the page (keys and resident posts), the
    # agency posts.
    assert counts == [4, 4, 4]
    assert cursor is None


def test_staff_feed_lists_their_agencys_posts(police, water, agency_roles):
    mine = publish(agency_roles["publisher"], police, neighborhoods=["alder"])
    practice = publish(agency_roles["publisher"], police, practice=True)
    publish(agency_roles["other_staff"], water)
    publish(agency_roles["publisher"], police,
            publish_at=timezone.now() + dt.timedelta(hours=1))  # not out yet

    items = as_user(agency_roles["tips"]).get("/feed").json()["items"]

    assert [(i["id"], i["type"], i["practice"]) for i in items] == [
        (practice.pk, "agency", True), (mine.pk, "agency", False)]


def test_staff_feed_pages(police, agency_roles, clock):
    start = timezone.now() - dt.timedelta(hours=1)
    created = []
    for i in range(5):
        with clock(start + dt.timedelta(minutes=i)):
            created.append(publish(agency_roles["publisher"], police).pk)
    client = as_user(agency_roles["admin"])

    first = client.get("/feed", limit=2).json()
    second = client.get("/feed", limit=2, cursor=first["next"]).json()
    third = client.get("/feed", limit=2, cursor=second["next"]).json()

    assert [i["id"] for p in (first, second, third) for i in p["items"]] == list(
        reversed(created))
    assert third["next"] is None
