"""Reads about posts, always through the policy module: feeds, single posts, replies, search.

The feed is keyset-paginated. A resident's feed is the merge of one keyset stream per
neighborhood (their own, plus each nearby neighborhood they follow, restricted to posts
shared with nearby neighborhoods). A single `neighborhood IN (...) ORDER BY created_at`
query would sort every matching row; one index range scan per neighborhood reads at most
`limit + 1` rows each, whatever the page number. The streams travel in ONE statement
(`UNION ALL`), so a page costs one round trip, not one per neighborhood. See
docs/feeds.md and docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from townsquare.agencies import selectors as agency_selectors
from townsquare.core import cursors, policy
from townsquare.core.errors import NotFound
from townsquare.posts.models import FeedItem, Post, Reply, Report, Thank


@dataclass
class Page:
    items: list[Any]
    next: str | None


@functools.cache
def _keys_sql(streams: int, after: bool) -> str:
    """The one statement that reads every stream of a feed page.

    Stream 0 is the resident's own neighborhood (index `feed_nbhd_keyset`), streams 1..n
    the followed nearby ones, shared rows only (partial index `feed_nbhd_shared_keyset`:
    the bare `share_nearby` term is what lets SQLite match its predicate). Each stream keeps
    its own ORDER BY ... LIMIT, so each is a backward index range scan that stops after
    `limit` rows; the outer ORDER BY merges at most `limit * streams` rows (PostgreSQL
    plans it as a Merge Append that reads only what the page needs). `SELECT * FROM (...)`
    around every stream is what lets SQLite accept a LIMIT per part; the ORM's `union()`
    cannot, there. The SQL is written out rather than composed from 1 + n querysets because
    composing those cost more than the database spends running them (about 0.15 ms each,
    measured by bench/feed.py). All values are parameters.

    Agency posts have rows too (`agency_post_id` set, one per targeted neighborhood, never
    shared): their `created_at` is the publish time, possibly in the future, so every
    stream is bounded by `created_at <= now` (which also bounds the index range), and an
    expired row is skipped by its own `expires_at`, with no join (docs/agencies.md).
    """
    table = connection.ops.quote_name(FeedItem._meta.db_table)
    # `created_at <= bound` bounds the index range (bound: now, or the cursor's time if
    # earlier); the equal-time tie after a cursor is filtered after, as are expired rows.
    tie = " AND NOT (created_at = %s AND id >= %s)" if after else ""
    parts = [
        f"SELECT * FROM (SELECT created_at, id, post_id, agency_post_id FROM {table}"  # noqa: S608
        f" WHERE neighborhood_id = %s{' AND share_nearby' if number else ''}"
        f" AND created_at <= %s{tie} AND (expires_at IS NULL OR expires_at > %s)"
        f" ORDER BY created_at DESC, id DESC LIMIT %s) AS stream{number}"
        for number in range(streams)
    ]
    return " UNION ALL ".join(parts) + " ORDER BY 1 DESC, 2 DESC LIMIT %s"


def _merged_keys(neighborhoods: list[int], after: tuple[dt.datetime, int] | None,
                 limit: int) -> list[tuple[dt.datetime, int, int | None, int | None]]:
    """The first `limit` (created_at, id, post_id, agency_post_id) of the streams after
    `after`, none of them in the future or expired."""
    prep = FeedItem._meta.get_field("created_at").get_db_prep_value
    now = timezone.now()
    bound = prep(min(after[0], now) if after is not None else now, connection)
    tie: list[Any] = [prep(after[0], connection), after[1]] if after is not None else []
    expiry = prep(now, connection)
    params: list[Any] = []
    for nbhd in neighborhoods:
        params += [nbhd, bound, *tie, expiry, limit]
    # raw() applies the field converters: created_at is an aware datetime on every backend.
    rows = FeedItem.objects.raw(_keys_sql(len(neighborhoods), after is not None),
                                [*params, limit])
    return [(row.created_at, row.pk, row.post_id, row.agency_post_id) for row in rows]


def feed_item_keys(
    user: Any, *, cursor: str | None = None, limit: int = 25,
) -> tuple[list[tuple[dt.datetime, int, int | None, int | None]], str | None]:
    """The (created_at, feed item id, post id, agency post id) keys of one feed page,
    newest first; one of the two ids is None."""
    resident = policy.verified_resident_of(user)
    if resident is None:
        return [], None
    after = cursors.decode(cursor) if cursor else None
    own, nearby = policy.feed_neighborhoods(resident)
    merged = _merged_keys([own, *nearby], after, limit + 1)
    page = merged[:limit]
    more = len(merged) > limit
    next_cursor = cursors.encode(page[-1][0], page[-1][1]) if more and page else None
    return page, next_cursor


# Columns a feed never shows: boundaries and import data are for maps and re-imports, the
# password hash for logging in. Not loading them takes about a tenth off the post fetch.
_FEED_DEFERRED = ("neighborhood__geometry_wkb", "neighborhood__source_properties",
                  "author__user__password")


def feed(user: Any, *, cursor: str | None = None, limit: int = 25) -> Page:
    """A feed page: `Post`s and the `AgencyPost`s targeted at the resident's neighborhood,
    each kind fetched in one query (none when the page has none of that kind). Agency
    staff get their own agency's posts instead (agencies.selectors.staff_feed)."""
    if policy.verified_resident_of(user) is None and policy.agency_staff_of(user) is not None:
        staff_page = agency_selectors.staff_feed(user, cursor=cursor, limit=limit)
        return Page(staff_page.items, staff_page.next)
    keys, next_cursor = feed_item_keys(user, cursor=cursor, limit=limit)
    posts = (
        Post.objects.select_related("author__user", "neighborhood")
        .defer(*_FEED_DEFERRED)
        .in_bulk([k[2] for k in keys if k[2] is not None])
    )
    agency_posts = agency_selectors.posts_by_ids([k[3] for k in keys if k[3] is not None])
    _share_neighborhoods(list(posts.values()))
    items = [posts.get(k[2]) if k[2] is not None else agency_posts.get(k[3]) for k in keys]
    return Page([item for item in items if item is not None], next_cursor)


def _share_neighborhoods(posts: list[Post]) -> None:
    """Give each author a loaded neighborhood (their label shows its name).

    An author nearly always lives where they posted, so they get the post's neighborhood
    object: a second join of the neighborhoods table cost about a fifth of the post fetch
    (bench/feed.py). The few who have moved since get theirs in one more query, so a page
    stays at a fixed, small number of queries whatever its number.
    """
    moved = []
    for post in posts:
        if post.author.neighborhood_id == post.neighborhood_id:
            post.author.neighborhood = post.neighborhood
        else:
            moved.append(post.author)
    if moved:
        prefetch_related_objects(moved, "neighborhood")


def feed_offset_baseline(user: Any, *, page: int, limit: int = 25) -> list[int | None]:
    """The naive form of `feed_item_keys` (one IN query, ORDER BY, OFFSET), kept for the
    benchmark and the tests only: the same rows (published, not expired), as post ids
    (None for an agency post)."""
    resident = policy.verified_resident_of(user)
    if resident is None:
        return []
    own, nearby = policy.feed_neighborhoods(resident)
    now = timezone.now()
    qs = FeedItem.objects.filter(
        Q(neighborhood_id=own) | Q(neighborhood_id__in=nearby, share_nearby=True),
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        created_at__lte=now,
    ).order_by("-created_at", "-id")
    return list(qs.values_list("post_id", flat=True)[page * limit:(page + 1) * limit])


def get_post(user: Any, post_id: int) -> Post:
    """The post, if `user` may see it; NotFound otherwise (absent and hidden look the same)."""
    post = (
        Post.objects.select_related(
            "author__user", "author__neighborhood", "neighborhood", "neighborhood__city"
        )
        .filter(pk=post_id)
        .first()
    )
    if post is None or not policy.can_view_post(user, post):
        raise NotFound("No such post.")
    return post


def replies(user: Any, post: Post) -> list[Reply]:
    """The replies to `post` that `user` may see, oldest first."""
    if not policy.can_view_post(user, post):
        raise NotFound("No such post.")
    rows = Reply.objects.filter(post=post, deleted_at__isnull=True).select_related(
        "author__user", "author__neighborhood"
    )
    result = []
    for reply in rows:
        reply.post = post  # avoid one query per reply in the policy check
        if policy.can_view_reply(user, reply):
            result.append(reply)
    return result


def get_reply(user: Any, post: Post, reply_id: int) -> Reply:
    reply = (
        Reply.objects.select_related("author__user", "author__neighborhood")
        .filter(pk=reply_id, post=post)
        .first()
    )
    if reply is None:
        raise NotFound("No such reply.")
    reply.post = post
    if not policy.can_view_reply(user, reply):
        raise NotFound("No such reply.")
    return reply


def search(user: Any, query: str, *, limit: int = 50, cursor: str | None = None) -> list[Post]:
    """Posts the caller may see whose title or body contains every word of `query`.

    Newest first; `cursor` (as made by `core.cursors.encode` from the last post of the
    previous page) continues after that post.
    """
    words = [w for w in query.split() if w][:8]
    if not words:
        return []
    qs = Post.objects.filter(policy.visible_posts_q(user))
    if cursor:
        at, pk = cursors.decode(cursor)
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=pk))
    for word in words:
        qs = qs.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return list(
        qs.select_related("author__user", "author__neighborhood", "neighborhood")
        .order_by("-created_at", "-id")[:limit]
    )


def moderation_queue(user: Any) -> list[Report]:
    """Open reports in the neighborhoods `user` moderates, oldest first."""
    return list(
        Report.objects.filter(resolved_at__isnull=True)
        .filter(policy.moderated_neighborhoods_q(user, "post__neighborhood_id"))
        .select_related("post__author__user", "post__author__neighborhood", "post__neighborhood",
                        "reply__author__user", "reply__author__neighborhood", "reporter")
        .order_by("created_at", "id")
    )


def get_report(user: Any, report_id: int) -> Report:
    """A report in a neighborhood `user` moderates; NotFound otherwise."""
    report = (
        Report.objects.filter(policy.moderated_neighborhoods_q(user, "post__neighborhood_id"))
        .select_related("post__author__user", "post__author__neighborhood",
                        "post__neighborhood", "reply__author__user",
                        "reply__author__neighborhood")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise NotFound("No such report.")
    return report


def user_posts_in_neighborhood(user: Any, neighborhood_id: int) -> QuerySet[Post]:
    return Post.objects.filter(policy.visible_posts_q(user), neighborhood_id=neighborhood_id)


def thanked_by(user: Any, post: Post) -> bool:
    """Whether the caller has thanked `post` (the page labels its thank button by it)."""
    resident = policy.verified_resident_of(user)
    return resident is not None and Thank.objects.filter(post=post, resident=resident).exists()
