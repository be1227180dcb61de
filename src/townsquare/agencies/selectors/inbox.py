"""The inbox: agency posts for the caller, newest first, with their read state.

A resident's inbox is the agency rows of the feed in their neighborhood (feeds/selectors.py,
partial index `feed_nbhd_agency_keyset`), keyset-paginated on (created_at, id); staff read
their agency's posts that are out, keyset-paginated on (publish_at, id). The read state is
this app's `InboxRead`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies.models import AgencyPost, InboxRead
from townsquare.agencies.selectors.posts import POST_RELATED, posts_by_ids
from townsquare.core.errors import NotFound
from townsquare.feeds import selectors as feeds
from townsquare.feeds.selectors import Page


@dataclass
class InboxItem:
    post: AgencyPost
    created_at: dt.datetime
    read: bool


def inbox(user: Any, *, cursor: str | None = None, limit: int = 25) -> Page:
    """Agency posts for the caller, newest first, each with its read state.

    A verified resident: the posts targeted at their neighborhood (the feed rows, so a
    post is there the moment it is published, with no row per resident). Agency staff:
    their agency's posts that are out, practice ones included. Everyone else: nothing.
    """
    resident = policy.verified_resident_of(user)
    if resident is not None:
        return _resident_inbox(user, resident.neighborhood_id, cursor, limit)
    page = feeds.staff_page(user, cursor=cursor, limit=limit)  # empty for non-staff
    read = _read_ids(user, [p.pk for p in page.items])
    return Page([InboxItem(p, p.publish_at, p.pk in read) for p in page.items], page.next)


def _resident_inbox(user: Any, neighborhood_id: int, cursor: str | None,
                    limit: int) -> Page:
    page, next_cursor = feeds.inbox_keys(neighborhood_id, cursor=cursor, limit=limit)
    posts = posts_by_ids([k[2] for k in page])
    read = _read_ids(user, [k[2] for k in page])
    items = [InboxItem(posts[k[2]], k[0], k[2] in read) for k in page if k[2] in posts]
    return Page(items, next_cursor)


def _read_ids(user: Any, post_ids: list[int]) -> set[int]:
    if not post_ids:
        return set()
    return set(InboxRead.objects.filter(user=user, agency_post_id__in=post_ids)
               .values_list("agency_post_id", flat=True))


def unread_count(user: Any, *, cap: int = 99) -> int:
    """How many posts of the caller's inbox they have not opened, counted up to `cap + 1`
    (the header shows "99+"): one query, whatever the size of the inbox."""
    read = InboxRead.objects.filter(user=user).values("agency_post_id")
    resident = policy.verified_resident_of(user)
    if resident is not None:
        rows = feeds.inbox_rows(resident.neighborhood_id)
        return rows.exclude(agency_post_id__in=read)[:cap + 1].count()
    staff = policy.agency_staff_of(user)
    if staff is None:
        return 0
    posts = (AgencyPost.objects.filter(agency_id=staff.agency_id, publish_at__lte=timezone.now())
             .exclude(status=AgencyPost.Status.WITHDRAWN))
    return posts.exclude(pk__in=read)[:cap + 1].count()


def inbox_post(user: Any, post_id: int) -> AgencyPost:
    """A post that is in the caller's inbox; NotFound otherwise (operators have none)."""
    post = AgencyPost.objects.select_related(*POST_RELATED).filter(pk=post_id).first()
    if post is None:
        raise NotFound(_("No such inbox item."))
    if not policy.is_in_inbox(user, post):
        raise NotFound(_("No such inbox item."))
    return post
