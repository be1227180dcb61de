"""OpenAddresses address points: the import, re-import, bad rows, matching, interpolation."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tests import factories
from townsquare.core.errors import Invalid
from townsquare.core.models import AuditLog
from townsquare.places.actions import import_addresses
from townsquare.places.models import Address, City
from townsquare.places.openaddresses import import_openaddresses
from townsquare.places.selectors import resolve_home_address, search_addresses

pytestmark = pytest.mark.django_db

HEADER = "LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE,ID,HASH\n"
# Alder is the grid square lon -121.50..-121.49, lat 38.59..38.60; Birch lies east of it.
POINTS = HEADER + """\
-121.4980,38.5950,7400,POCKET RD,,SACRAMENTO,,CA,95831,,h1
-121.4960,38.5950,7440,POCKET RD,,SACRAMENTO,,CA,95831,,h2
-121.4980,38.5952,7401,POCKET RD,,SACRAMENTO,,CA,95831,,h3
-121.4960,38.5952,7441,POCKET RD,,SACRAMENTO,,CA,95831,,h4
-121.4960,38.5952,7441,POCKET RD,,SACRAMENTO,,CA,95831,,h4
-121.4950,38.5940,1000,18TH STREET,3,SACRAMENTO,,CALIFORNIA,95814,,h5
-121.4850,38.5950,5800,MCKINLEY BOULEVARD,,SACRAMENTO,,CA,95819,,h6
-121.9000,38.2000,1,FAR AWAY RD,,ELSEWHERE,,CA,95000,,h7
"""


@pytest.fixture
def city(db) -> City:
    return factories.make_city()


def load(city: City, text: str = POINTS):
    return import_openaddresses(city, io.StringIO(text))


def test_import_stores_complete_mailing_addresses(city):
    result = load(city)

    assert (result.created, result.updated, result.unchanged, result.duplicates,
            result.outside) == (7, 0, 0, 1, 1)
    rows = {a.key: a for a in Address.objects.filter(city=city)}
    assert sorted(rows) == ["1 FAR AWAY RD", "1000 18TH ST # 3", "5800 MCKINLEY BLVD",
                            "7400 POCKET RD", "7401 POCKET RD", "7440 POCKET RD",
                            "7441 POCKET RD"]
    flat = rows["1000 18TH ST # 3"]
    assert (flat.text, flat.number, flat.number_value, flat.street, flat.unit, flat.locality,
            flat.state, flat.postcode, flat.source, flat.source_id) == (
        "1000 18th St # 3", "1000", 1000, "18TH ST", "# 3", "Sacramento", "CA", "95814",
        "openaddresses", "h5")
    assert rows["5800 MCKINLEY BLVD"].text == "5800 McKinley Blvd"
    assert rows["5800 MCKINLEY BLVD"].neighborhood.name == "Birch"
    assert rows["7400 POCKET RD"].neighborhood.name == "Alder"
    assert rows["1 FAR AWAY RD"].neighborhood is None
    assert AuditLog.objects.filter(action="places.import_openaddresses").count() == 1


def test_importing_again_updates_in_place(city):
    load(city)
    ids = dict(Address.objects.values_list("key", "id"))
    changed = POINTS.replace("5800,MCKINLEY BOULEVARD,,SACRAMENTO,,CA,95819",
                             "5800,MCKINLEY BOULEVARD,,SACRAMENTO,,CA,95816")

    result = load(city, changed)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 6)
    assert dict(Address.objects.values_list("key", "id")) == ids
    assert Address.objects.get(key="5800 MCKINLEY BLVD").postcode == "95816"


def test_every_bad_row_is_reported_by_line_and_nothing_is_written(city):
    bad = HEADER + """\
-121.4980,38.5950,7400,POCKET RD,,SACRAMENTO,,CA,95831,,h1
west,38.5950,7402,POCKET RD,,SACRAMENTO,,CA,95831,,h2
-121.4980,98.0,7404,POCKET RD,,SACRAMENTO,,CA,95831,,h3
-121.4980,38.5950,,POCKET RD,,SACRAMENTO,,CA,95831,,h4
-121.4980,38.5950,7406,,,SACRAMENTO,,CA,95831,,h5
-121.4980,38.5950,7408,POCKET RD / FREEPORT BLVD,,SACRAMENTO,,CA,95831,,h6
"""
    with pytest.raises(Invalid) as raised:
        load(city, bad)

    assert raised.value.detail == ("5 rows of the file are not usable addresses; nothing was "
                                   "imported.")
    assert raised.value.fields == {"file": [
        "line 3: the coordinates are not numbers (LON 'west', LAT '38.5950')",
        "line 4: impossible coordinates (LON -121.498, LAT 98.0)",
        "line 5: no house number (NUMBER '')",
        "line 6: no street",
        "line 7: the street 'POCKET RD / FREEPORT BLVD' names an intersection",
    ]}
    assert Address.objects.count() == 0


def test_missing_columns_are_named(city):
    with pytest.raises(Invalid) as raised:
        load(city, "LON,LAT,STREET\n-121.49,38.59,POCKET RD\n")
    assert raised.value.fields == {"file": ['Missing column "NUMBER".']}


def test_the_incident_gazetteer_stays_as_a_fallback(city):
    load(city)
    import_addresses(city, io.StringIO(
        "address,latitude,longitude\n"
        "7400 POCKET RD,38.5,-121.5\n"          # the address point wins
        "12 ALDER LANE,38.5957,-121.4961\n"
        "POCKET RD / FREEPORT BLVD,38.5951,-121.4970\n"))

    assert Address.objects.get(key="7400 POCKET RD").source == "openaddresses"
    assert Address.objects.get(key="7400 POCKET RD").lat == 38.5950
    fallback = resolve_home_address(city, "12 alder lane")
    assert (fallback.text, fallback.approximate, fallback.postcode) == ("12 Alder Ln", False, "")
    assert Address.objects.get(key="POCKET RD / FREEPORT BLVD").is_intersection is True
    assert Address.objects.count() == 9

    load(city)  # and importing the points again keeps the fallback
    assert Address.objects.filter(source="incidents").count() == 2


def test_an_address_is_found_however_it_is_spelled(city):
    load(city)
    for text in ("7400 pocket road", "7400 POCKET RD", " 7400  Pocket Rd. "):
        home = resolve_home_address(city, text)
        assert (home.text, home.lat, home.lon, home.approximate, home.locality, home.state,
                home.postcode) == ("7400 Pocket Rd", 38.5950, -121.4980, False, "Sacramento",
                                   "CA", "95831")
    flat = resolve_home_address(city, "1000 18th Street apartment 3")
    assert (flat.text, flat.postcode) == ("1000 18th St Apt 3", "95814")  # building's point
    assert resolve_home_address(city, "1000 18th st #3").text == "1000 18th St # 3"


def test_a_number_between_two_known_numbers_of_its_side_is_interpolated(city):
    load(city)

    home = resolve_home_address(city, "7421 Pocket Road")

    # 7421 is odd: between 7401 and 7441 on the odd side, half way.
    assert (home.text, home.street, home.approximate) == ("7421 Pocket Rd", "POCKET RD", True)
    assert (round(home.lat, 6), round(home.lon, 6)) == (38.5952, -121.497)
    assert (home.locality, home.state, home.postcode) == ("Sacramento", "CA", "95831")
    assert home.neighborhood_id == factories.nbhd(city, "Alder").pk
    even = resolve_home_address(city, "7410 pocket rd")  # a quarter of 7400..7440
    assert (round(even.lat, 6), round(even.lon, 6)) == (38.595, -121.4975)


def test_no_interpolation_beyond_the_known_numbers_or_across_wide_gaps(city):
    load(city)
    assert resolve_home_address(city, "7443 Pocket Rd") is None   # beyond the last odd one
    assert resolve_home_address(city, "7399 Pocket Rd") is None   # before the first
    assert resolve_home_address(city, "7421 Quail Run") is None   # another street
    wide = POINTS.replace("7440,POCKET RD", "7900,POCKET RD")
    load(city, wide)
    assert resolve_home_address(city, "7420 Pocket Rd") is not None  # 7400..7440 still there


def test_intersections_are_never_homes(city):
    load(city)
    import_addresses(city, io.StringIO("address,latitude,longitude\n"
                                       "POCKET RD / FREEPORT BLVD,38.5951,-121.4970\n"))
    assert resolve_home_address(city, "Pocket Rd / Freeport Blvd") is None
    assert resolve_home_address(city, "Pocket Rd & Freeport Blvd") is None
    assert search_addresses(city, "POCKET RD /") != []
    assert search_addresses(city, "POCKET RD /", homes_only=True) == []
    assert [a.key for a in search_addresses(city, "7400 pocket road", homes_only=True)] == [
        "7400 POCKET RD"]


def test_the_command(city, tmp_path):
    path = tmp_path / "points.csv"
    path.write_text(POINTS)
    out = io.StringIO()
    call_command("import_openaddresses", str(path), "--city", "testville", stdout=out)
    assert out.getvalue() == ("Testville: 7 created, 0 updated (0 unchanged), 1 duplicate "
                              "rows merged, 1 outside every neighborhood\n")
    path.write_text(HEADER + "x,38.59,1,A ST,,,,,,,\n")
    with pytest.raises(CommandError) as raised:
        call_command("import_openaddresses", str(path), "--city", "testville")
    assert str(raised.value) == (
        f"{path}: 1 row of the file is not a usable address; nothing was imported.\n"
        "line 2: the coordinates are not numbers (LON 'x', LAT '38.59')")
    with pytest.raises(CommandError):
        call_command("import_openaddresses", str(path), "--city", "nowhere")


def test_the_demo_address_file_gives_real_streets_house_numbers(sacramento):
    from tests.places.shapes import CRIME, DATA

    import_addresses(sacramento, CRIME)
    result = import_openaddresses(sacramento, DATA / "addresses-illustrative.csv")

    assert (result.created + result.updated, result.duplicates, result.outside) == (9387, 14, 314)
    home = resolve_home_address(sacramento, "7621 pocket road")
    assert (home.text, home.approximate, home.locality, home.state, home.postcode) == (
        "7621 Pocket Rd", True, "Sacramento", "CA", "95831")
    assert home.neighborhood_id == sacramento.neighborhoods.get(slug="pocket").pk
    block = resolve_home_address(sacramento, "3108 Occidental Drive")
    assert (block.text, block.approximate, block.state) == ("3108 Occidental Dr", False, "CA")
    assert len(block.postcode) == 5
