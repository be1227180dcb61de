"""Reading many posts: the feed and search."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from townsquare.agencies.models import AgencyPost
from townsquare.api import agency_serializers, pagination, serializers
from townsquare.api.agency_schemas import FeedPage
from townsquare.api.auth import caller
from townsquare.api.params import SearchText
from townsquare.api.responses import AUTHED, errors
from townsquare.core.errors import Invalid
from townsquare.feeds import selectors as feeds
from townsquare.posts import selectors

router = Router(tags=["feed"], auth=caller)


@router.get("/feed", response={200: FeedPage, **errors(400, *AUTHED)}, summary="Your feed")
def feed(request: HttpRequest, cursor: pagination.Cursor = None,
         limit: pagination.Limit = pagination.DEFAULT_LIMIT) -> dict:
    """The posts you may see, newest first: your neighborhood's, those of touching
    neighborhoods shared with nearby ones, and the agency posts sent to your neighborhood
    (`"type": "agency"`, with the agency's verified badge). For agency staff: their own
    agency's published posts. Empty for other accounts."""
    result = feeds.feed(request.auth, cursor=cursor, limit=limit)
    return pagination.page([agency_serializers.feed_item(p) if isinstance(p, AgencyPost)
                            else serializers.post(p) for p in result.items], result.next)


def _day(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(_("Not a date."), {field: [_("Use a date such as 2026-03-01.")]}) from exc


@router.get("/search", response={200: FeedPage, **errors(400, *AUTHED)},
            summary="Search the posts you may see")
def search(
    request: HttpRequest, q: SearchText,
    category: Annotated[str | None, Query(description="A post category, or `agency` for "
                                                      "agency posts only.")] = None,
    from_: Annotated[str | None, Query(alias="from", description="First day, ISO 8601.")]
    = None,
    to: Annotated[str | None, Query(description="Last day (included), ISO 8601.")] = None,
    cursor: pagination.Cursor = None,
    limit: pagination.Limit = pagination.DEFAULT_LIMIT,
) -> dict:
    """Posts whose title or body contains every word of `q` (up to 8 words), newest first:
    resident posts and agency posts alike, each with `"type"` as in the feed. 400 (with
    `fields`) for an unknown category or a bad date."""
    text = selectors.search_terms(q, required=True)
    result = feeds.search(request.auth, text, category=category or "",
                          since=_day(from_, "from"), until=_day(to, "to"),
                          cursor=cursor, limit=limit)
    return pagination.page([agency_serializers.feed_item(p) if isinstance(p, AgencyPost)
                            else serializers.post(p) for p in result.items], result.next)
