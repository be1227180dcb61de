"""The feed: keyset pages (ties on created_at included), nearby sharing, muting, search."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from townsquare import policy
from townsquare.accounts import actions as accounts
from townsquare.core.errors import Invalid, NotFound
from townsquare.feeds import selectors as feeds
from townsquare.feeds.models import FeedItem
from townsquare.posts import actions, selectors
from townsquare.posts.models import Post

T0 = dt.datetime(2025, 5, 1, 12, 0, tzinfo=dt.UTC)


def moment(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def all_pages(user, limit: int) -> tuple[list[int], list[int]]:
    """Every post id of the feed, page by page, and the size of each page."""
    ids, sizes, cursor = [], [], None
    while True:
        page = feeds.feed(user, cursor=cursor, limit=limit)
        ids += [p.pk for p in page.items]
        sizes.append(len(page.items))
        if page.next is None:
            return ids, sizes
        cursor = page.next


def test_pages_cover_every_post_once_in_order_even_with_equal_times(roles, clock):
    # Four posts at minute 5 (one from Birch, shared), so a page ends inside the tie.
    for minutes, author, shared in [
        (0, "neighbor", False), (5, "neighbor", False), (5, "lead", False),
        (5, "nearby", True), (5, "nearby", False), (5, "neighbor", True),
        (9, "lead", False), (12, "neighbor", False), (12, "lead", True),
    ]:
        with clock(moment(minutes)):
            factories.make_post(roles[author], body=f"At {minutes}", share_nearby=shared)
    birch_only = FeedItem.objects.filter(post__author__user=roles["nearby"], share_nearby=False)
    expected = list(FeedItem.objects.exclude(pk__in=birch_only)
                    .order_by("-created_at", "-id").values_list("post_id", flat=True))

    ids, sizes = all_pages(roles["neighbor"], limit=3)

    assert len(expected) == 8
    assert ids == expected
    assert sizes == [3, 3, 2]


def test_feed_items_are_the_stored_posts_with_their_authors_public_labels(roles):
    """The page statement's rows become the posts the ORM would load, field for field; of
    the author, only the public label is loaded, never the private home point or address."""
    shared = actions.create_post(
        roles["nearby"], title="Seen him?", body="Someone trying car doors",
        category="crime_safety", share_nearby=True,
        person={"top": "red hoodie", "bottom": "gray jeans", "shoes": "white sneakers"})
    local = factories.make_post(roles["lead"], body="Block party on Saturday")
    actions.thank_post(roles["neighbor"], local)

    items = feeds.feed(roles["neighbor"]).items

    assert [p.pk for p in items] == [local.pk, shared.pk]
    for item in items:
        stored = Post.objects.select_related(
            "author__user", "author__neighborhood", "neighborhood").get(pk=item.pk)
        fields = [f.attname for f in Post._meta.concrete_fields]
        assert [getattr(item, f) for f in fields] == [getattr(stored, f) for f in fields]
        assert policy.public_resident_label(item.author) == policy.public_resident_label(
            stored.author)
        assert (item.neighborhood.slug, item.neighborhood.name) == (
            stored.neighborhood.slug, stored.neighborhood.name)
        assert {"home_lat", "home_lon", "home_address"} <= item.author.get_deferred_fields()
    assert items[1].person["top"] == "red hoodie"
    assert items[0].thank_count == 1 and items[0].created_at.tzinfo is not None


def test_a_page_size_larger_than_the_feed_has_no_next(roles):
    post = factories.make_post(roles["neighbor"], body="Only one")

    page = feeds.feed(roles["neighbor"], limit=25)

    assert (page.items, page.next) == ([post], None)


def test_a_garbled_cursor_is_invalid(roles):
    with pytest.raises(Invalid):
        feeds.feed(roles["neighbor"], cursor="not-a-cursor")


def test_shared_posts_reach_nearby_neighborhoods_only(roles):
    shared = factories.make_post(roles["neighbor"], body="Shared", share_nearby=True)
    local = factories.make_post(roles["neighbor"], body="Local")

    assert [p.pk for p in feeds.feed(roles["nearby"]).items] == [shared.pk]
    assert selectors.get_post(roles["nearby"], shared.pk) == shared
    with pytest.raises(NotFound):
        selectors.get_post(roles["nearby"], local.pk)
    assert feeds.feed(roles["stranger"]).items == []  # Ironwood does not touch Alder
    assert [p.pk for p in feeds.feed(roles["lead"]).items] == [local.pk, shared.pk]


def test_muting_a_nearby_neighborhood_keeps_its_posts_out_of_the_feed(roles, city):
    shared = factories.make_post(roles["neighbor"], body="Shared", share_nearby=True)
    own = factories.make_post(roles["nearby"], body="Birch news")
    alder = factories.nbhd(city, "Alder")

    accounts.set_muted_nearby(roles["nearby"], [alder.pk])

    assert [p.pk for p in feeds.feed(roles["nearby"]).items] == [own.pk]
    # Muting tidies the feed; it is not a block: the post is still reachable by its link.
    assert selectors.get_post(roles["nearby"], shared.pk) == shared


def test_only_nearby_neighborhoods_can_be_muted(roles, city):
    with pytest.raises(Invalid):
        accounts.set_muted_nearby(roles["nearby"], [factories.nbhd(city, "Ironwood").pk])


@pytest.mark.parametrize("role", ["unverified", "operator", "anonymous"])
def test_no_resident_feed_without_a_verified_home(roles, role):
    factories.make_post(roles["neighbor"], body="Hello")

    page = feeds.feed(roles[role])

    assert (page.items, page.next) == ([], None)


def test_search_returns_only_posts_the_caller_may_see(roles, city):
    visible = factories.make_post(roles["lead"], body="Borrow a ladder?")
    shared = factories.make_post(roles["nearby"], title="Ladder for sale", body="Cheap",
                                 share_nearby=True)
    factories.make_post(roles["nearby"], body="Our LADDER club")  # Birch, not shared
    factories.make_post(roles["stranger"], body="ladder", share_nearby=True)  # Ironwood
    hidden = factories.make_post(roles["lead"], body="ladder spam")
    actions.hide_post(roles["operator"], hidden)
    deleted = factories.make_post(roles["neighbor"], body="ladder gone")
    actions.delete_post(roles["neighbor"], deleted)

    assert [p.pk for p in selectors.search(roles["neighbor"], "ladder")] == [
        shared.pk, visible.pk]
    assert [p.pk for p in selectors.search(roles["lead"], "LADDER")] == [
        hidden.pk, shared.pk, visible.pk]  # its author still finds the hidden post
    assert [p.pk for p in selectors.search(roles["neighbor"], "borrow ladder")] == [visible.pk]
    assert selectors.search(roles["unverified"], "ladder") == []
    assert selectors.search(roles["anonymous"], "ladder") == []
    assert selectors.search(roles["neighbor"], "   ") == []
