"""Every write of feed rows. The posts and agencies actions call these inside their own
transactions, so a post and its rows change together (docs/feeds.md).

A resident post has one row, in its neighborhood; an agency post one row per targeted
neighborhood, never shared with nearby ones. Rows are removed when their post leaves the
feeds (deleted, hidden, withdrawn), so the reads never filter them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from townsquare.feeds.models import FeedItem


def add_post(*, post_id: int, neighborhood_id: int, created_at: dt.datetime,
             share_nearby: bool) -> None:
    """The row of a new resident post."""
    FeedItem.objects.create(neighborhood_id=neighborhood_id, created_at=created_at,
                            share_nearby=share_nearby, post_id=post_id)


def restore_post(*, post_id: int, neighborhood_id: int, created_at: dt.datetime,
                 share_nearby: bool) -> None:
    """The row of a resident post back in its feed (unhidden), unless it is there already."""
    FeedItem.objects.get_or_create(
        post_id=post_id, neighborhood_id=neighborhood_id,
        defaults={"created_at": created_at, "share_nearby": share_nearby},
    )


def share_post(post_id: int, *, share_nearby: bool) -> None:
    """Whether a resident post shows in the feeds of the neighborhoods that touch its own."""
    FeedItem.objects.filter(post_id=post_id).update(share_nearby=share_nearby)


def remove_post(post_id: int) -> None:
    """A resident post leaves every feed (deleted or hidden)."""
    FeedItem.objects.filter(post_id=post_id).delete()


def add_agency_post(*, agency_post_id: int, neighborhood_ids: Iterable[int],
                    publish_at: dt.datetime, expires_at: dt.datetime | None) -> None:
    """One row per targeted neighborhood, in one statement, whatever the audience."""
    FeedItem.objects.bulk_create([
        FeedItem(neighborhood_id=nbhd, created_at=publish_at, expires_at=expires_at,
                 share_nearby=False, agency_post_id=agency_post_id)
        for nbhd in neighborhood_ids
    ])


def reschedule_agency_post(agency_post_id: int, *, publish_at: dt.datetime,
                           expires_at: dt.datetime | None) -> None:
    """An agency post's rows follow its (new) publish time and expiry."""
    FeedItem.objects.filter(agency_post_id=agency_post_id).update(created_at=publish_at,
                                                                  expires_at=expires_at)


def remove_agency_post(agency_post_id: int) -> None:
    """An agency post leaves every feed and inbox (withdrawn)."""
    FeedItem.objects.filter(agency_post_id=agency_post_id).delete()
