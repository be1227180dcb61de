"""Reads about posts, always through the policy module: feeds, single posts, replies, search.

The feed is keyset-paginated. A resident's feed is the merge of one keyset query per
neighborhood (their own, plus each nearby neighborhood they follow, restricted to posts
shared with nearby neighborhoods). A single `neighborhood IN (...) ORDER BY created_at`
query would sort every matching row; one index range scan per neighborhood reads at most
`limit + 1` rows each, whatever the page number. See docs/feeds.md.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from townsquare.core import cursors, policy
from townsquare.core.errors import NotFound
from townsquare.posts.models import FeedItem, Post, Reply, Report


@dataclass
class Page:
    items: list[Any]
    next: str | None


def _keyset(qs: QuerySet[FeedItem], cursor: tuple[dt.datetime, int] | None,
            limit: int) -> list[tuple[dt.datetime, int, int]]:
    if cursor is not None:
        at, pk = cursor
        # `created_at <= at` bounds the index range; the equal-time tie is filtered after.
        qs = qs.filter(created_at__lte=at).exclude(created_at=at, id__gte=pk)
    return list(qs.order_by("-created_at", "-id").values_list("created_at", "id", "post_id")[:limit])


def feed_item_keys(user: Any, *, cursor: str | None = None,
                   limit: int = 25) -> tuple[list[tuple[dt.datetime, int, int]], str | None]:
    """The (created_at, feed item id, post id) keys of one feed page, newest first."""
    resident = policy.verified_resident_of(user)
    if resident is None:
        return [], None
    after = cursors.decode(cursor) if cursor else None
    own, nearby = policy.feed_neighborhoods(resident)
    streams = [_keyset(FeedItem.objects.filter(neighborhood_id=own), after, limit + 1)]
    for nbhd in nearby:
        shared = FeedItem.objects.filter(neighborhood_id=nbhd, share_nearby=True)
        streams.append(_keyset(shared, after, limit + 1))
    merged = list(heapq.merge(*streams, key=lambda k: (k[0], k[1]), reverse=True))
    page = merged[:limit]
    more = len(merged) > limit
    next_cursor = cursors.encode(page[-1][0], page[-1][1]) if more and page else None
    return page, next_cursor


def feed(user: Any, *, cursor: str | None = None, limit: int = 25) -> Page:
    keys, next_cursor = feed_item_keys(user, cursor=cursor, limit=limit)
    posts = Post.objects.select_related("author__user", "neighborhood").in_bulk(
        [k[2] for k in keys]
    )
    return Page([posts[k[2]] for k in keys if k[2] in posts], next_cursor)


def feed_offset_baseline(user: Any, *, page: int, limit: int = 25) -> list[int]:
    """The naive form (one IN query, ORDER BY, OFFSET), kept for the benchmark only."""
    resident = policy.verified_resident_of(user)
    if resident is None:
        return []
    own, nearby = policy.feed_neighborhoods(resident)
    qs = FeedItem.objects.filter(
        Q(neighborhood_id=own) | Q(neighborhood_id__in=nearby, share_nearby=True)
    ).order_by("-created_at", "-id")
    return list(qs.values_list("post_id", flat=True)[page * limit:(page + 1) * limit])


def get_post(user: Any, post_id: int) -> Post:
    """The post, if `user` may see it; NotFound otherwise (absent and hidden look the same)."""
    post = (
        Post.objects.select_related("author__user", "neighborhood", "neighborhood__city")
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
    reply = Reply.objects.select_related("author__user").filter(pk=reply_id, post=post).first()
    if reply is None:
        raise NotFound("No such reply.")
    reply.post = post
    if not policy.can_view_reply(user, reply):
        raise NotFound("No such reply.")
    return reply


def search(user: Any, query: str, *, limit: int = 50) -> list[Post]:
    """Posts the caller may see whose title or body contains every word of `query`."""
    words = [w for w in query.split() if w][:8]
    if not words:
        return []
    qs = Post.objects.filter(policy.visible_posts_q(user))
    for word in words:
        qs = qs.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return list(qs.select_related("author__user", "neighborhood").order_by("-created_at", "-id")
                [:limit])


def moderation_queue(user: Any) -> list[Report]:
    """Open reports in the neighborhoods `user` moderates, oldest first."""
    return list(
        Report.objects.filter(resolved_at__isnull=True)
        .filter(policy.moderated_neighborhoods_q(user, "post__neighborhood_id"))
        .select_related("post__author__user", "post__neighborhood", "reply__author__user",
                        "reporter")
        .order_by("created_at")
    )


def user_posts_in_neighborhood(user: Any, neighborhood_id: int) -> QuerySet[Post]:
    return Post.objects.filter(policy.visible_posts_q(user), neighborhood_id=neighborhood_id)
