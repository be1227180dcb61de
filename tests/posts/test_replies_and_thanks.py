"""Replies and thanks: who may, and the counts they keep."""

from __future__ import annotations

import pytest

from tests import factories
from tests.posts.conftest import fresh
from townsquare.core.errors import Forbidden, Invalid, NotFound
from townsquare.posts import actions, selectors
from townsquare.posts.models import Reply


@pytest.fixture
def post(roles):
    return factories.make_post(roles["neighbor"], body="Lost keys near the park",
                               category="lost_found")


@pytest.fixture
def shared(roles):
    return factories.make_post(roles["neighbor"], body="Block party!", category="events",
                               share_nearby=True)


def test_neighbors_reply_and_the_count_follows(roles, post):
    first = actions.create_reply(roles["lead"], post, body="Found a set by the swings")
    actions.create_reply(roles["neighbor"], post, body="Thanks, on my way")

    assert fresh(post).reply_count == 2
    assert [r.body for r in selectors.replies(roles["neighbor"], post)] == [
        "Found a set by the swings", "Thanks, on my way"]

    actions.delete_reply(roles["lead"], first)

    assert fresh(post).reply_count == 1
    assert [r.body for r in selectors.replies(roles["neighbor"], post)] == ["Thanks, on my way"]


def test_nearby_residents_reply_to_shared_posts_only(roles, post, shared):
    reply = actions.create_reply(roles["nearby"], shared, body="We'll come over")

    assert reply.author.neighborhood.name == "Birch"
    with pytest.raises(NotFound):
        actions.create_reply(roles["nearby"], post, body="Not shared with me")
    assert Reply.objects.count() == 1


@pytest.mark.parametrize("role", ["stranger", "unverified", "anonymous"])
def test_those_who_cannot_see_cannot_reply(roles, post, role):
    with pytest.raises(NotFound):
        actions.create_reply(roles[role], post, body="Hi")
    assert fresh(post).reply_count == 0


def test_no_replies_to_a_hidden_post_even_by_its_author(roles, post):
    actions.hide_post(roles["lead"], post)

    with pytest.raises(Forbidden):
        actions.create_reply(roles["neighbor"], fresh(post), body="Why?")


def test_an_empty_reply_is_refused(roles, post):
    with pytest.raises(Invalid):
        actions.create_reply(roles["lead"], post, body="   ")


def test_only_the_author_edits_or_deletes_a_reply(roles, post):
    reply = actions.create_reply(roles["lead"], post, body="Found them")

    actions.update_reply(roles["lead"], reply, body="Found them, at the swings")
    for role in ("neighbor", "operator"):
        with pytest.raises(NotFound):
            actions.update_reply(roles[role], reply, body="Changed")
        with pytest.raises(NotFound):
            actions.delete_reply(roles[role], reply)

    stored = Reply.objects.get(pk=reply.pk)
    assert (stored.body, stored.edited_at is not None, stored.deleted_at) == (
        "Found them, at the swings", True, None)
    assert fresh(post).reply_count == 1


def test_a_hidden_reply_is_seen_by_its_author_and_moderators_only(roles, post):
    reply = actions.create_reply(roles["lead"], post, body="Spam spam")
    other_lead = factories.make_resident(factories.nbhd(post.neighborhood.city, "Alder"),
                                         lead=True)

    actions.hide_reply(other_lead, reply)

    def sees(role_user) -> bool:
        return [r.pk for r in selectors.replies(role_user, post)] == [reply.pk]

    assert sees(roles["lead"]) and sees(other_lead) and sees(roles["operator"])
    assert selectors.replies(roles["neighbor"], post) == []


def test_thanks_once_per_resident(roles, post):
    assert actions.thank_post(roles["lead"], post) is True
    assert actions.thank_post(roles["lead"], post) is False
    assert fresh(post).thank_count == 1

    assert actions.unthank_post(roles["lead"], post) is True
    assert actions.unthank_post(roles["lead"], post) is False
    assert fresh(post).thank_count == 0


@pytest.mark.parametrize("role", ["stranger", "nearby", "unverified", "anonymous"])
def test_those_who_cannot_see_cannot_thank(roles, post, role):
    with pytest.raises(NotFound):
        actions.thank_post(roles[role], post)
    assert fresh(post).thank_count == 0


def test_a_hidden_post_cannot_be_thanked(roles, post):
    actions.hide_post(roles["lead"], post)

    with pytest.raises(Forbidden):
        actions.thank_post(roles["neighbor"], fresh(post))
