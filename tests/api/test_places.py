"""Cities, neighborhoods and locating a point: public endpoints."""

from __future__ import annotations

import pytest

from tests import factories
from tests.api.conftest import error_of


def test_city_neighborhoods_lists_every_neighborhood_by_name(anon, city):
    response = anon.get("/cities/testville/neighborhoods")

    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    assert [n["slug"] for n in body["items"]] == [t.lower() for t in factories.TREES]
    assert body["items"][0] == {
        "slug": "alder", "name": "Alder", "launched": False, "verified_members": 0,
    }


def test_city_neighborhoods_counts_verified_members(anon, roles):
    # roles: neighbor and lead are verified in Alder, unverified is not.
    items = anon.get("/cities/testville/neighborhoods").json()["items"]

    counts = {n["slug"]: n["verified_members"] for n in items}
    assert counts == {"alder": 2, "birch": 1, "cedar": 0, "dogwood": 0, "elm": 0, "fir": 0,
                      "ginkgo": 0, "hazel": 0, "ironwood": 1}


def test_city_neighborhoods_pages_by_name(anon, city):
    first = anon.get("/cities/testville/neighborhoods", limit=4).json()
    second = anon.get("/cities/testville/neighborhoods", limit=4, cursor=first["next"]).json()
    third = anon.get("/cities/testville/neighborhoods", limit=4, cursor=second["next"]).json()

    slugs = [n["slug"] for page in (first, second, third) for n in page["items"]]
    assert slugs == [t.lower() for t in factories.TREES]
    assert [len(first["items"]), len(second["items"]), len(third["items"])] == [4, 4, 1]
    assert third["next"] is None


def test_unknown_city_is_404(anon, city):
    response = anon.get("/cities/atlantis/neighborhoods")

    assert response.status_code == 404
    assert error_of(response) == {"error": "not_found", "detail": "No such city."}


@pytest.mark.parametrize("cursor", ["garbage", "bm90LWEtY3Vyc29y", "W10"])
def test_city_neighborhoods_wrong_cursor_is_400(anon, city, cursor):
    response = anon.get("/cities/testville/neighborhoods", cursor=cursor)

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"cursor": ["Not a cursor."]}


def test_locate_finds_the_neighborhood(anon, city):
    lat, lon = factories.center_of(factories.nbhd(city, "Elm"))

    response = anon.get("/locate", lat=lat, lon=lon)

    assert response.status_code == 200
    assert response.json() == {"city": "testville",
                                "neighborhood": {"slug": "elm", "name": "Elm"}}


def test_locate_outside_every_neighborhood_is_404(anon, city):
    response = anon.get("/locate", lat=0, lon=0)

    assert response.status_code == 404
    assert error_of(response)["error"] == "not_found"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"lon": "-121.49"}, "lat"),
        ({"lat": "38.59"}, "lon"),
        ({"lat": "91", "lon": "-121.49"}, "lat"),
        ({"lat": "38.59", "lon": "-181"}, "lon"),
        ({"lat": "nan", "lon": "-121.49"}, "lat"),
        ({"lat": "38.59", "lon": "inf"}, "lon"),
        ({"lat": "north", "lon": "-121.49"}, "lat"),
    ],
)
def test_locate_missing_or_impossible_coordinates_is_400(anon, city, query, field):
    response = anon.get("/locate", **query)

    assert response.status_code == 400
    body = error_of(response)
    assert body["error"] == "invalid"
    assert list(body["fields"]) == [field]


def test_neighborhood_page_is_public(anon, roles):
    response = anon.get("/neighborhoods/testville/alder")

    assert response.status_code == 200
    body = response.json()
    assert {k: v for k, v in body.items() if k != "boundary"} == {
        "slug": "alder", "name": "Alder", "city": "testville", "launched": False,
        "verified_members": 2, "nearby": ["birch", "dogwood", "elm"],
    }
    assert body["boundary"]["type"] == "MultiPolygon"
    ring = body["boundary"]["coordinates"][0][0]
    assert len(ring) == 5 and ring[0] == ring[-1]
    lons, lats = {round(p[0], 6) for p in ring}, {round(p[1], 6) for p in ring}
    assert lons == {-121.5, -121.49} and lats == {38.59, 38.6}


@pytest.mark.parametrize("path", ["/neighborhoods/testville/atlantis",
                                  "/neighborhoods/nowhere/alder"])
def test_unknown_neighborhood_is_404(anon, city, path):
    response = anon.get(path)

    assert response.status_code == 404
    assert error_of(response)["error"] == "not_found"
