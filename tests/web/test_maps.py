"""The maps' GeoJSON: each page with a map embeds its neighborhoods for the slippy map."""

from __future__ import annotations

import html
import json
import re

import pytest

from tests import factories
from townsquare.web import maps

pytestmark = pytest.mark.django_db


def _geojson(page: str) -> dict:
    found = re.findall(r'<div class="slippy" data-slippy-map data-geojson="([^"]*)"', page)
    assert len(found) == 1
    return json.loads(html.unescape(found[0]))


def test_a_neighborhood_page_embeds_it_and_its_neighbors_as_geojson(client):
    city = factories.make_city()
    response = client.get(f"/n/{city.slug}/alder/")
    assert response.status_code == 200
    data = _geojson(response.content.decode())
    assert data["tiles"] == "" and data["attribution"] == ""
    features = data["features"]["features"]
    assert [(f["properties"]["name"], f["properties"]["current"]) for f in features] == [
        ("Birch", False), ("Dogwood", False), ("Elm", False), ("Alder", True)]
    alder = features[-1]
    assert alder["properties"]["url"] == f"/n/{city.slug}/alder/"
    assert alder["geometry"] == {"type": "MultiPolygon", "coordinates": [[[
        [-121.5, 38.59], [-121.49, 38.59], [-121.49, 38.6], [-121.5, 38.6], [-121.5, 38.59]]]]}


def test_the_home_page_embeds_the_city_and_the_configured_tiles(client, settings):
    settings.TOWNSQUARE_MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.TOWNSQUARE_MAP_TILES_ATTRIBUTION = "© Example tiles"
    factories.make_city()
    data = _geojson(client.get("/").content.decode())
    assert data["tiles"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert data["attribution"] == "© Example tiles"
    assert [f["properties"]["name"] for f in data["features"]["features"]] == factories.TREES


def test_geometries_are_simplified_and_rounded():
    city = factories.make_city()
    geometry = maps.geojson_geometry(factories.nbhd(city, "Ironwood"))
    assert geometry == {"type": "MultiPolygon", "coordinates": [[[
        [-121.48, 38.57], [-121.47, 38.57], [-121.47, 38.58], [-121.48, 38.58],
        [-121.48, 38.57]]]]}


def _with_addresses():
    import io

    from townsquare.places import actions as places

    city = factories.make_city()
    places.import_addresses(city, io.StringIO(
        "address,latitude,longitude\n4321 Quail Run,38.5951,-121.4952\n"
        "18 Birch Row,38.5949,-121.4851\n1 Far Away Rd,38.0,-121.0\n"))
    return city


def test_the_home_page_finds_the_neighborhood_of_an_address(client):
    city = _with_addresses()
    page = client.get("/", {"address": "4321 quail run"}).content.decode()
    assert (f'4321 Quail Run is in <a href="/n/{city.slug}/alder/">Alder</a>, Testville.'
            in page)
    assert "This neighborhood has not launched yet." in page
    assert 'href="/signup/">Join Alder</a>' in page


def test_the_home_page_says_when_an_address_is_unknown_or_outside(client):
    _with_addresses()
    page = client.get("/", {"address": "99 Nowhere St"}).content.decode()
    assert "No address like that was found." in page
    page = client.get("/", {"address": "1 Far Away Rd"}).content.decode()
    assert "1 Far Away Rd is in Testville, but in none of its neighborhoods." in page
    assert "find-result" not in client.get("/").content.decode()
