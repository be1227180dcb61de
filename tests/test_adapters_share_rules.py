"""The pages and the API share each rule (issue 8): the named policy predicates the views and
the actions both ask, and the text cleaning of notes and search terms in the actions and
selectors rather than in one adapter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.agencies.factories import publish
from tests.api.conftest import as_user
from townsquare import policy
from townsquare.agencies import actions as agency_actions
from townsquare.core.models import AuditLog
from townsquare.posts import actions as posts
from townsquare.posts import selectors as posts_selectors
from townsquare.posts.models import Post


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _fresh(user):
    """The same account without the policy's per-user cache (a new request's user)."""
    return type(user).objects.get(pk=user.pk)


# --- posts ----------------------------------------------------------------------------------
def test_thank_and_report_predicates(roles):
    post = factories.make_post(roles["neighbor"], body="Ladder to lend")
    ask = {role: (policy.can_thank(_fresh(user), post) if user else
                  policy.can_thank(None, post),
                  policy.can_report(_fresh(user) if user else None, post))
           for role, user in roles.items()}

    assert ask == {"anonymous": (False, False), "unverified": (False, False),
                   "neighbor": (True, True), "nearby": (False, False),
                   "stranger": (False, False), "lead": (True, True),
                   "operator": (False, False)}
    posts.hide_post(roles["lead"], post)
    post.refresh_from_db()
    # Hidden: its author may still see (and report) it; nobody thanks a hidden post.
    assert (policy.can_thank(_fresh(roles["neighbor"]), post),
            policy.can_report(_fresh(roles["neighbor"]), post)) == (False, True)


def test_the_post_page_offers_what_the_predicates_allow(roles):
    post = factories.make_post(roles["neighbor"], body="Ladder to lend")
    url = reverse("web:post", args=[post.pk])

    as_lead = _client(roles["lead"]).get(url).context
    as_operator = _client(roles["operator"]).get(url).context

    assert (as_lead["can_thank"], as_lead["report_form"] is not None) == (True, True)
    assert (as_operator["can_thank"], as_operator["report_form"]) == (False, None)


# --- notes and search terms: cleaned where both adapters pass -------------------------------
def test_a_moderation_note_is_cleaned_by_the_action_for_the_pages_too(roles):
    """The API answered 400 to a note over 500 characters while the page cut it silently:
    the action's rule now holds for both."""
    post = factories.make_post(roles["neighbor"], body="Ladder to lend")
    url = reverse("web:post_hide", args=[post.pk])

    too_long = _client(roles["lead"]).post(url, {"note": "x" * 501})
    api = as_user(roles["lead"]).post(f"/posts/{post.pk}/hide", {"note": "x" * 501})

    assert (too_long.status_code, api.status_code) == (400, 400)
    assert Post.objects.get(pk=post.pk).hidden_at is None
    ok = _client(roles["lead"]).post(url, {"note": "  spam\u202e \x07 "})
    assert ok.status_code == 302
    assert AuditLog.objects.get(action="posts.hide_post").data["note"] == "spam"


def test_search_terms_are_cleaned_by_the_selector_for_the_pages_and_the_api(roles):
    found = factories.make_post(roles["neighbor"], body="Ladder to lend")
    typed = "lad\u202eder"  # a bidi override inside the word: scrubbed, not searched for

    page = _client(roles["neighbor"]).get(reverse("web:search"), {"q": typed})
    api = as_user(roles["neighbor"]).get("/search", q=typed)

    assert [p.pk for p in page.context["results"]] == [found.pk]
    assert page.context["query"] == "ladder"
    assert [p["id"] for p in api.json()["items"]] == [found.pk]
    assert posts_selectors.search_terms("  a\x07b ") == "ab"


# --- agency posts -----------------------------------------------------------------------------
@pytest.fixture
def alder_post(agency_roles, police):
    return publish(agency_roles["publisher"], police, neighborhoods=["alder"])


def test_agency_post_predicates_follow_its_state(agency_roles, police, alder_post):
    publisher, tips = agency_roles["publisher"], agency_roles["tips"]
    operator = agency_roles["operator"]

    assert [policy.can_edit_agency_post(_fresh(u), alder_post)
            for u in (publisher, tips, operator)] == [True, False, False]
    assert [policy.can_withdraw_agency_post(_fresh(u), alder_post)
            for u in (publisher, tips, operator)] == [True, False, True]
    agency_actions.withdraw_agency_post(publisher, alder_post)
    alder_post.refresh_from_db()
    assert [policy.can_edit_agency_post(_fresh(publisher), alder_post),
            policy.can_withdraw_agency_post(_fresh(publisher), alder_post),
            policy.can_withdraw_agency_post(_fresh(operator), alder_post)] == [False] * 3


def test_agency_reply_deletion_and_thanks_predicates(agency_roles, alder_post):
    inside, outside = agency_roles["resident_in"], agency_roles["resident_out"]
    reply = agency_actions.reply_to_agency_post(inside, alder_post, body="I saw it")

    assert [policy.can_delete_agency_reply(_fresh(u), reply)
            for u in (inside, outside, agency_roles["tips"], agency_roles["operator"])] == [
        True, False, False, False]
    assert [policy.can_thank_agency_post(_fresh(u), alder_post)
            for u in (inside, outside, agency_roles["publisher"])] == [True, False, False]
    agency_actions.delete_agency_reply(inside, reply)
    reply.refresh_from_db()
    assert policy.can_delete_agency_reply(_fresh(inside), reply) is False


def test_inbox_predicates(agency_roles, police, alder_post):
    scheduled = publish(agency_roles["publisher"], police, neighborhoods=["alder"],
                        publish_at=timezone.now() + dt.timedelta(days=1))
    people = {role: _fresh(u) if u else None for role, u in agency_roles.items()}

    assert {role: policy.has_inbox(u) for role, u in people.items()} == {
        "anonymous": False, "unverified": False, "resident_in": True, "resident_out": True,
        "admin": True, "publisher": True, "tips": True, "other_staff": True,
        "operator": False}
    assert {role: (policy.is_in_inbox(u, alder_post), policy.is_in_inbox(u, scheduled))
            for role, u in people.items() if u is not None} == {
        "unverified": (False, False), "resident_in": (True, False),
        "resident_out": (False, False), "admin": (True, False), "publisher": (True, False),
        "tips": (True, False), "other_staff": (False, False), "operator": (False, False)}


def test_prime_fills_the_per_user_cache_so_no_query_is_needed(roles, django_assert_num_queries):
    neighbor = _fresh(roles["neighbor"])
    resident = type(neighbor).objects.get(pk=neighbor.pk).resident

    policy.prime(neighbor, resident=resident, agency_staff=None)

    with django_assert_num_queries(0):
        assert policy.resident_of(neighbor) is resident
        assert policy.agency_staff_of(neighbor) is None
        assert policy.has_inbox(neighbor) is True
