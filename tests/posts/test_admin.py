"""Moderation from the admin goes through the posts actions, never by editing fields."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.posts.conftest import fresh
from townsquare.core.models import AuditLog
from townsquare.feeds.models import FeedItem
from townsquare.posts import actions
from townsquare.posts.models import Post, Report

POSTS = reverse("admin:posts_post_changelist")
REPORTS = reverse("admin:posts_report_changelist")


@pytest.fixture
def operator_client(roles) -> Client:
    client = Client()
    client.force_login(roles["operator"])
    return client


def test_hide_and_unhide_selected_posts(roles, operator_client):
    post = factories.make_post(roles["neighbor"], body="Spam")
    report = actions.report_content(roles["lead"], post, reason="spam")

    operator_client.post(POSTS, {"action": "hide_selected", "_selected_action": [post.pk]})

    assert fresh(post).hidden_by == roles["operator"]
    assert FeedItem.objects.count() == 0
    report.refresh_from_db()
    assert report.resolution == "hidden"
    assert AuditLog.objects.filter(action="posts.hide_post", actor=roles["operator"]).count() == 1

    operator_client.post(POSTS, {"action": "unhide_selected", "_selected_action": [post.pk]})

    assert fresh(post).hidden_at is None
    assert FeedItem.objects.filter(post=post).count() == 1


def test_post_fields_cannot_be_edited_in_the_admin(roles, operator_client):
    post = factories.make_post(roles["neighbor"], body="Original")
    change = reverse("admin:posts_post_change", args=[post.pk])

    operator_client.post(change, {"body": "Edited by someone else", "hidden_at": "2025-01-01"})

    assert (fresh(post).body, fresh(post).hidden_at) == ("Original", None)
    assert operator_client.post(reverse("admin:posts_post_delete", args=[post.pk]),
                                {"post": "yes"}).status_code == 403
    assert Post.objects.count() == 1


def test_reports_are_dismissed_or_acted_on_through_the_actions(roles, operator_client):
    kept = factories.make_post(roles["neighbor"], body="Fine post")
    bad = factories.make_post(roles["lead"], body="Bad post")
    dismissed = actions.report_content(roles["neighbor"], bad, reason="other")
    dismissed_too = actions.report_content(roles["lead"], kept, reason="other")
    acted_on = actions.report_content(roles["nearby"], factories.make_post(
        roles["nearby"], body="Birch spam"), reason="spam")

    operator_client.post(REPORTS, {"action": "dismiss_selected",
                                   "_selected_action": [dismissed.pk, dismissed_too.pk]})
    operator_client.post(REPORTS, {"action": "hide_reported",
                                   "_selected_action": [acted_on.pk]})

    resolutions = dict(Report.objects.values_list("pk", "resolution"))
    assert resolutions == {dismissed.pk: "dismissed", dismissed_too.pk: "dismissed",
                           acted_on.pk: "hidden"}
    assert fresh(kept).hidden_at is None and fresh(bad).hidden_at is None
    assert acted_on.post.hidden_at is None and fresh(acted_on.post).hidden_at is not None
