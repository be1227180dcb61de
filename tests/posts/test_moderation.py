"""Reports, hiding and unhiding, dismissing: leads for their neighborhood, operators for all."""

from __future__ import annotations

import pytest

from tests import factories
from tests.posts.conftest import fresh
from townsquare.core.errors import Conflict, Invalid, NotFound
from townsquare.core.models import AuditLog
from townsquare.feeds.models import FeedItem
from townsquare.posts import actions, selectors
from townsquare.posts.models import Report


@pytest.fixture
def post(roles):
    return factories.make_post(roles["neighbor"], body="Buy my crypto course", share_nearby=True)


@pytest.fixture
def report(roles, post):
    return actions.report_content(roles["lead"], post, reason="spam", note="An ad")


def test_a_resident_who_sees_a_post_reports_it_once(roles, post):
    report = actions.report_content(roles["nearby"], post, reason="spam")

    assert (report.reporter, report.reason, report.resolved_at) == (roles["nearby"], "spam", None)
    with pytest.raises(Conflict):
        actions.report_content(roles["nearby"], post, reason="harassment")
    assert Report.objects.count() == 1


@pytest.mark.parametrize("role", ["stranger", "unverified", "anonymous"])
def test_those_who_cannot_see_cannot_report(roles, post, role):
    with pytest.raises(NotFound):
        actions.report_content(roles[role], post, reason="spam")
    assert Report.objects.count() == 0


def test_a_report_needs_a_known_reason(roles, post):
    with pytest.raises(Invalid):
        actions.report_content(roles["lead"], post, reason="boring")


def test_the_lead_hides_a_post_and_its_reports_close(roles, post, report):
    actions.hide_post(roles["lead"], post, note="advertising")

    stored = fresh(post)
    assert stored.hidden_at is not None and stored.hidden_by == roles["lead"]
    assert FeedItem.objects.count() == 0
    report.refresh_from_db()
    assert (report.resolution, report.resolved_by) == ("hidden", roles["lead"])
    entry = AuditLog.objects.get(action="posts.hide_post")
    assert entry.data == {"note": "advertising", "reports_closed": 1}


def test_a_hidden_post_is_seen_by_its_author_and_moderators_only(roles, post):
    actions.hide_post(roles["operator"], post)

    for role in ("neighbor", "lead", "operator"):
        assert selectors.get_post(roles[role], post.pk) == post
    other = factories.make_resident(factories.nbhd(post.neighborhood.city, "Alder"))
    for user in (other, roles["nearby"], roles["stranger"]):
        with pytest.raises(NotFound):
            selectors.get_post(user, post.pk)


def test_leads_moderate_only_their_neighborhood(roles, post, report):
    birch_lead = factories.make_resident(factories.nbhd(post.neighborhood.city, "Birch"),
                                         lead=True)

    for user in (birch_lead, roles["neighbor"], roles["nearby"]):
        with pytest.raises(NotFound):
            actions.hide_post(user, post)
        with pytest.raises(NotFound):
            actions.dismiss_report(user, report)

    assert fresh(post).hidden_at is None
    report.refresh_from_db()
    assert report.resolved_at is None


def test_unhide_puts_the_post_back_in_the_feed(roles, post):
    actions.hide_post(roles["lead"], post)

    actions.unhide_post(roles["lead"], fresh(post))

    assert fresh(post).hidden_at is None
    assert list(FeedItem.objects.values_list("post_id", "created_at", "share_nearby")) == [
        (post.pk, post.created_at, True)]
    assert selectors.get_post(roles["nearby"], post.pk) == post


def test_unhiding_a_visible_post_is_not_found(roles, post):
    with pytest.raises(NotFound):
        actions.unhide_post(roles["lead"], post)


def test_dismissing_a_report_leaves_the_post_alone(roles, post, report):
    actions.dismiss_report(roles["lead"], report, note="fine")

    report.refresh_from_db()
    assert (report.resolution, report.resolved_by) == ("dismissed", roles["lead"])
    assert fresh(post).hidden_at is None
    with pytest.raises(NotFound):
        actions.dismiss_report(roles["lead"], report)


def test_the_moderation_queue_holds_open_reports_of_ones_neighborhoods(roles, post, report):
    birch_post = factories.make_post(roles["nearby"], body="Birch stuff")
    birch_report = actions.report_content(roles["nearby"], birch_post, reason="other")

    assert selectors.moderation_queue(roles["lead"]) == [report]
    assert selectors.moderation_queue(roles["operator"]) == [report, birch_report]
    assert selectors.moderation_queue(roles["neighbor"]) == []

    actions.dismiss_report(roles["lead"], report)

    assert selectors.moderation_queue(roles["lead"]) == []
