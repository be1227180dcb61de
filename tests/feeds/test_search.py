"""Search over resident and agency posts: who finds what, the filters, the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests import factories
from tests.agencies.factories import publish
from tests.api.conftest import as_user
from townsquare.feeds import selectors
from townsquare.posts.models import Post

GRAFFITI = "Graffiti on the underpass"


@pytest.fixture
def world(agency_roles, police, city):
    alder = factories.nbhd(city, "Alder")
    request = publish(agency_roles["publisher"], police, title=GRAFFITI,
                      body="Seen anyone tagging the Alder underpass? Tell us.",
                      neighborhoods=[alder.slug])
    practice = publish(agency_roles["publisher"], police, title="Graffiti drill",
                       body="Practice.", neighborhoods=[alder.slug], practice=True)
    neighbor = factories.make_resident(alder, name="Gina Graffiti-Hater")
    post = factories.make_post(neighbor, title="Graffiti again", body="On the fence.",
                               category="crime_safety")
    tools = factories.make_post(neighbor, title="Graffiti remover to lend", body="Free.",
                                category="for_sale_free")
    return {"request": request, "practice": practice, "post": post, "tools": tools,
            "neighbor": neighbor, **agency_roles}


def _api_ids(user, **query):
    response = as_user(user).get("/search", **query)
    assert response.status_code == 200, response.content
    return [(item["type"], item["id"]) for item in response.json()["items"]]


def test_a_resident_finds_the_agency_request_and_the_posts_newest_first(world):
    assert _api_ids(world["resident_in"], q="graffiti") == [
        ("resident", world["tools"].pk), ("resident", world["post"].pk),
        ("agency", world["request"].pk)]


def test_residents_elsewhere_find_nothing_and_staff_find_only_their_agency_posts(world):
    assert _api_ids(world["resident_out"], q="graffiti") == []
    assert _api_ids(world["unverified"], q="graffiti") == []
    # Staff see their own agency's posts (practice ones included), never residents' posts.
    assert _api_ids(world["publisher"], q="graffiti") == [
        ("agency", world["practice"].pk), ("agency", world["request"].pk)]
    assert _api_ids(world["other_staff"], q="graffiti") == []
    # Operators read resident posts, as before.
    assert _api_ids(world["operator"], q="graffiti") == [
        ("resident", world["tools"].pk), ("resident", world["post"].pk)]


def test_the_category_filter(world):
    resident = world["resident_in"]
    assert _api_ids(resident, q="graffiti", category="agency") == [
        ("agency", world["request"].pk)]
    assert _api_ids(resident, q="graffiti", category="crime_safety") == [
        ("resident", world["post"].pk)]
    response = as_user(resident).get("/search", q="graffiti", category="gossip")
    assert response.status_code == 400
    assert response.json()["fields"] == {"category": ["Choose one of the categories."]}


def test_the_date_filter(world):
    resident = world["resident_in"]
    Post.objects.filter(pk=world["post"].pk).update(
        created_at=timezone.now() - dt.timedelta(days=10))
    today = timezone.localdate()
    assert _api_ids(resident, q="graffiti", **{"from": today.isoformat()}) == [
        ("resident", world["tools"].pk), ("agency", world["request"].pk)]
    earlier = (today - dt.timedelta(days=10)).isoformat()
    assert _api_ids(resident, q="graffiti", **{"from": earlier, "to": earlier}) == [
        ("resident", world["post"].pk)]
    bad = as_user(resident).get("/search", q="graffiti", to="yesterday")
    assert bad.status_code == 400
    assert bad.json()["fields"] == {"to": ["Use a date such as 2026-03-01."]}
    backwards = as_user(resident).get("/search", q="graffiti", **{"from": today.isoformat(),
                                                                  "to": earlier})
    assert backwards.status_code == 400


def test_pages_continue_across_both_kinds(world):
    resident = world["resident_in"]
    first = as_user(resident).get("/search", q="graffiti", limit=2).json()
    assert [(i["type"], i["id"]) for i in first["items"]] == [
        ("resident", world["tools"].pk), ("resident", world["post"].pk)]
    second = as_user(resident).get("/search", q="graffiti", limit=2,
                                   cursor=first["next"]).json()
    assert [(i["type"], i["id"]) for i in second["items"]] == [
        ("agency", world["request"].pk)]
    assert second["next"] is None


def test_the_search_page_shows_the_agency_request_and_the_filters(world):
    client = Client()
    client.force_login(world["resident_in"])
    html = client.get("/search/", {"q": "graffiti", "category": "agency"}).content.decode()
    assert f'id="agency-post-{world["request"].pk}"' in html
    assert f'id="post-{world["post"].pk}-title"' not in html
    assert 'name="category"' in html and 'name="since"' in html and 'name="until"' in html
    bad = client.get("/search/", {"q": "graffiti", "category": "gossip"})
    assert bad.status_code == 400


def test_search_of_nothing_is_empty(world):
    assert selectors.search(world["resident_in"], "   ").items == []
