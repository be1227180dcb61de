"""The feed's keyset merge (feeds.selectors.feed), checked the way bench/feed.py times it.

A resident of Elm, the middle of the 3 x 3 grid, follows all 8 other neighborhoods, so a
page merges 9 streams. The page-10 cost must not grow with the page number (same queries
as page 1), and walking the feed page by page with cursors must give exactly the posts,
in exactly the order, of the naive OFFSET form and of the privacy rule applied by hand,
also where many posts share one `created_at` and a page ends inside such a tie.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from townsquare import policy
from townsquare.accounts import actions as accounts
from townsquare.accounts.models import Resident, User
from townsquare.feeds import selectors
from townsquare.posts import actions as posts
from townsquare.posts.models import Post

START = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
POSTS = 540  # 60 per neighborhood; the Elm reader sees 60 + 8 x 30 = 300


@pytest.fixture
def elm_feed(city, settings):
    """540 posts over the 9 neighborhoods; returns (the Elm reader, the authors).

    Post i is written in neighborhood i % 9 and shared with nearby ones when i is even,
    at second (i * 7) % 45 after START: twelve posts per second on average, and a post
    written later is often older, so feed item ids do not follow time.
    """
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "post": "1000/3600"}
    authors = [factories.make_resident(factories.nbhd(city, name)) for name in factories.TREES]
    reader = factories.make_resident(factories.nbhd(city, "Elm"), name="Elm Reader")
    for i in range(POSTS):
        at = START + dt.timedelta(seconds=(i * 7) % 45)
        with mock.patch("django.utils.timezone.now", return_value=at):
            factories.make_post(authors[i % 9], body=f"Post {i}", share_nearby=i % 2 == 0)
    return reader, authors


def _fresh(user: User) -> User:
    """A new user object, as each request has: nothing cached on it by the policy module."""
    return User.objects.get(pk=user.pk)


def _expected(reader: User) -> list[int]:
    """The privacy rule applied by hand: Elm's live posts, plus shared ones of its 8
    neighbors, newest first, ties by the later-written first."""
    own = policy.resident_of(_fresh(reader)).neighborhood_id
    rows = Post.objects.filter(deleted_at__isnull=True, hidden_at__isnull=True)
    visible = [p for p in rows if p.neighborhood_id == own or p.share_nearby]
    return [p.pk for p in sorted(visible, key=lambda p: (p.created_at, p.pk), reverse=True)]


def _walk(reader: User, limit: int) -> list[int]:
    ids: list[int] = []
    cursor = None
    while True:
        page = selectors.feed(_fresh(reader), cursor=cursor, limit=limit)
        assert len(page.items) == limit or page.next is None
        ids += [post.pk for post in page.items]
        if page.next is None:
            return ids
        cursor = page.next


def _offset_walk(reader: User, limit: int) -> list[int]:
    ids: list[int] = []
    for number in range(POSTS):
        rows = selectors.feed_offset_baseline(_fresh(reader), page=number, limit=limit)
        if not rows:
            return ids
        ids += rows
    raise AssertionError("the OFFSET walk did not end")


def test_elm_follows_all_eight_neighbors(elm_feed):
    reader, _authors = elm_feed
    own, nearby = policy.feed_neighborhoods(policy.resident_of(reader))
    assert len(nearby) == 8 and own not in nearby


def test_page_10_costs_the_same_queries_as_page_1(elm_feed):
    reader, _authors = elm_feed
    cursor = None
    for _ in range(9):
        cursor = selectors.feed(_fresh(reader), cursor=cursor).next
    assert cursor is not None

    counts, feed_reads = [], []
    for page_cursor in (None, cursor):
        user = _fresh(reader)
        with CaptureQueriesContext(connection) as captured:
            page = selectors.feed(user, cursor=page_cursor)
        assert len(page.items) == 25
        with CaptureQueriesContext(connection) as reading:
            [(p.neighborhood.slug, p.author.neighborhood.name, p.author.user.display_name)
             for p in page.items]
        assert len(reading) == 0
        counts.append(len(captured))
        feed_reads.append(sum("posts_feeditem" in q["sql"] for q in captured.captured_queries))
    # resident, followed nearby neighborhoods, and one statement for the 9 streams and the 25
    # posts with their authors and neighborhoods.
    assert counts == [3, 3]
    assert feed_reads == [1, 1]


@pytest.mark.parametrize("limit", [7, 25])
def test_keyset_walk_matches_offset_baseline_and_the_rule(elm_feed, limit):
    reader, authors = elm_feed
    # A deleted and a hidden post leave the feed (their feed rows go with them).
    elm_post = Post.objects.filter(author__user=authors[4]).order_by("pk").first()
    posts.delete_post(authors[4], elm_post)
    shared = Post.objects.filter(author__user=authors[0], share_nearby=True).order_by("pk")[0]
    posts.hide_post(factories.make_operator(), shared)

    expected = _expected(reader)
    assert len(expected) == 300 - 2
    # Many posts share one created_at, and pages end inside such ties.
    stamps = [Post.objects.get(pk=pk).created_at for pk in expected]
    assert len(set(stamps)) == 45
    assert any(stamps[i - 1] == stamps[i] for i in range(limit, len(stamps), limit))

    walked = _walk(reader, limit)
    assert walked == expected
    assert _offset_walk(reader, limit) == expected


def test_muted_neighbor_leaves_both_forms(elm_feed, city):
    reader, _authors = elm_feed
    birch = factories.nbhd(city, "Birch")
    accounts.set_muted_nearby(reader, [birch.pk])
    expected = [pk for pk in _expected(reader)
                if Post.objects.get(pk=pk).neighborhood_id != birch.pk]
    assert len(expected) == 300 - 30
    assert _walk(reader, 25) == expected
    assert _offset_walk(reader, 25) == expected


def test_author_who_moved_is_labelled_with_their_new_neighborhood(city):
    """The feed hands an author the post's neighborhood object when they live there; one who
    has moved since gets their own, in one more query rather than one per post."""
    reader = factories.make_resident(factories.nbhd(city, "Elm"))
    author = factories.make_resident(factories.nbhd(city, "Birch"))
    first = factories.make_post(author, body="Before the move", share_nearby=True)
    second = factories.make_post(author, body="Also before", share_nearby=True)
    # No action moves a resident yet: this stands for a future move or a data fix.
    Resident.objects.filter(user=author).update(neighborhood=factories.nbhd(city, "Cedar"))

    user = _fresh(reader)
    with CaptureQueriesContext(connection) as captured:
        page = selectors.feed(user)
    with CaptureQueriesContext(connection) as reading:
        labels = [(p.neighborhood.name, p.author.neighborhood.name, p.author.user.display_name)
                  for p in page.items]

    assert [p.pk for p in page.items] == [second.pk, first.pk]
    assert labels == [("Birch", "Cedar", author.display_name)] * 2
    assert len(captured) == 4  # resident, neighborhoods, the page, the author's new one
    assert len(reading) == 0


def _prepared_feed_statements() -> list[tuple[str, int]]:
    """The prepared feed statements on this connection: (text, times run as a generic plan)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans FROM pg_prepared_statements"
                       " WHERE statement LIKE %s", ["%posts_feeditem%"])
        return cursor.fetchall()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_postgresql_prepares_the_page_statement_and_stops_planning_it(elm_feed):
    reader, _authors = elm_feed
    cursor = None
    ids = []
    for number in range(20):
        if number == 5:
            assert _prepared_feed_statements() == []
        page = selectors.feed(_fresh(reader), cursor=cursor, limit=10)
        ids += [p.pk for p in page.items]
        cursor = page.next

    # One statement per form (the first page, pages after a cursor): only the latter ran
    # more than 5 times. Once prepared, PostgreSQL plans it 5 more times, then settles on
    # the generic plan, which needs the page size written into the statement.
    [(statement, generic_plans)] = _prepared_feed_statements()
    assert "UNION ALL" in statement and "posts_post" in statement and "LIMIT 11" in statement
    assert generic_plans > 0
    assert ids == _expected(reader)[:200]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_no_statement_is_prepared_when_turned_off(elm_feed):
    reader, _authors = elm_feed
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = None  # DATABASE_PREPARED_STATEMENTS=0
    try:
        cursor = None
        for _ in range(8):
            cursor = selectors.feed(_fresh(reader), cursor=cursor).next
    finally:
        connection.connection.prepare_threshold = threshold

    assert _prepared_feed_statements() == []
    assert cursor is not None
