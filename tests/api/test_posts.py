"""Posts, replies, thanks and reports through the API."""

from __future__ import annotations

import json
import re

import pytest

from tests import factories
from tests.api.conftest import as_user, error_of
from townsquare.posts import actions as posts
from townsquare.posts.models import Post, Reply, Report

ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d:\d\d$")
HOSTILE = ["<script>alert(1)</script>", "'; DROP TABLE posts;--",
           "\"quoted\" \\ back\\slash & <b>bold</b> \u2028 caf\u00e9 \U0001f3e1"]


@pytest.fixture
def nora(roles):
    return as_user(roles["neighbor"])


def test_create_post(nora, roles):
    response = nora.post("/posts", {"title": "Lost cat", "body": "Grey tabby, answers to Mo.",
                                    "category": "lost_found"})

    assert response.status_code == 201
    body = response.json()
    post = Post.objects.get()
    assert ISO_WITH_OFFSET.match(body.pop("created_at"))
    assert body == {
        "id": post.pk, "type": "resident", "title": "Lost cat",
        "body": "Grey tabby, answers to Mo.", "category": "lost_found",
        "neighborhood": "alder", "share_nearby": False,
        "author": {"display_name": "Nora Neighbor", "neighborhood": "Alder",
                   "street": roles["neighbor"].resident.street},
        "edited": False, "edited_at": None, "reply_count": 0, "thank_count": 0,
        "hidden": False, "person": {},
    }


def test_create_post_defaults(nora):
    body = nora.post("/posts", {"body": "Hello"}).json()

    assert (body["title"], body["category"], body["share_nearby"]) == ("", "general", False)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_stored_and_returned_as_typed(nora, text):
    created = nora.post("/posts", {"title": text, "body": text})
    fetched = nora.get(f"/posts/{created.json()['id']}")

    assert Post.objects.get().body == text
    assert (fetched.json()["title"], fetched.json()["body"]) == (text, text)
    # JSON-escaped: no raw tag reaches the wire, and it decodes back to the same text.
    assert b"<" not in fetched.content and b">" not in fetched.content
    assert json.loads(fetched.content.decode("utf-8"))["body"] == text
    assert fetched["Content-Type"] == "application/json; charset=utf-8"
    assert Post.objects.count() == 1  # the table is still there


def test_control_characters_are_removed(nora):
    body = nora.post("/posts", {"body": "bell\x07 and escape\x1b gone\nnewline kept"}).json()

    assert body["body"] == "bell and escape gone\nnewline kept"


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"body": ["Field required"]}),
        ({"body": ""}, {"body": ["This field is required."]}),
        ({"body": "   "}, {"body": ["This field is required."]}),
        ({"body": 42}, {"body": ["Input should be a valid string"]}),
        ({"body": "x" * 5001}, {"body": ["At most 5000 characters."]}),
        ({"body": "ok", "title": "t" * 201}, {"title": ["At most 200 characters."]}),
        ({"body": "ok", "share_nearby": "maybe"}, {"share_nearby": [
            "Input should be a valid boolean, unable to interpret input"]}),
    ],
)
def test_create_post_bad_input_is_400(nora, payload, fields):
    response = nora.post("/posts", payload)

    assert response.status_code == 400
    assert error_of(response)["fields"] == fields
    assert Post.objects.count() == 0


def test_create_post_unknown_category_is_400(nora):
    response = nora.post("/posts", {"body": "ok", "category": "gossip"})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["category"]


def test_crime_post_that_profiles_by_race_is_refused(nora):
    response = nora.post("/posts", {"category": "crime_safety",
                                    "body": "Suspicious black guy on our street."})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["person"]


def test_crime_post_with_a_full_description_is_accepted(nora):
    person = {"top": "red hoodie", "bottom": "jeans", "shoes": "white sneakers",
              "race": "white"}
    response = nora.post("/posts", {"category": "crime_safety", "person": person,
                                    "body": "Someone tried car doors on Alder Lane."})

    assert response.status_code == 201
    assert response.json()["person"] == person


def test_post_rate_limit_is_429(nora):
    statuses = [nora.post("/posts", {"body": f"post {i}"}).status_code for i in range(11)]

    assert statuses == [201] * 10 + [429]
    assert Post.objects.count() == 10


def test_get_missing_post_is_404(nora):
    response = nora.get("/posts/424242")

    assert response.status_code == 404
    assert error_of(response) == {"error": "not_found", "detail": "No such post."}


@pytest.mark.parametrize("path", ["/posts/abc", "/posts/-1", "/posts/1.5"])
def test_post_path_that_is_not_an_id_is_404(nora, path):
    assert nora.get(path).status_code == 404


@pytest.mark.parametrize("post_id", ["0", str(2**63), "9" * 30])
def test_post_id_out_of_range_is_400(nora, post_id):
    response = nora.get(f"/posts/{post_id}")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["id"]


def test_patch_changes_only_the_given_fields(roles):
    post = factories.make_post(roles["neighbor"], title="Old title", body="Old body",
                               category="events")
    client = as_user(roles["neighbor"])

    response = client.patch(f"/posts/{post.pk}", {"body": "New body", "share_nearby": True})

    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["body"], body["category"], body["share_nearby"],
            body["edited"]) == ("Old title", "New body", "events", True, True)
    assert ISO_WITH_OFFSET.match(body["edited_at"])


def test_patch_bad_input_is_400(roles):
    post = factories.make_post(roles["neighbor"])

    response = as_user(roles["neighbor"]).patch(f"/posts/{post.pk}", {"body": ""})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"body": ["This field is required."]}


def test_delete_post(roles):
    post = factories.make_post(roles["neighbor"])
    client = as_user(roles["neighbor"])

    response = client.delete(f"/posts/{post.pk}")

    assert response.status_code == 204
    assert response.content == b""
    assert client.get(f"/posts/{post.pk}").status_code == 404
    assert client.delete(f"/posts/{post.pk}").status_code == 404


def test_replies_round_trip(roles):
    post = factories.make_post(roles["neighbor"])
    lead = as_user(roles["lead"])

    created = lead.post(f"/posts/{post.pk}/replies", {"body": "I saw it <b>too</b>"})
    listed = as_user(roles["neighbor"]).get(f"/posts/{post.pk}/replies")

    assert created.status_code == 201
    reply = created.json()
    assert ISO_WITH_OFFSET.match(reply.pop("created_at"))
    assert reply == {"id": Reply.objects.get().pk, "post_id": post.pk,
                     "body": "I saw it <b>too</b>", "edited": False, "hidden": False,
                     "author": {"display_name": "Lee Lead", "neighborhood": "Alder",
                                "street": roles["lead"].resident.street}}
    assert listed.status_code == 200
    assert listed.json()["next"] is None
    assert [r["id"] for r in listed.json()["items"]] == [reply["id"]]
    assert as_user(roles["neighbor"]).get(f"/posts/{post.pk}").json()["reply_count"] == 1


def test_replies_page_oldest_first(roles, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "reply": "100/3600"}
    post = factories.make_post(roles["neighbor"])
    ids = [posts.create_reply(roles["lead"], post, body=f"reply {i}").pk for i in range(7)]
    client = as_user(roles["neighbor"])

    first = client.get(f"/posts/{post.pk}/replies", limit=3).json()
    second = client.get(f"/posts/{post.pk}/replies", limit=3, cursor=first["next"]).json()
    third = client.get(f"/posts/{post.pk}/replies", limit=3, cursor=second["next"]).json()

    seen = [r["id"] for page in (first, second, third) for r in page["items"]]
    assert seen == ids
    assert third["next"] is None


def test_hidden_reply_is_shown_only_to_its_author_and_moderators(roles):
    post = factories.make_post(roles["neighbor"])
    reply = posts.create_reply(roles["lead"], post, body="rude words")
    posts.hide_reply(roles["operator"], reply)

    def reply_ids(role):
        return [r["id"] for r in as_user(roles[role]).get(f"/posts/{post.pk}/replies")
                .json()["items"]]

    assert reply_ids("neighbor") == []
    assert reply_ids("lead") == [reply.pk]
    assert reply_ids("operator") == [reply.pk]


def test_reply_missing_body_is_400(roles):
    post = factories.make_post(roles["neighbor"])

    response = as_user(roles["lead"]).post(f"/posts/{post.pk}/replies", {"text": "hi"})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"body": ["Field required"]}


def test_thanks_are_counted_once(roles):
    post = factories.make_post(roles["neighbor"])
    client = as_user(roles["lead"])

    first = client.post(f"/posts/{post.pk}/thanks")
    second = client.post(f"/posts/{post.pk}/thanks")
    taken_back = client.delete(f"/posts/{post.pk}/thanks")

    assert (first.status_code, first.json()) == (200, {"thanked": True, "thank_count": 1})
    assert second.json() == {"thanked": True, "thank_count": 1}
    assert taken_back.json() == {"thanked": False, "thank_count": 0}


def test_report_a_post_and_a_reply(roles):
    post = factories.make_post(roles["neighbor"])
    reply = posts.create_reply(roles["neighbor"], post, body="spam spam")
    client = as_user(roles["lead"])

    on_post = client.post(f"/posts/{post.pk}/reports",
                          {"reason": "misinformation", "note": "not true"})
    on_reply = client.post(f"/posts/{post.pk}/reports", {"reason": "spam", "reply_id": reply.pk})
    again = client.post(f"/posts/{post.pk}/reports", {"reason": "spam"})

    assert on_post.status_code == 201
    assert set(on_post.json()) == {"id", "reason", "created_at"}
    assert on_reply.status_code == 201
    assert Report.objects.get(pk=on_reply.json()["id"]).reply_id == reply.pk
    assert again.status_code == 409
    assert error_of(again)["error"] == "conflict"


def test_report_with_a_reply_of_another_post_is_404(roles):
    post = factories.make_post(roles["neighbor"])
    other = factories.make_post(roles["lead"])
    reply = posts.create_reply(roles["neighbor"], other, body="elsewhere")

    response = as_user(roles["lead"]).post(f"/posts/{post.pk}/reports",
                                           {"reason": "spam", "reply_id": reply.pk})

    assert response.status_code == 404
    assert Report.objects.count() == 0


def test_report_unknown_reason_is_400(roles):
    post = factories.make_post(roles["neighbor"])

    response = as_user(roles["lead"]).post(f"/posts/{post.pk}/reports", {"reason": "meh"})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["reason"]


def test_person_description_drops_control_characters(nora):
    person = {"top": "red\x1b hoodie", "bottom": "jeans", "shoes": "boots\x07"}

    response = nora.post("/posts", {"category": "crime_safety", "person": person,
                                    "body": "Someone tried car doors."})

    assert response.status_code == 201
    assert response.json()["person"] == {"top": "red hoodie", "bottom": "jeans",
                                         "shoes": "boots"}
