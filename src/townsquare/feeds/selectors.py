"""Reads of the feed rows, scoped by policy: a caller's feed, and the keys of a resident's
inbox (agencies/selectors/inbox.py adds the posts and their read state).

A resident's feed is the merge of one keyset stream per neighborhood (their own, plus each
nearby neighborhood they follow, restricted to posts shared with nearby neighborhoods). A
single `neighborhood IN (...) ORDER BY created_at` query would sort every matching row; one
index range scan per neighborhood reads at most `limit + 1` rows each, whatever the page
number. The streams travel in ONE statement (`UNION ALL`, feeds/feed_query.py), so a page
costs one round trip, not one per neighborhood. See docs/feeds.md and docs/performance.md.

The rows point to resident posts and agency posts; their models are the ones the foreign
keys of `FeedItem` name, so this app imports neither posts nor agencies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from townsquare import policy
from townsquare.core import cursors
from townsquare.feeds import feed_query
from townsquare.feeds.models import FeedItem

# What a feed item shows of an agency post: its agency (name, badge, city) and its author.
AGENCY_POST_RELATED = ("agency", "agency__city", "author")


@dataclass
class Page:
    items: list[Any]
    next: str | None


def _agency_post_model() -> Any:
    return FeedItem._meta.get_field("agency_post").related_model  # agencies.AgencyPost


def feed(user: Any, *, cursor: str | None = None, limit: int = 25) -> Page:
    """A feed page: resident `Post`s (with their authors and neighborhoods) and the
    `AgencyPost`s targeted at the resident's neighborhood. The page's keys and its resident
    posts come in one statement (feeds/feed_query.py), its agency posts in one more query
    when it has some. Agency staff get their own agency's posts instead (`staff_page`).
    """
    resident = policy.verified_resident_of(user)
    if resident is None and policy.agency_staff_of(user) is not None:
        return staff_page(user, cursor=cursor, limit=limit)
    if resident is None:
        return Page([], None)
    after = cursors.decode(cursor) if cursor else None
    own, nearby = policy.feed_neighborhoods(resident)
    rows, more = feed_query.read_page([own, *nearby], after, limit)
    next_cursor = cursors.encode(rows[-1].created_at, rows[-1].id) if more and rows else None
    agency_posts = agency_posts_by_ids(
        [row.agency_post_id for row in rows if row.agency_post_id is not None])
    _share_neighborhoods([row.post for row in rows if row.post is not None])
    items = [row.post if row.post is not None else agency_posts.get(row.agency_post_id)
             for row in rows]
    return Page([item for item in items if item is not None], next_cursor)


def _share_neighborhoods(posts: list[Any]) -> None:
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


def agency_posts_by_ids(ids: list[int]) -> dict[int, Model]:
    """Agency posts for a feed page, in one query (none for an empty list)."""
    return _agency_post_model().objects.select_related(*AGENCY_POST_RELATED).in_bulk(ids)


def staff_page(user: Any, *, cursor: str | None = None, limit: int = 25) -> Page:
    """For agency staff: their agency's posts that are out (practice ones included, not
    withdrawn ones), newest first by publish time, keyset-paginated on (publish_at, id).
    Empty for everyone else."""
    staff = policy.agency_staff_of(user)
    if staff is None:
        return Page([], None)
    model = _agency_post_model()
    qs = (model.objects.filter(agency_id=staff.agency_id, publish_at__lte=timezone.now())
          .exclude(status=model.Status.WITHDRAWN).select_related(*AGENCY_POST_RELATED))
    if cursor:
        at, pk = cursors.decode(cursor)
        qs = qs.filter(Q(publish_at__lt=at) | Q(publish_at=at, pk__lt=pk))
    rows = list(qs.order_by("-publish_at", "-pk")[:limit + 1])
    page = rows[:limit]
    more = len(rows) > limit and page
    return Page(page, cursors.encode(page[-1].publish_at, page[-1].pk) if more else None)


def inbox_rows(neighborhood_id: int) -> QuerySet[FeedItem]:
    """The agency posts' rows of a neighborhood that are out and not expired: a resident's
    inbox (partial index `feed_nbhd_agency_keyset`)."""
    now = timezone.now()
    return FeedItem.objects.filter(neighborhood_id=neighborhood_id, agency_post__isnull=False,
                                   created_at__lte=now).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def inbox_keys(neighborhood_id: int, *, cursor: str | None = None,
               limit: int = 25) -> tuple[list[tuple[dt.datetime, int, int]], str | None]:
    """A page of a resident's inbox as (created_at, row id, agency post id), newest first,
    keyset-paginated on (created_at, id); and the next page's cursor."""
    rows = inbox_rows(neighborhood_id)
    if cursor:
        at, pk = cursors.decode(cursor)
        rows = rows.filter(created_at__lte=at).exclude(created_at=at, pk__gte=pk)
    keys = list(rows.order_by("-created_at", "-pk")
                .values_list("created_at", "pk", "agency_post_id")[:limit + 1])
    page = keys[:limit]
    more = len(keys) > limit and page
    return page, cursors.encode(page[-1][0], page[-1][1]) if more else None


def feed_offset_baseline(user: Any, *, page: int, limit: int = 25) -> list[int | None]:
    """The naive form of the feed's keyset read (one IN query, ORDER BY, OFFSET), kept for the
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
