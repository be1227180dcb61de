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

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from townsquare import policy
from townsquare.agencies import selectors as agency_selectors
from townsquare.core import cursors
from townsquare.core.errors import NotFound
from townsquare.core.text import clean_text
from townsquare.posts import feed_query
from townsquare.posts.models import FeedItem, Post, Reply, Report, Thank


@dataclass
class Page:
    items: list[Any]
    next: str | None


def feed(user: Any, *, cursor: str | None = None, limit: int = 25) -> Page:
    """A feed page: `Post`s (with their authors and neighborhoods) and the `AgencyPost`s
    targeted at the resident's neighborhood. The page's keys and its resident posts come in
    one statement (posts/feed_query.py), its agency posts in one more query when it has
    some. Agency staff get their own agency's posts instead (agencies.selectors.staff_feed).
    """
    resident = policy.verified_resident_of(user)
    if resident is None and policy.agency_staff_of(user) is not None:
        staff_page = agency_selectors.staff_feed(user, cursor=cursor, limit=limit)
        return Page(staff_page.items, staff_page.next)
    if resident is None:
        return Page([], None)
    after = cursors.decode(cursor) if cursor else None
    own, nearby = policy.feed_neighborhoods(resident)
    rows, more = feed_query.read_page([own, *nearby], after, limit)
    next_cursor = cursors.encode(rows[-1].created_at, rows[-1].id) if more and rows else None
    agency_posts = agency_selectors.posts_by_ids(
        [row.agency_post_id for row in rows if row.agency_post_id is not None])
    _share_neighborhoods([row.post for row in rows if row.post is not None])
    items = [row.post if row.post is not None else agency_posts.get(row.agency_post_id)
             for row in rows]
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


SEARCH_MAX_LENGTH = 200


def search_terms(query: object, *, required: bool = False) -> str:
    """The search text as typed minus dangerous characters, stripped (core.text); Invalid
    (field `q`) if it is not text, longer than SEARCH_MAX_LENGTH, or empty when required."""
    return clean_text(query, field="q", max_length=SEARCH_MAX_LENGTH, required=required)


def search(user: Any, query: object, *, limit: int = 50,
           cursor: str | None = None) -> list[Post]:
    """Posts the caller may see whose title or body contains every word of `query`
    (cleaned here by search_terms, for the pages and the API alike); none if it has no
    words.

    Newest first; `cursor` (as made by `core.cursors.encode` from the last post of the
    previous page) continues after that post.
    """
    words = search_terms(query).split()[:8]
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
