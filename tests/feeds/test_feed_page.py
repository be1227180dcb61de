"""The feed page: thank and reply from it, relative times, the new-posts cue, the landing
after sign-in, and a query count that does not grow with the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from townsquare.posts.models import Post, Thank
from townsquare.web.views.posts import FEED_PAGE_SIZE


@pytest.fixture
def alder(city):
    return factories.nbhd(city, "Alder")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_thank_from_the_feed_comes_back_to_the_item(roles):
    post = factories.make_post(roles["neighbor"], title="Lost cat")
    client = _client(roles["lead"])
    response = client.post(f"/posts/{post.pk}/thank/", {"back": "feed"})
    assert response.status_code == 302
    assert response["Location"] == f"/feed/#post-{post.pk}"
    assert Thank.objects.filter(post=post).count() == 1
    html = client.get("/feed/").content.decode()
    assert 'aria-pressed="true"' in html
    client.post(f"/posts/{post.pk}/thank/", {"back": "feed", "undo": "1"})
    assert Thank.objects.filter(post=post).count() == 0


def test_reply_from_the_feed(roles):
    post = factories.make_post(roles["neighbor"], title="Lost cat")
    client = _client(roles["lead"])
    html = client.get("/feed/").content.decode()
    assert f'action="/posts/{post.pk}/replies/"' in html
    assert f'<label for="reply-body-{post.pk}">Your reply</label>' in html
    response = client.post(f"/posts/{post.pk}/replies/", {"body": "I saw it on Elm."})
    assert response.status_code == 302
    assert post.replies.get().body == "I saw it on Elm."


def test_times_are_relative_with_the_exact_time_in_the_title(roles):
    post = factories.make_post(roles["neighbor"], title="Lost cat")
    three_hours = timezone.now() - dt.timedelta(hours=3)
    Post.objects.filter(pk=post.pk).update(created_at=three_hours)
    html = _client(roles["lead"]).get("/feed/").content.decode()
    exact = Post.objects.get(pk=post.pk).created_at
    assert f'<time datetime="{timezone.localtime(exact).isoformat()}">3\xa0hours ago</time>' in html


def test_the_new_posts_cue_counts_posts_since_the_last_visit(roles):
    factories.make_post(roles["neighbor"], title="Old news")
    client = _client(roles["lead"])
    first = client.get("/feed/").content.decode()
    assert "since your last visit" not in first
    factories.make_post(roles["neighbor"], title="Fresh one")
    factories.make_post(roles["neighbor"], title="Fresher one")
    second = client.get("/feed/").content.decode()
    assert "2 new posts since your last visit" in second
    third = client.get("/feed/").content.decode()
    assert "since your last visit" not in third


def test_residents_land_on_their_feed_and_staff_on_their_dashboard(roles, agency_roles):
    for user, where in [(roles["neighbor"], "/feed/"), (roles["unverified"], "/feed/"),
                        (agency_roles["publisher"], "/agency/")]:
        user.set_password(factories.PASSWORD)  # staff are invited without one
        user.save(update_fields=["password"])
        response = Client().post("/login/", {"username": user.email,
                                             "password": factories.PASSWORD})
        assert response.status_code == 302
        assert response["Location"].startswith(where), (user, response["Location"])


def _feed_queries(user) -> int:
    client = _client(user)
    client.get("/feed/")  # the session and caches warm up
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/feed/").status_code == 200
    return len(queries)


def test_the_feed_costs_as_many_queries_with_thirty_posts_as_with_three(roles):
    author = roles["neighbor"]
    for number in range(3):
        factories.make_post(author, title=f"Post {number}")
    assert FEED_PAGE_SIZE == 20  # so thirty posts fill a page and leave an older one
    factories.make_post(roles["lead"], title="Mine")
    Thank.objects.create(post=Post.objects.first(), resident=roles["lead"].resident)
    few = _feed_queries(roles["lead"])
    alder = roles["lead"].resident.neighborhood
    for number in range(27):  # three each, under the posting rate limit
        if number % 3 == 0:
            author = factories.make_resident(alder, name=f"Writer {number}")
        factories.make_post(author, title=f"More {number}")
    assert _feed_queries(roles["lead"]) == few
