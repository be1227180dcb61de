"""Posting and replying are rate-limited per account, with the limits from the settings."""

from __future__ import annotations

import pytest

from tests import factories
from townsquare.core.errors import Invalid, RateLimited
from townsquare.posts import actions
from townsquare.posts.models import Post, Reply


def limit_of(settings, name: str) -> int:
    return int(settings.TOWNSQUARE_RATE_LIMITS[name].split("/")[0])


def test_posting_stops_at_the_limit_for_that_account_only(roles, settings):
    limit = limit_of(settings, "post")
    assert limit == 10
    for n in range(limit):
        actions.create_post(roles["neighbor"], body=f"Post {n}")

    with pytest.raises(RateLimited):
        actions.create_post(roles["neighbor"], body="One too many")

    assert Post.objects.count() == limit
    actions.create_post(roles["lead"], body="Someone else may still post")
    assert Post.objects.count() == limit + 1


def test_refused_posts_do_not_use_up_the_limit(roles, settings):
    for _ in range(limit_of(settings, "post") + 2):
        with pytest.raises(Invalid):
            actions.create_post(roles["neighbor"], body="")

    actions.create_post(roles["neighbor"], body="Finally a real post")

    assert Post.objects.count() == 1


def test_replying_stops_at_the_limit(roles, settings):
    limit = limit_of(settings, "reply")
    assert limit == 60
    post = factories.make_post(roles["neighbor"], body="Talk to me")
    for n in range(limit):
        actions.create_reply(roles["lead"], post, body=f"Reply {n}")

    with pytest.raises(RateLimited):
        actions.create_reply(roles["lead"], post, body="One too many")

    assert Reply.objects.count() == limit
    assert Post.objects.get(pk=post.pk).reply_count == limit


def test_a_lower_configured_limit_is_honoured(roles, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "post": "2/60"}
    actions.create_post(roles["neighbor"], body="One")
    actions.create_post(roles["neighbor"], body="Two")

    with pytest.raises(RateLimited):
        actions.create_post(roles["neighbor"], body="Three")
