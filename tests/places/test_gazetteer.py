"""The address gazetteer: import, lookups, and the command."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from tests.places.shapes import CRIME, X0, Y0, collection, square
from townsquare.core.errors import Invalid
from townsquare.places.actions import import_addresses, import_neighborhoods
from townsquare.places.geoindex import locate_many, locate_point
from townsquare.places.models import Address, City
from townsquare.places.selectors import (
    city_bounds,
    find_address,
    neighborhoods_for_city,
    normalise_address,
    search_addresses,
)

pytestmark = pytest.mark.django_db


def test_import_the_real_crime_addresses(sacramento):
    result = import_addresses(sacramento, CRIME)
    assert result == 5490 and result.imported == 5490
    assert (result.duplicates, result.outside, result.skipped) == (2094, 240, ())
    assert Address.objects.filter(city=sacramento).count() == 5490

    found = find_address(sacramento, "  3108  occidental dr ")
    assert found is not None
    assert (found.text, found.key, found.street) == (
        "3108 OCCIDENTAL DR", "3108 OCCIDENTAL DR", "OCCIDENTAL DR")
    assert found.neighborhood == locate_point(found.lat, found.lon, sacramento)
    corner = find_address(sacramento, "broadway / 16th st")
    assert corner.street == "BROADWAY / 16TH ST" and corner.neighborhood.slug == "land-park"
    assert find_address(sacramento, "3rd st / o st").street == "3RD ST / O ST"
    assert find_address(sacramento, "1 Nowhere Lane") is None
    assert find_address(sacramento, "   ") is None

    # Every address got its neighborhood by the same rule as locate_many.
    rows = list(Address.objects.filter(city=sacramento).values_list("lon", "lat",
                                                                    "neighborhood_id"))
    lons, lats, stored = zip(*rows, strict=True)
    ids = locate_many(sacramento, np.array(lons), np.array(lats))
    assert [None if i == -1 else i for i in ids.tolist()] == list(stored)


def test_search(sacramento):
    import_addresses(sacramento, CRIME)
    results = search_addresses(sacramento, "3108 occ")
    assert [a.text for a in results] == ["3108 OCCIDENTAL DR"]
    many = search_addresses(sacramento, "1")
    assert len(many) == 10 and [a.key for a in many] == sorted(a.key for a in many)
    assert all(a.key.startswith("1") for a in many)
    assert len(search_addresses(sacramento, "1", limit=500)) == 50  # capped
    assert search_addresses(sacramento, "  ") == []
    assert search_addresses(sacramento, "100%") == []  # LIKE wildcards are escaped
    other = City.objects.create(name="Other", slug="other")
    assert search_addresses(other, "3108") == []


CSV = (
    "address,latitude,longitude,extra\n"
    f"10  main st,{Y0 + 0.1},{X0 + 0.1},x\n"  # line 2
    f"11 MAIN ST,abc,{X0 + 0.1},x\n"  # line 3: not a number
    f"12 MAIN ST,nan,{X0 + 0.1},x\n"  # line 4: NaN
    f",{Y0 + 0.1},{X0 + 0.1},x\n"  # line 5: no address
    f"13 MAIN ST,95,{X0 + 0.1},x\n"  # line 6: impossible latitude
    f"10 Main St,{Y0 + 0.2},{X0 + 0.2},x\n"  # line 7: duplicate of line 2
    "\n"  # line 8: blank
    f"MAIN ST / 1ST AVE,{Y0 + 0.2},{X0 + 0.2},x\n"  # line 9
    f"\"12A ELM  ST\",{Y0 + 5},{X0 + 5},x\n"  # line 10: outside
    f"100 1/2 J ST,{Y0 + 0.15},{X0 + 0.15}\n"  # line 11: short row, fine
)


@pytest.fixture
def town(db) -> City:
    return import_neighborhoods("Smallville", collection(square("Center", 0, 0, 0.25))).city


def test_bad_rows_are_skipped_with_their_line_numbers(town):
    result = import_addresses(town, io.BytesIO(("\ufeff" + CSV).encode()))
    assert result == 4
    assert [(row.line, row.reason.split(" (")[0]) for row in result.skipped] == [
        (3, "the coordinates are not numbers"),
        (4, "impossible coordinates"),
        (5, "no address"),
        (6, "impossible coordinates"),
    ]
    assert str(result.skipped[0]) == (
        "line 3: the coordinates are not numbers (latitude 'abc', longitude '-99.9')")
    assert (result.duplicates, result.outside) == (1, 1)
    rows = {a.key: a for a in Address.objects.filter(city=town)}
    assert set(rows) == {"10 MAIN ST", "MAIN ST / 1ST AVE", "12A ELM ST", "100 1/2 J ST"}
    assert rows["10 MAIN ST"].text == "10 main st" and rows["10 MAIN ST"].lat == Y0 + 0.1
    assert {k: a.street for k, a in rows.items()} == {
        "10 MAIN ST": "MAIN ST", "MAIN ST / 1ST AVE": "MAIN ST / 1ST AVE",
        "12A ELM ST": "ELM ST", "100 1/2 J ST": "J ST",
    }
    assert rows["10 MAIN ST"].neighborhood.slug == "center"
    assert rows["12A ELM ST"].neighborhood is None


def test_rerun_replaces_the_gazetteer(town, tmp_path):
    import_addresses(town, io.StringIO(CSV))
    path = tmp_path / "addresses.csv"
    path.write_text(f"Address , LATITUDE,longitude\n1 NEW RD,{Y0 + 0.1},{X0 + 0.1}\n")
    assert import_addresses(town, path) == 1
    assert list(Address.objects.filter(city=town).values_list("key", flat=True)) == ["1 NEW RD"]


def test_bad_files_change_nothing(town):
    import_addresses(town, io.StringIO(CSV))
    before = list(Address.objects.values_list("pk", flat=True))
    with pytest.raises(Invalid, match="lacks the column"):
        import_addresses(town, io.StringIO("address,lat,lon\n1 A ST,1,2\n"))
    with pytest.raises(Invalid, match="empty"):
        import_addresses(town, io.StringIO(""))
    with pytest.raises(Invalid, match="not a UTF-8 CSV"):
        import_addresses(town, io.BytesIO(b"address,latitude,longitude\n\xff\xfe,1,2\n"))
    assert list(Address.objects.values_list("pk", flat=True)) == before


def test_new_boundaries_move_gazetteer_addresses(town):
    import_addresses(town, io.StringIO(CSV))
    assert find_address(town, "10 main st").neighborhood.slug == "center"
    result = import_neighborhoods("Smallville", collection(square("Center", 1, 0, 0.25),
                                                           square("Edge", 0, 0, 0.125)))
    assert result.addresses_relocated == 3
    assert find_address(town, "10 main st").neighborhood.slug == "edge"
    assert find_address(town, "main st / 1st ave").neighborhood is None


def test_command(town, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(CSV)
    out = io.StringIO()
    call_command("import_addresses", str(path), "--city", "smallville", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "Smallville: 4 addresses imported (1 duplicate rows merged, 1 outside every "
        "neighborhood, 4 rows skipped)"
    )
    assert lines[1].startswith("  skipped line 3: the coordinates are not numbers")
    with pytest.raises(CommandError, match="No city with the slug 'atlantis'"):
        call_command("import_addresses", str(path), "--city", "atlantis")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_addresses", str(tmp_path / "nope.csv"), "--city", "smallville")
    bad = tmp_path / "bad.csv"
    bad.write_text("street,lat\n")
    with pytest.raises(CommandError, match="latitude"):
        call_command("import_addresses", str(bad), "--city", "smallville")


def test_normalise_and_city_selectors(town):
    assert normalise_address(" 12  elm\tst\n") == "12 ELM ST"
    assert [n.name for n in neighborhoods_for_city(town)] == ["Center"]
    assert city_bounds(town) == (X0, Y0, X0 + 0.25, Y0 + 0.25)
    assert city_bounds(City.objects.create(name="Bare", slug="bare")) is None
