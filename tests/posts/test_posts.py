"""Creating, editing and deleting posts, with who may do it."""

from __future__ import annotations

import pytest

from tests import factories
from tests.posts.conftest import fresh
from townsquare.core.errors import Forbidden, Invalid, NotFound
from townsquare.core.models import AuditLog
from townsquare.feeds.models import FeedItem
from townsquare.posts import actions, selectors
from townsquare.posts.models import Post


def test_a_verified_resident_posts_to_their_neighborhood(roles):
    post = actions.create_post(roles["neighbor"], title=" Ladder ", body="Anyone have one?",
                               category="recommendations", share_nearby=True)

    assert (post.neighborhood.name, post.title, post.body, post.category) == (
        "Alder", "Ladder", "Anyone have one?", "recommendations")
    assert post.author.user == roles["neighbor"]
    assert list(FeedItem.objects.values_list("post_id", "neighborhood_id", "created_at",
                                             "share_nearby")) == [
        (post.pk, post.neighborhood_id, post.created_at, True)]


@pytest.mark.parametrize("role", ["unverified", "operator", "anonymous"])
def test_only_verified_residents_post(roles, role):
    with pytest.raises(Forbidden):
        actions.create_post(roles[role], body="Hello")
    assert Post.objects.count() == 0


@pytest.mark.parametrize(("fields", "errors"), [
    ({"body": "  "}, {"body": ["This field is required."]}),
    ({"body": "x" * 5001}, {"body": ["At most 5000 characters."]}),
    ({"body": "ok", "title": "t" * 201}, {"title": ["At most 200 characters."]}),
    ({"body": "ok", "category": "gossip"}, {"category": [
        "Choose one of: general, crime_safety, lost_found, recommendations, for_sale_free, "
        "events."]}),
])
def test_bad_posts_are_refused_field_by_field(roles, fields, errors):
    with pytest.raises(Invalid) as raised:
        actions.create_post(roles["neighbor"], **fields)

    assert raised.value.fields == errors
    assert Post.objects.count() == 0


def test_the_author_edits_and_sharing_follows_into_the_feed(roles):
    post = factories.make_post(roles["neighbor"], body="Garage sale", share_nearby=False)

    actions.update_post(roles["neighbor"], post, body="Garage sale moved to Sunday",
                        title="Sale", share_nearby=True)

    stored = fresh(post)
    assert (stored.title, stored.body, stored.share_nearby) == (
        "Sale", "Garage sale moved to Sunday", True)
    assert stored.edited_at is not None
    assert list(FeedItem.objects.values_list("share_nearby", flat=True)) == [True]


@pytest.mark.parametrize("role", ["lead", "operator", "nearby", "unverified"])
def test_nobody_else_edits_a_post(roles, role):
    post = factories.make_post(roles["neighbor"], body="Mine", share_nearby=True)

    with pytest.raises(NotFound):
        actions.update_post(roles[role], post, body="Yours now")

    assert fresh(post).body == "Mine"


def test_the_author_deletes_and_the_post_is_gone_for_everyone(roles):
    post = factories.make_post(roles["neighbor"], body="Oops")

    actions.delete_post(roles["neighbor"], post)

    assert fresh(post).deleted_at is not None
    assert FeedItem.objects.count() == 0
    for role in ("neighbor", "lead", "operator"):
        with pytest.raises(NotFound):
            selectors.get_post(roles[role], post.pk)
    assert AuditLog.objects.filter(action="posts.delete_post", target_id=str(post.pk)).count() == 1


@pytest.mark.parametrize("role", ["lead", "operator", "nearby"])
def test_nobody_else_deletes_a_post(roles, role):
    post = factories.make_post(roles["neighbor"], body="Mine")

    with pytest.raises(NotFound):
        actions.delete_post(roles[role], post)

    assert fresh(post).deleted_at is None
    assert FeedItem.objects.count() == 1


def test_a_post_is_seen_by_its_neighborhood_and_operators_only(roles):
    post = factories.make_post(roles["neighbor"], body="Local news")

    for role in ("neighbor", "lead", "operator"):
        assert selectors.get_post(roles[role], post.pk) == post
    for role in ("nearby", "stranger", "unverified", "anonymous"):
        with pytest.raises(NotFound):
            selectors.get_post(roles[role], post.pk)
