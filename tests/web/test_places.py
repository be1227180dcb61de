"""The home page (cities, maps, coverage) and the public neighborhood pages."""

from __future__ import annotations

import re

from django.test import Client

from tests import factories
from townsquare.places import actions as places


def _launch(nbhd, threshold: int) -> None:
    for _ in range(threshold):
        factories.make_resident(nbhd)


def test_home_shows_each_city_with_map_coverage_and_list(roles, settings):
    settings.TOWNSQUARE_LAUNCH_THRESHOLD = 2
    city = roles["neighbor"].resident.neighborhood.city
    _launch(factories.nbhd(city, "Elm"), 2)
    _launch(factories.nbhd(city, "Hazel"), 2)
    places.import_neighborhoods("Othertown", factories.grid_geojson(["North", "South"], 1))
    html = Client().get("/").content.decode()
    assert "<strong>2 of 9</strong> neighborhoods launched." in html
    assert "<strong>0 of 2</strong> neighborhoods launched." in html
    # The Testville map: one link per neighborhood, the launched ones striped.
    # Cities are in name order: Othertown, then Testville.
    assert html.index('id="city-othertown"') < html.index('id="city-testville"')
    testville = html[html.index('id="city-testville"'):]
    links = re.findall(r'<a href="(/n/testville/[a-z-]+/)" tabindex="-1">', testville)
    assert len(links) == 9
    assert testville.count('fill="url(#map-testville-launched)"') == 2
    assert "Launched: striped, dark green outline" in testville
    assert "Not launched yet: plain, grey outline" in testville
    listed = re.findall(r'<li><a href="/n/testville/([a-z-]+)/">', testville)
    assert listed == [name.lower() for name in factories.TREES]
    assert testville.count('<span class="badge badge-launched">Launched</span>') == 2
    assert '<a href="/n/othertown/north/" tabindex="-1">' in html


def test_neighborhood_page_before_and_after_launch(roles, settings, client_as):
    settings.TOWNSQUARE_LAUNCH_THRESHOLD = 5
    html = Client().get("/n/testville/alder/").content.decode()
    assert "<title>Alder, Testville · townsquare</title>" in html
    assert "Not launched yet" in html
    assert "3 more verified members needed to launch (a neighborhood launches at 5)." in html
    assert re.search(r"<dt>Verified members</dt>\s*<dd>2</dd>", html)
    nearby = re.findall(r'<li><a href="/n/testville/([a-z-]+)/">', html)
    assert nearby == ["birch", "dogwood", "elm"]
    assert html.count('class="nb nb-current" d="') == 1
    assert html.count('tabindex="-1"><title>') == 4  # Alder and its three neighbors

    _launch(roles["neighbor"].resident.neighborhood, 3)
    html = client_as(roles["neighbor"]).get("/n/testville/alder/").content.decode()
    assert "needed to launch" not in html
    assert '<span class="badge badge-launched">Launched</span> on' in html
    assert html.count('<span class="badge badge-founding">Founding member</span>') == 5


def test_signup_map_for_another_city(roles):
    places.import_neighborhoods("Othertown", factories.grid_geojson(["North", "South"], 1))
    # The first city by name by default; ?city= picks another.
    html = Client().get("/signup/").content.decode()
    assert html.count('data-name="') == 2
    assert 'href="?city=testville">Testville</a>' in html
    html = Client().get("/signup/", {"city": "testville"}).content.decode()
    assert html.count('data-name="') == 9
    assert 'href="?city=othertown">Othertown</a>' in html
