"""GET /api/v1/cities/{city}/coverage: the contract's fields, exactly, plus the additive ones."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.coverage.helpers import import_counts, launch

pytestmark = pytest.mark.django_db


@pytest.fixture
def threshold(settings):
    settings.TOWNSQUARE_LAUNCH_THRESHOLD = 2
    return 2


def test_a_city_with_nothing_launched(anon, city):
    body = anon.get("/cities/testville/coverage").json()

    assert {k: body[k] for k in ("neighborhoods", "launched", "share_launched")} == {
        "neighborhoods": 9, "launched": 0, "share_launched": 0.0}
    assert body["items"][0] == {"slug": "alder", "launched": False, "verified_members": 0,
                                "households": None}
    assert [item["slug"] for item in body["items"]] == [
        "alder", "birch", "cedar", "dogwood", "elm", "fir", "ginkgo", "hazel", "ironwood"]
    assert (body["households"], body["households_reached"], body["share_households"]) == (
        None, None, None)
    assert body["projection"] == {"status": "not_enough_history", "remaining": 9,
                                  "launches": 0, "rate_per_day": None, "rate_ci": None,
                                  "date": None, "date_range": None}


def test_launches_members_and_households(anon, city, threshold):
    launch(city, "Alder", 2)
    launch(city, "Birch", 3)
    launch(city, "Cedar", 1)  # one short
    import_counts(city, "neighborhood,households\nalder,100\nCedar,300\n")

    body = anon.get("/cities/testville/coverage").json()

    assert {k: v for k, v in body.items() if k not in ("items", "projection")} == {
        "neighborhoods": 9, "launched": 2, "share_launched": 2 / 9,
        "households": 400, "households_reached": 100, "share_households": 0.25}
    assert body["items"][:4] == [
        {"slug": "alder", "launched": True, "verified_members": 2, "households": 100},
        {"slug": "birch", "launched": True, "verified_members": 3, "households": None},
        {"slug": "cedar", "launched": False, "verified_members": 1, "households": 300},
        {"slug": "dogwood", "launched": False, "verified_members": 0, "households": None},
    ]
    # Every item has exactly the contract's keys, and households.
    assert {frozenset(item) for item in body["items"]} == {
        frozenset({"slug", "launched", "verified_members", "households"})}
    assert body["projection"]["status"] == "not_enough_history"
    assert body["projection"]["launches"] == 2


def test_the_projection_with_enough_history(anon, city, threshold):
    today = dt.datetime.now(dt.UTC)
    for name, days_ago in (("Alder", 90), ("Birch", 60), ("Cedar", 30), ("Dogwood", 0)):
        launch(city, name, 2, today - dt.timedelta(days=days_ago))

    projection = anon.get("/cities/testville/coverage").json()["projection"]

    # 3 launches after the first in 90 days: 1 every 30 days; 5 to go: 150 days.
    assert projection["status"] == "projected"
    assert (projection["remaining"], projection["launches"]) == (5, 4)
    assert projection["rate_per_day"] == pytest.approx(3 / 90, rel=1e-4)
    expected = (today + dt.timedelta(days=150)).date()
    assert dt.date.fromisoformat(projection["date"]) in (expected, expected +
                                                         dt.timedelta(days=1))
    lo, hi = (dt.date.fromisoformat(d) for d in projection["date_range"])
    assert lo < dt.date.fromisoformat(projection["date"]) < hi


def test_unknown_city(anon, db):
    response = anon.get("/cities/nowhere/coverage")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_query_count_does_not_grow_with_the_city(anon, city, django_assert_max_num_queries):
    factories.make_city("Othertown")
    with django_assert_max_num_queries(3):
        assert anon.get("/cities/othertown/coverage").status_code == 200
