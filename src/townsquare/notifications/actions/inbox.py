"""Marking the whole inbox read at once (the page's button, `POST /api/v1/inbox/read-all`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from townsquare import policy
from townsquare.agencies.models import AgencyPost, InboxRead
from townsquare.feeds import selectors as feeds


def _unread_post_ids(user: Any) -> list[int]:
    """The posts of the caller's inbox they have not opened: the inbox's own definition
    (agencies/selectors/inbox.py), read in one query."""
    read = InboxRead.objects.filter(user=user).values("agency_post_id")
    resident = policy.verified_resident_of(user)
    if resident is not None:
        rows = feeds.inbox_rows(resident.neighborhood_id).exclude(agency_post_id__in=read)
        return list(rows.values_list("agency_post_id", flat=True).distinct())
    staff = policy.agency_staff_of(user)
    if staff is None:
        return []  # operators and residents not yet verified have no inbox to mark
    posts = (AgencyPost.objects.filter(agency_id=staff.agency_id,
                                       publish_at__lte=timezone.now())
             .exclude(status=AgencyPost.Status.WITHDRAWN).exclude(pk__in=read))
    return list(posts.values_list("pk", flat=True))


def mark_all_read(user: Any) -> int:
    """Mark every post now in the caller's inbox read; how many were unread. Marking again
    changes nothing (0). The rows carry no neighborhood: a post marked read without being
    opened does not count towards its "seen" reach, which means a resident opened it."""
    if not getattr(user, "is_authenticated", False):
        return 0
    with transaction.atomic():
        ids = _unread_post_ids(user)
        now = timezone.now()
        InboxRead.objects.bulk_create(
            [InboxRead(user=user, agency_post_id=pk, read_at=now) for pk in ids],
            ignore_conflicts=True, batch_size=500)
    return len(ids)
