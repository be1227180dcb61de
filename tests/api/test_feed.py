"""The feed and search: keyset pages, limits, query counts, who sees what."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.api.conftest import as_user, error_of
from townsquare.posts import actions as posts


@pytest.fixture
def many_posts_allowed(settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "post": "1000/3600"}


def test_feed_walks_60_posts_in_pages_of_25_25_10(roles, many_posts_allowed):
    # Two authors, and shared posts from nearby Birch, so the page merges several streams.
    authors = [roles["neighbor"], roles["lead"], roles["nearby"]]
    created = [factories.make_post(authors[i % 3], body=f"post {i}", share_nearby=True).pk
               for i in range(60)]
    client = as_user(roles["neighbor"])

    pages, cursor = [], None
    for _ in range(4):
        query = {"limit": 25, **({"cursor": cursor} if cursor else {})}
        response = client.get("/feed", **query)
        assert response.status_code == 200
        pages.append([p["id"] for p in response.json()["items"]])
        cursor = response.json()["next"]
        if cursor is None:
            break

    assert [len(p) for p in pages] == [25, 25, 10]
    seen = [pk for page in pages for pk in page]
    assert seen == list(reversed(created))  # newest first, no duplicates, no gaps


def test_feed_item_shape(roles):
    post = factories.make_post(roles["lead"], title="Block party", body="Saturday!",
                               category="events")
    posts.thank_post(roles["neighbor"], post)
    posts.create_reply(roles["neighbor"], post, body="Count me in")

    item = as_user(roles["neighbor"]).get("/feed").json()["items"][0]

    assert {k: item[k] for k in ("id", "type", "title", "body", "category", "neighborhood",
                                 "reply_count", "thank_count", "edited")} == {
        "id": post.pk, "type": "resident", "title": "Block party", "body": "Saturday!",
        "category": "events", "neighborhood": "alder", "reply_count": 1, "thank_count": 1,
        "edited": False,
    }
    assert item["author"] == {"display_name": "Lee Lead", "neighborhood": "Alder",
                              "street": roles["lead"].resident.street}
    assert item["created_at"].endswith("+00:00")


def test_feed_query_count_does_not_grow_with_the_page(roles, many_posts_allowed):
    for i in range(250):
        author = roles["neighbor"] if i % 2 else roles["nearby"]
        factories.make_post(author, body=f"post {i}", share_nearby=True)
    client = as_user(roles["neighbor"])
    client.get("/feed")  # the token's first use records last_used_at: not part of a page

    with CaptureQueriesContext(connection) as first:
        response = client.get("/feed")
    cursor = response.json()["next"]
    for _ in range(8):
        cursor = client.get("/feed", cursor=cursor).json()["next"]
    with CaptureQueriesContext(connection) as tenth:
        response = client.get("/feed", cursor=cursor)

    assert len(response.json()["items"]) == 25
    assert len(first.captured_queries) == len(tenth.captured_queries)
    # The token, the resident, the nearby neighborhoods they follow (nearby minus muted), and
    # the page: one statement for all four neighborhoods' streams and the posts.
    assert len(tenth.captured_queries) == 4


@pytest.mark.parametrize("role", ["unverified", "operator"])
def test_feed_is_empty_for_callers_without_a_verified_home(roles, role):
    factories.make_post(roles["neighbor"])

    response = as_user(roles[role]).get("/feed")

    assert response.status_code == 200
    assert response.json() == {"items": [], "next": None}


@pytest.mark.parametrize("cursor", ["nonsense", "MjAyNC0wMS0wMXw=", "bm8tcGlwZQ", "x" * 201])
def test_feed_wrong_cursor_is_400(roles, cursor):
    response = as_user(roles["neighbor"]).get("/feed", cursor=cursor)

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["cursor"]


@pytest.mark.parametrize("path", ["/feed", "/search?q=x", "/moderation/reports",
                                  "/cities/testville/neighborhoods"])
@pytest.mark.parametrize("limit", ["0", "201", "-1", "ten"])
def test_limit_outside_1_to_200_is_400(roles, path, limit):
    separator = "&" if "?" in path else "?"

    response = as_user(roles["lead"]).client.get(
        f"/api/v1{path}{separator}limit={limit}",
        headers=as_user(roles["lead"]).headers)

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["limit"]


@pytest.mark.parametrize("limit", [1, 200])
def test_limit_bounds_are_accepted(roles, limit, many_posts_allowed):
    for i in range(3):
        factories.make_post(roles["neighbor"], body=f"post {i}")

    body = as_user(roles["neighbor"]).get("/feed", limit=limit).json()

    assert len(body["items"]) == min(limit, 3)
    assert (body["next"] is None) == (limit == 200)


def test_search_finds_every_word_in_visible_posts(roles, many_posts_allowed):
    hit = factories.make_post(roles["neighbor"], title="Lost cat", body="Grey tabby near Elm")
    factories.make_post(roles["neighbor"], title="Lost dog", body="Brown")
    factories.make_post(roles["stranger"], title="Lost cat too", body="Grey tabby in Ironwood")

    response = as_user(roles["lead"]).get("/search", q="grey  CAT")

    assert response.status_code == 200
    assert [p["id"] for p in response.json()["items"]] == [hit.pk]


def test_search_pages_newest_first(roles, many_posts_allowed):
    created = [factories.make_post(roles["neighbor"], body=f"garage sale {i}").pk
               for i in range(5)]
    client = as_user(roles["lead"])

    first = client.get("/search", q="garage", limit=2).json()
    second = client.get("/search", q="garage", limit=2, cursor=first["next"]).json()
    third = client.get("/search", q="garage", limit=2, cursor=second["next"]).json()

    seen = [p["id"] for page in (first, second, third) for p in page["items"]]
    assert seen == list(reversed(created))
    assert third["next"] is None


@pytest.mark.parametrize("query", [{}, {"q": ""}, {"q": "\x00\x07"}])
def test_search_without_words_is_400(roles, query):
    response = as_user(roles["neighbor"]).get("/search", **query)

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["q"]
