"""Publishing agency posts: audience size, constant-time delivery, scheduling, expiry,
practice mode, edits, withdrawal, idempotency, and nothing half-published on bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.agencies.factories import make_staff, publish
from tests.api.conftest import as_user, error_of
from townsquare.agencies import actions, selectors
from townsquare.agencies.models import AgencyPost, AgencyPostTarget
from townsquare.core.errors import Conflict, Forbidden, Invalid
from townsquare.core.models import AuditLog
from townsquare.feeds import selectors as feeds
from townsquare.feeds.models import FeedItem
from townsquare.places.models import Neighborhood


def _residents(city, per_neighborhood: dict[str, int]) -> None:
    for name, count in per_neighborhood.items():
        for _ in range(count):
            factories.make_resident(factories.nbhd(city, name))


def test_audience_size_is_the_verified_members_of_the_targets(city, police, agency_roles):
    _residents(city, {"Alder": 2, "Birch": 3, "Ironwood": 4})
    factories.make_resident(factories.nbhd(city, "Birch"), verified=False)

    post = publish(agency_roles["publisher"], police, neighborhoods=["alder", "birch"])

    # Alder: 2 + resident_in; Birch: 3 (the unverified one does not count).
    assert post.audience_size == 6
    rows = dict(AgencyPostTarget.objects.filter(post=post)
                .values_list("neighborhood__slug", "audience"))
    assert rows == {"alder": 3, "birch": 3}


def test_publishing_writes_one_feed_row_per_targeted_neighborhood(city, police, agency_roles):
    post = publish(agency_roles["publisher"], police, neighborhoods=["alder", "birch", "elm"])

    rows = FeedItem.objects.filter(agency_post=post)
    assert sorted(rows.values_list("neighborhood__slug", flat=True)) == ["alder", "birch", "elm"]
    assert {(r.created_at, r.share_nearby, r.post_id, r.expires_at) for r in rows} == {
        (post.publish_at, False, None, None)}
    assert post.status == "published" and post.publish_at == post.created_at


def _publish_queries(user, agency) -> int:
    user = type(user).objects.get(pk=user.pk)  # nothing cached, as in a request
    with CaptureQueriesContext(connection) as captured:
        publish(user, agency)  # the whole jurisdiction: all nine neighborhoods
    return len(captured)


def test_publishing_costs_the_same_queries_for_10_and_200_residents(city, police):
    publisher = make_staff(police, "publisher")
    _residents(city, {"Alder": 2, "Elm": 4, "Ironwood": 4})
    assert sum(Neighborhood.objects.values_list("verified_members", flat=True)) == 10
    with_10 = _publish_queries(publisher, police)

    _residents(city, {name: 22 for name in factories.TREES[:5]}
               | {name: 20 for name in factories.TREES[5:]})
    assert sum(Neighborhood.objects.values_list("verified_members", flat=True)) == 200
    with_200 = _publish_queries(publisher, police)

    assert with_10 == with_200
    last = AgencyPost.objects.order_by("-pk").first()
    assert last.audience_size == 200
    assert FeedItem.objects.filter(agency_post=last).count() == 9


def test_every_targeted_resident_has_it_the_moment_it_is_published(city, police, agency_roles):
    inside = [agency_roles["resident_in"], factories.make_resident(factories.nbhd(city, "Alder"))]
    birch = factories.make_resident(factories.nbhd(city, "Birch"))

    post = publish(agency_roles["publisher"], police, neighborhoods=["alder"])

    for user in inside:
        assert [i.post.pk for i in selectors.inbox(user).items] == [post.pk]
        assert [p.pk for p in feeds.feed(user).items] == [post.pk]
    for user in (birch, agency_roles["resident_out"], agency_roles["unverified"]):
        assert selectors.inbox(user).items == []
        assert feeds.feed(user).items == []


def test_a_scheduled_post_appears_at_its_time(city, police, agency_roles, clock):
    resident = agency_roles["resident_in"]
    now = timezone.now()
    post = publish(agency_roles["publisher"], police, neighborhoods=["alder"],
                   publish_at=now + dt.timedelta(hours=2))

    assert post.status == "scheduled"
    assert FeedItem.objects.get(agency_post=post).created_at == now + dt.timedelta(hours=2)
    assert selectors.inbox(resident).items == []
    assert feeds.feed(resident).items == []
    assert as_user(resident).get(f"/agency-posts/{post.pk}").status_code == 404
    with clock(now + dt.timedelta(hours=2, seconds=1)):
        assert [i.post.pk for i in selectors.inbox(resident).items] == [post.pk]
        assert [p.pk for p in feeds.feed(resident).items] == [post.pk]
        assert AgencyPost.objects.get(pk=post.pk).current_status() == "published"


def test_the_scheduled_status_flips_when_the_worker_runs_the_job(police, agency_roles, clock):
    now = timezone.now()
    post = publish(agency_roles["publisher"], police, publish_at=now + dt.timedelta(minutes=5))
    from townsquare.agencies import tasks

    assert tasks.mark_published.call(post_id=post.pk) is False  # not yet its time
    with clock(now + dt.timedelta(minutes=6)):
        assert tasks.mark_published.call(post_id=post.pk) is True
    assert AgencyPost.objects.get(pk=post.pk).status == "published"


def test_an_expired_post_leaves_feed_and_inbox(police, agency_roles, clock):
    resident = agency_roles["resident_in"]
    now = timezone.now()
    post = publish(agency_roles["publisher"], police, neighborhoods=["alder"],
                   expires_at=now + dt.timedelta(days=1))

    assert [i.post.pk for i in selectors.inbox(resident).items] == [post.pk]
    with clock(now + dt.timedelta(days=1, seconds=1)):
        assert selectors.inbox(resident).items == []
        assert feeds.feed(resident).items == []
        assert as_user(resident).get(f"/agency-posts/{post.pk}").status_code == 404
        # The agency still has it.
        assert [p.pk for p in selectors.agency_posts(agency_roles["tips"], police)] == [post.pk]


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"publish_at": "past"}, "publish_at",
     "Schedule a time in the future, or leave it out to publish now."),
    ({"expires_at": "past"}, "expires_at", "The expiry must come after the publish time."),
    ({"publish_at": "in 2h", "expires_at": "in 1h"}, "expires_at",
     "The expiry must come after the publish time."),
    ({"publish_at": "naive"}, "publish_at",
     "Include the time zone offset, e.g. 2025-06-01T18:00:00-07:00."),
    ({"kind": "gossip"}, "kind",
     "Choose one of: alert, advisory, news, event, request_for_information."),
    ({"title": ""}, "title", "This field is required."),
    ({"body": "x" * 5001}, "body", "At most 5000 characters."),
    ({"kind": "event"}, "event_starts_at", "An event needs its start time."),
    ({"kind": "news", "event_place": "City Hall"}, "event_place",
     "Only events have a start time and a place."),
    ({"kind": "alert", "rfi_area": "Elm Street"}, "rfi_area",
     "Only requests for information have an area and a time window."),
])
def test_bad_input_is_refused_and_nothing_is_written(police, agency_roles, fields, field,
                                                     message):
    now = timezone.now()
    times = {"past": now - dt.timedelta(minutes=1), "in 1h": now + dt.timedelta(hours=1),
             "in 2h": now + dt.timedelta(hours=2),
             "naive": (now + dt.timedelta(hours=1)).replace(tzinfo=None)}
    fields = {k: times.get(v, v) if isinstance(v, str) and k.endswith("_at") else v
              for k, v in fields.items()}
    audit_before = AuditLog.objects.count()

    with pytest.raises(Invalid) as raised:
        publish(agency_roles["publisher"], police, **fields)

    assert raised.value.fields[field] == [message]
    assert AgencyPost.objects.count() == 0
    assert FeedItem.objects.count() == 0
    assert AuditLog.objects.count() == audit_before


def test_every_problem_is_reported_at_once(police, agency_roles):
    with pytest.raises(Invalid) as raised:
        publish(agency_roles["publisher"], police, kind="gossip", title="",
                neighborhoods=["nowhere"])

    assert sorted(raised.value.fields) == ["kind", "neighborhoods", "title"]


def test_an_event_and_a_request_for_information_keep_their_fields(police, agency_roles):
    starts = timezone.now() + dt.timedelta(days=3)
    event = publish(agency_roles["publisher"], police, kind="event", title="Safety fair",
                    body="Come by.", event_starts_at=starts, event_place="Elm Park")
    rfi = publish(agency_roles["publisher"], police, case_number="24-0117",
                  rfi_area="Alder Lane, 100 block", rfi_from=starts - dt.timedelta(days=10),
                  rfi_until=starts - dt.timedelta(days=9))

    assert (event.event_starts_at, event.event_place) == (starts, "Elm Park")
    assert (rfi.case_number, rfi.rfi_area) == ("24-0117", "Alder Lane, 100 block")


def test_hostile_text_is_stored_as_typed_and_escaped_in_json(police, agency_roles):
    title = '<script>alert("x")</script> & <b>bold</b>'
    post = publish(agency_roles["publisher"], police, title=title, body="a\x00b\x07c <img>",
                   neighborhoods=["alder"])

    assert post.title == title and post.body == "abc <img>"
    response = as_user(agency_roles["resident_in"]).get(f"/agency-posts/{post.pk}")
    assert b"<script>" not in response.content and b"\\u003cscript\\u003e" in response.content
    assert response.json()["title"] == title


def test_practice_posts_reach_only_the_agencys_staff(city, police, agency_roles):
    post = publish(agency_roles["publisher"], police, practice=True, neighborhoods=["alder"])

    assert post.audience_size == 0 and post.practice
    assert FeedItem.objects.filter(agency_post=post).count() == 0
    resident = agency_roles["resident_in"]
    assert selectors.inbox(resident).items == []
    assert feeds.feed(resident).items == []
    assert as_user(resident).get(f"/agency-posts/{post.pk}").status_code == 404
    for role in ("admin", "publisher", "tips"):
        items = as_user(agency_roles[role]).get("/inbox").json()["items"]
        assert [(i["post_id"], i["practice"]) for i in items] == [(post.pk, True)]
    assert as_user(agency_roles["other_staff"]).get("/inbox").json()["items"] == []
    # Rendered exactly as residents would see it, marked as practice.
    shown = as_user(agency_roles["tips"]).get(f"/agency-posts/{post.pk}").json()
    assert (shown["type"], shown["practice"], shown["title"]) == (
        "agency", True, "Did you see a grey van?")


def test_only_publishers_and_admins_publish(police, water, agency_roles):
    for role in ("tips", "other_staff", "resident_in", "operator"):
        with pytest.raises(Forbidden):
            publish(agency_roles[role], police)
    assert publish(agency_roles["admin"], police).agency == police
    assert publish(agency_roles["other_staff"], water).agency == water


def test_edit_marks_a_published_post_edited_and_keeps_its_rows(police, agency_roles):
    post = publish(agency_roles["publisher"], police, neighborhoods=["alder"])
    later = timezone.now() + dt.timedelta(days=2)

    actions.update_agency_post(agency_roles["admin"], post, title="Grey van: found",
                               expires_at=later)

    post.refresh_from_db()
    assert (post.title, post.expires_at, post.edited) == ("Grey van: found", later, True)
    row = FeedItem.objects.get(agency_post=post)
    assert (row.created_at, row.expires_at) == (post.publish_at, later)
    item = as_user(agency_roles["resident_in"]).get(f"/agency-posts/{post.pk}").json()
    assert (item["title"], item["edited"]) == ("Grey van: found", True)


def test_an_edit_that_changes_nothing_is_not_an_edit(police, agency_roles):
    post = publish(agency_roles["publisher"], police)
    before = AuditLog.objects.count()

    actions.update_agency_post(agency_roles["publisher"], post, title=post.title)

    assert AuditLog.objects.count() == before and AgencyPost.objects.get().edited_at is None


def test_moving_a_scheduled_post_moves_its_rows(police, agency_roles):
    now = timezone.now()
    post = publish(agency_roles["publisher"], police, neighborhoods=["alder", "elm"],
                   publish_at=now + dt.timedelta(hours=1))

    actions.update_agency_post(agency_roles["publisher"], post,
                               publish_at=now + dt.timedelta(hours=3))

    assert set(FeedItem.objects.filter(agency_post=post).values_list("created_at", flat=True)
               ) == {now + dt.timedelta(hours=3)}
    assert AgencyPost.objects.get(pk=post.pk).edited_at is None  # nobody had seen it yet


def test_a_published_posts_time_cannot_move(police, agency_roles):
    post = publish(agency_roles["publisher"], police)

    with pytest.raises(Invalid) as raised:
        actions.update_agency_post(agency_roles["publisher"], post,
                                   publish_at=timezone.now() + dt.timedelta(hours=1))

    assert raised.value.fields == {
        "publish_at": ["The post is already published; its time cannot change."]}


def test_withdraw_takes_it_out_of_every_feed_and_inbox(city, police, agency_roles):
    post = publish(agency_roles["publisher"], police)
    resident = agency_roles["resident_in"]
    assert [i.post.pk for i in selectors.inbox(resident).items] == [post.pk]

    actions.withdraw_agency_post(agency_roles["publisher"], post, note="wrong van")

    assert FeedItem.objects.filter(agency_post=post).count() == 0
    assert selectors.inbox(resident).items == []
    assert as_user(resident).get(f"/agency-posts/{post.pk}").status_code == 404
    staff_view = as_user(agency_roles["tips"]).get(f"/agencies/testville-police/posts/{post.pk}")
    assert staff_view.json()["status"] == "withdrawn"
    with pytest.raises(Conflict):
        actions.withdraw_agency_post(agency_roles["admin"], post)
    with pytest.raises(Conflict):
        actions.update_agency_post(agency_roles["admin"], post, title="Again")


def test_the_api_answers_the_contract(city, police, agency_roles):
    factories.make_resident(factories.nbhd(city, "Birch"))

    response = as_user(agency_roles["publisher"]).post(
        "/agencies/testville-police/posts",
        {"kind": "alert", "title": "Water main break", "body": "Avoid 5th Street.",
         "neighborhoods": ["alder", "birch"]})

    assert response.status_code == 201
    post = AgencyPost.objects.get()
    assert response.json() == {"id": post.pk, "audience_size": 2}


def test_the_api_refuses_a_neighborhood_outside_the_jurisdiction(city, agency_roles):
    from tests.agencies.factories import make_agency

    small = make_agency(city, "Alder Patrol", domain="patrol.testville.gov",
                        neighborhoods=["alder", "birch"])
    publisher = make_staff(small, "publisher")

    response = as_user(publisher).post("/agencies/alder-patrol/posts", {
        "kind": "news", "title": "Hello", "body": "We patrol here.",
        "neighborhoods": ["alder", "elm"]})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "neighborhoods": ["'elm' is outside your agency's jurisdiction."]}
    assert AgencyPost.objects.count() == 0


def test_the_same_idempotency_key_gives_the_same_post(police, agency_roles):
    client = as_user(agency_roles["publisher"])
    body = {"kind": "alert", "title": "Storm", "body": "Stay inside."}

    first = client.post("/agencies/testville-police/posts", body,
                        headers={"Idempotency-Key": "storm-1"})
    again = client.post("/agencies/testville-police/posts", body,
                        headers={"Idempotency-Key": "storm-1"})
    other = client.post("/agencies/testville-police/posts", body,
                        headers={"Idempotency-Key": "storm-2"})

    assert first.status_code == again.status_code == other.status_code == 201
    assert first.json() == again.json()
    assert other.json()["id"] != first.json()["id"]
    assert AgencyPost.objects.count() == 2
    assert FeedItem.objects.count() == 18
    assert AuditLog.objects.filter(action="agencies.post_published").count() == 2


def test_an_idempotency_key_older_than_a_day_is_a_conflict(police, agency_roles, clock):
    now = timezone.now()
    with clock(now - dt.timedelta(hours=25)):
        publish(agency_roles["publisher"], police, idempotency_key="k1")

    with pytest.raises(Conflict):
        publish(agency_roles["publisher"], police, idempotency_key="k1")
    assert AgencyPost.objects.count() == 1


def test_keys_are_per_agency(police, water, agency_roles):
    mine = publish(agency_roles["publisher"], police, idempotency_key="same")
    theirs = publish(agency_roles["other_staff"], water, idempotency_key="same")

    assert mine.pk != theirs.pk


def test_a_bad_idempotency_key_is_400(police, agency_roles):
    response = as_user(agency_roles["publisher"]).post(
        "/agencies/testville-police/posts", {"kind": "alert", "title": "a", "body": "b"},
        headers={"Idempotency-Key": "white space"})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["idempotency_key"]
