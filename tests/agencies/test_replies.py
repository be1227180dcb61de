"""Replies and thanks on agency posts: a reply is seen by the agency and by the residents
of the replier's own neighborhood, and by no one else."""

from __future__ import annotations

import pytest

from tests import factories
from tests.agencies.factories import publish
from tests.api.conftest import as_user
from townsquare.agencies import actions, selectors
from townsquare.agencies.models import AgencyPost
from townsquare.core.errors import Forbidden, NotFound
from townsquare.core.models import AuditLog


@pytest.fixture
def scene(city, police, agency_roles):
    """A request for information to Alder and Elm; one reply from each, one hidden."""
    post = publish(agency_roles["publisher"], police, neighborhoods=["alder", "elm"])
    alder_2 = factories.make_resident(factories.nbhd(city, "Alder"), name="Al Two")
    elm = factories.make_resident(factories.nbhd(city, "Elm"), name="Em Elm")
    elm_2 = factories.make_resident(factories.nbhd(city, "Elm"), name="Ed Elm")
    replies = {
        "alder": actions.reply_to_agency_post(agency_roles["resident_in"], post,
                                              body="I saw the van at 9pm."),
        "elm": actions.reply_to_agency_post(elm, post, body="A grey van parked on Elm St."),
        "hidden": actions.reply_to_agency_post(elm_2, post, body="Rude words"),
    }
    actions.hide_agency_reply(agency_roles["tips"], replies["hidden"])
    return {"post": post, "replies": replies,
            "users": {**agency_roles, "alder_2": alder_2, "elm": elm, "elm_2": elm_2}}


def bodies(user, post: AgencyPost) -> list[str]:
    return [r["body"] for r in as_user(user).get(f"/agency-posts/{post.pk}/replies").json()
            ["items"]]


@pytest.mark.parametrize(("role", "expected"), [
    ("resident_in", ["I saw the van at 9pm."]),
    ("alder_2", ["I saw the van at 9pm."]),
    ("elm", ["A grey van parked on Elm St."]),
    ("elm_2", ["A grey van parked on Elm St.", "Rude words"]),  # their own, though hidden
    ("admin", ["I saw the van at 9pm.", "A grey van parked on Elm St.", "Rude words"]),
    ("publisher", ["I saw the van at 9pm.", "A grey van parked on Elm St.", "Rude words"]),
    ("tips", ["I saw the van at 9pm.", "A grey van parked on Elm St.", "Rude words"]),
    ("operator", ["I saw the van at 9pm.", "A grey van parked on Elm St.", "Rude words"]),
])
def test_who_reads_which_reply(scene, role, expected):
    assert bodies(scene["users"][role], scene["post"]) == expected


@pytest.mark.parametrize("role", ["resident_out", "unverified", "other_staff"])
def test_others_see_neither_the_post_nor_its_replies(scene, role):
    client = as_user(scene["users"][role])
    post = scene["post"]

    assert client.get(f"/agency-posts/{post.pk}/replies").status_code == 404
    assert client.get(f"/agency-posts/{post.pk}").status_code == 404


def test_staff_see_repliers_as_name_and_neighborhood_only(scene):
    items = as_user(scene["users"]["tips"]).get(
        f"/agency-posts/{scene['post'].pk}/replies").json()["items"]

    assert [r["author"] for r in items] == [
        {"display_name": "Ina Inside", "neighborhood": "Alder"},
        {"display_name": "Em Elm", "neighborhood": "Elm"},
        {"display_name": "Ed Elm", "neighborhood": "Elm"},
    ]
    assert [r["hidden"] for r in items] == [False, False, True]


def test_each_staff_listing_of_replies_is_audited_once(scene):
    before = AuditLog.objects.filter(action="agencies.replies_read").count()

    as_user(scene["users"]["tips"]).get(f"/agency-posts/{scene['post'].pk}/replies")
    as_user(scene["users"]["resident_in"]).get(f"/agency-posts/{scene['post'].pk}/replies")

    entries = AuditLog.objects.filter(action="agencies.replies_read").order_by("pk")
    assert entries.count() == before + 1
    assert (entries.last().actor_id, entries.last().data) == (scene["users"]["tips"].pk,
                                                             {"count": 3})


def test_reply_rules(scene):
    post, users = scene["post"], scene["users"]
    for role in ("resident_out", "unverified", "other_staff"):
        with pytest.raises(NotFound):
            actions.reply_to_agency_post(users[role], post, body="hi")
    for role in ("admin", "tips", "operator"):
        with pytest.raises(Forbidden):
            actions.reply_to_agency_post(users[role], post, body="hi")
    assert AgencyPost.objects.get(pk=post.pk).reply_count == 3


def test_the_author_deletes_their_reply_and_the_agency_loses_it_too(scene):
    post, users = scene["post"], scene["users"]
    reply = scene["replies"]["alder"]

    response = as_user(users["resident_in"]).delete(f"/agency-posts/{post.pk}/replies/{reply.pk}")

    assert response.status_code == 204
    assert bodies(users["tips"], post) == ["A grey van parked on Elm St.", "Rude words"]
    assert AgencyPost.objects.get(pk=post.pk).reply_count == 2
    # Nobody else can delete it (it is gone now; the elm reply is not theirs).
    elm_reply = scene["replies"]["elm"]
    for role in ("tips", "alder_2", "elm_2"):
        assert as_user(users[role]).delete(
            f"/agency-posts/{post.pk}/replies/{elm_reply.pk}").status_code == 404


def test_hiding_is_for_the_tips_desk_admins_and_operators(scene):
    post, users = scene["post"], scene["users"]
    reply = scene["replies"]["elm"]

    with pytest.raises(Forbidden):
        actions.hide_agency_reply(users["publisher"], reply)
    with pytest.raises(NotFound):
        actions.hide_agency_reply(users["other_staff"], reply)
    with pytest.raises(NotFound):
        actions.hide_agency_reply(users["alder_2"], reply)
    response = as_user(users["admin"]).post(
        f"/agency-posts/{post.pk}/replies/{reply.pk}/hide", {"note": "doxxing"})

    assert response.status_code == 200 and response.json()["hidden"] is True
    assert bodies(users["elm_2"], post) == ["Rude words"]


def test_thanks_once_per_resident(scene):
    post, users = scene["post"], scene["users"]
    client = as_user(users["resident_in"])

    first = client.post(f"/agency-posts/{post.pk}/thanks")
    again = client.post(f"/agency-posts/{post.pk}/thanks")
    as_user(users["elm"]).post(f"/agency-posts/{post.pk}/thanks")

    assert first.json() == {"thanked": True, "thank_count": 1}
    assert again.json() == {"thanked": True, "thank_count": 1}
    assert client.get(f"/agency-posts/{post.pk}").json()["thanked"] is True
    assert client.delete(f"/agency-posts/{post.pk}/thanks").json() == {
        "thanked": False, "thank_count": 1}
    assert as_user(users["tips"]).post(f"/agency-posts/{post.pk}/thanks").status_code == 403


def test_a_reply_stays_with_the_neighborhood_the_replier_had(scene, city):
    """The reply's neighborhood is recorded when it is written."""
    reply = scene["replies"]["alder"]

    assert reply.neighborhood.slug == "alder"
    assert [r.pk for r in selectors.replies(scene["users"]["alder_2"], scene["post"])] == [
        reply.pk]
