"""Reading many posts: the feed and search."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from townsquare.agencies.models import AgencyPost
from townsquare.api import agency_serializers, pagination, serializers
from townsquare.api.agency_schemas import FeedPage
from townsquare.api.auth import caller
from townsquare.api.params import SearchText
from townsquare.api.responses import AUTHED, errors
from townsquare.api.schemas import PostPage
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


@router.get("/search", response={200: PostPage, **errors(400, *AUTHED)},
            summary="Search the posts you may see")
def search(request: HttpRequest, q: SearchText, cursor: pagination.Cursor = None,
           limit: pagination.Limit = pagination.DEFAULT_LIMIT) -> dict:
    """Posts whose title or body contains every word of `q` (up to 8 words), newest first."""
    text = selectors.search_terms(q, required=True)
    rows = selectors.search(request.auth, text, cursor=cursor, limit=limit + 1)
    items, next_cursor = pagination.newest_first(rows, limit=limit)
    return pagination.page([serializers.post(p) for p in items], next_cursor)
