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
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.core import cursors
from townsquare.core.errors import Invalid
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


def _post_model() -> Any:
    return FeedItem._meta.get_field("post").related_model  # posts.Post


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


# --- Search: resident and agency posts alike ---------------------------------------------
AGENCY_CATEGORY = "agency"  # the search filter that keeps agency posts only
SEARCH_WORDS = 8


def search_categories() -> list[tuple[str, str]]:
    """The categories search filters by: the resident post categories, then agency posts."""
    choices = _post_model()._meta.get_field("category").choices
    return [*((str(value), str(label)) for value, label in choices),
            (AGENCY_CATEGORY, _("From public agencies"))]


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def search(user: Any, text: str, *, category: str = "", since: dt.date | None = None,
           until: dt.date | None = None, cursor: str | None = None,
           limit: int = 50) -> Page:
    """The posts `user` may see whose title or body contains every word of `text` (already
    cleaned by posts.selectors.search_terms; up to SEARCH_WORDS words), newest first: the
    resident posts policy lets them read, and the agency posts they may see (for a resident,
    those out in their neighborhood's feed, not expired; for agency staff, their own
    agency's posts that are out and not withdrawn). `category` keeps one resident category,
    or agency posts only (AGENCY_CATEGORY); `since`/`until` are days, both included.

    Each kind is read with `limit + 1` rows at most and the two are merged by time (a
    resident post by its creation, an agency post by its publication); `cursor` is the
    (time, id) of the last item of the previous page.
    """
    words = text.split()[:SEARCH_WORDS]
    if category and category not in {value for value, _label in search_categories()}:
        raise Invalid(_("Not a category."), {"category": [_("Choose one of the categories.")]})
    if since is not None and until is not None and until < since:
        raise Invalid(_("The end date is before the start date."),
                      {"to": [_("Choose a day on or after the start date.")]})
    if not words:
        return Page([], None)
    after = cursors.decode(cursor) if cursor else None
    rows: list[Any] = []
    if category != AGENCY_CATEGORY:
        rows += _search_resident_posts(user, words, category, since, until, after, limit + 1)
    if category in ("", AGENCY_CATEGORY):
        rows += _search_agency_posts(user, words, since, until, after, limit + 1)
    rows.sort(key=_search_key, reverse=True)
    page = rows[:limit]
    more = len(rows) > limit and page
    return Page(page, cursors.encode(*_search_key(page[-1])) if more else None)


def _search_key(item: Any) -> tuple[dt.datetime, int]:
    return (item.publish_at if hasattr(item, "publish_at") else item.created_at), item.pk


def _text_q(words: list[str]) -> Q:
    q = Q()
    for word in words:
        q &= Q(title__icontains=word) | Q(body__icontains=word)
    return q


def _window_q(field: str, since: dt.date | None, until: dt.date | None,
              after: tuple[dt.datetime, int] | None) -> Q:
    q = Q()
    if since is not None:
        q &= Q(**{f"{field}__gte": _day_start(since)})
    if until is not None:
        q &= Q(**{f"{field}__lt": _day_start(until + dt.timedelta(days=1))})
    if after is not None:
        q &= Q(**{f"{field}__lt": after[0]}) | Q(**{field: after[0], "pk__lt": after[1]})
    return q


def _search_resident_posts(user: Any, words: list[str], category: str,
                           since: dt.date | None, until: dt.date | None,
                           after: tuple[dt.datetime, int] | None, limit: int) -> list[Any]:
    qs = _post_model().objects.filter(policy.visible_posts_q(user), _text_q(words),
                                      _window_q("created_at", since, until, after))
    if category:
        qs = qs.filter(category=category)
    return list(qs.select_related("author__user", "author__neighborhood", "neighborhood")
                .order_by("-created_at", "-id")[:limit])


def _search_agency_posts(user: Any, words: list[str], since: dt.date | None,
                         until: dt.date | None, after: tuple[dt.datetime, int] | None,
                         limit: int) -> list[Any]:
    model = _agency_post_model()
    now = timezone.now()
    staff = policy.agency_staff_of(user)
    resident = policy.verified_resident_of(user)
    if staff is not None:
        qs = model.objects.filter(agency_id=staff.agency_id, publish_at__lte=now).exclude(
            status=model.Status.WITHDRAWN)
    elif resident is not None:
        # The rows of the resident's own neighborhood: one per post, so no duplicates.
        qs = model.objects.filter(
            Q(feed_items__expires_at__isnull=True) | Q(feed_items__expires_at__gt=now),
            feed_items__neighborhood_id=resident.neighborhood_id,
            feed_items__created_at__lte=now, practice=False)
    else:
        return []
    qs = qs.filter(_text_q(words), _window_q("publish_at", since, until, after))
    return list(qs.select_related(*AGENCY_POST_RELATED).order_by("-publish_at", "-pk")[:limit])
