"""Reads about posts, always through the policy module: single posts, replies, search, the
moderation queue. The feed, which shows resident posts and agency posts together, is read in
feeds/selectors.py (docs/feeds.md).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.core import cursors
from townsquare.core.errors import NotFound
from townsquare.core.text import clean_text
from townsquare.posts.models import Post, Reply, Report, Thank


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
        raise NotFound(_("No such post."))
    return post


def replies(user: Any, post: Post) -> list[Reply]:
    """The replies to `post` that `user` may see, oldest first."""
    if not policy.can_view_post(user, post):
        raise NotFound(_("No such post."))
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
        raise NotFound(_("No such reply."))
    reply.post = post
    if not policy.can_view_reply(user, reply):
        raise NotFound(_("No such reply."))
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
        raise NotFound(_("No such report."))
    return report


def user_posts_in_neighborhood(user: Any, neighborhood_id: int) -> QuerySet[Post]:
    return Post.objects.filter(policy.visible_posts_q(user), neighborhood_id=neighborhood_id)


def thanked_by(user: Any, post: Post) -> bool:
    """Whether the caller has thanked `post` (the page labels its thank button by it)."""
    resident = policy.verified_resident_of(user)
    return resident is not None and Thank.objects.filter(post=post, resident=resident).exists()


def thanked_ids(user: Any, post_ids: list[int]) -> set[int]:
    """Which of `post_ids` the caller has thanked, in one query (a feed page labels its
    thank buttons by it); none for anyone but a verified resident."""
    resident = policy.verified_resident_of(user)
    if resident is None or not post_ids:
        return set()
    return set(Thank.objects.filter(resident=resident, post_id__in=post_ids)
               .values_list("post_id", flat=True))
