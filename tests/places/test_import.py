"""Importing neighborhoods: the action and the management command."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.places.shapes import (
    NEIGHBORHOODS,
    X0,
    Y0,
    bow_tie,
    collection,
    feature,
    nested_shells,
    pinched,
    ring,
    square,
)
from townsquare.core.errors import Invalid
from townsquare.core.models import AuditLog
from townsquare.places.actions import import_neighborhoods
from townsquare.places.geoindex import locate_point
from townsquare.places.geometry import from_wkb
from townsquare.places.models import City, Neighborhood

pytestmark = pytest.mark.django_db

Nearby = Neighborhood.nearby.through


def snapshot() -> dict[str, object]:
    """Everything an import may write, to show a failed one wrote nothing."""
    return {
        "cities": list(City.objects.values_list("slug", "geometry_version")),
        "neighborhoods": list(Neighborhood.objects.order_by("pk").values_list(
            "pk", "name", "slug", "area", "updated_at")),
        "nearby": Nearby.objects.count(),
        "audit": AuditLog.objects.count(),
    }


def test_import_sacramento_then_rerun(sacramento):
    assert Neighborhood.objects.filter(city=sacramento).count() == 121
    assert sacramento.slug == "sacramento" and sacramento.geometry_version == 1
    midtown = Neighborhood.objects.get(city=sacramento, slug="midtown-winn-park-capital-avenue")
    assert midtown.name == "Midtown / Winn Park / Capital Avenue"
    zberg = Neighborhood.objects.get(city=sacramento, slug="zberg-park")
    assert zberg.name == "Z'berg Park"
    geometry = from_wkb(zberg.geometry_wkb)
    assert geometry.geom_type == "MultiPolygon"
    assert zberg.area == pytest.approx(geometry.area)
    assert (zberg.min_lon, zberg.min_lat, zberg.max_lon, zberg.max_lat) == geometry.bounds
    assert -121.6 < zberg.min_lon < zberg.max_lon < -121.3
    assert zberg.source_properties["name"] == "Z'berg Park"
    assert "cartodb_id" in zberg.source_properties
    ids_before = set(Neighborhood.objects.values_list("pk", flat=True))

    again = import_neighborhoods("Sacramento", NEIGHBORHOODS.read_bytes())
    assert (again.created, again.updated, again.unchanged, again.not_in_file) == (0, 121, 121, 0)
    assert again.city.pk == sacramento.pk and again.city.geometry_version == 2
    assert set(Neighborhood.objects.values_list("pk", flat=True)) == ids_before  # in place
    log = list(AuditLog.objects.filter(action="places.import_neighborhoods").order_by("id"))
    assert [entry.data["created"] for entry in log] == [121, 0]
    assert [entry.data["updated"] for entry in log] == [0, 121]
    assert log[0].target_id == str(sacramento.pk) and log[0].actor_label == "system"


def test_nearby_relation(sacramento):
    def hood(slug: str) -> Neighborhood:
        return Neighborhood.objects.get(city=sacramento, slug=slug)

    midtown, downtown = hood("midtown-winn-park-capital-avenue"), hood("downtown")
    assert downtown in midtown.nearby.all() and midtown in downtown.nearby.all()
    assert hood("zberg-park") in hood("pocket").nearby.all()
    assert hood("little-pocket") not in hood("pocket").nearby.all()
    assert hood("pocket") not in hood("pocket").nearby.all()
    pairs = set(Nearby.objects.values_list("from_neighborhood_id", "to_neighborhood_id"))
    assert pairs == {(b, a) for a, b in pairs}  # symmetric
    assert len(pairs) == 2 * 281  # 274 touching + 7 overlapping pairs
    # Recomputed, not appended to, on a re-run.
    import_neighborhoods("Sacramento", NEIGHBORHOODS)
    assert Nearby.objects.count() == 2 * 281


def test_another_city_with_its_own_name_field(tmp_path):
    path = tmp_path / "squareville.geojson"
    path.write_text(json.dumps(collection(
        square("North Square", 0, 0.25, 0.25, field="NBHD_NAME", district=1),
        square("South Square", 0, 0, 0.25, field="NBHD_NAME", multi=True),
        feature("Far Away", {"type": "MultiPolygon", "coordinates": [
            [ring(X0 + 1, Y0, X0 + 1.25, Y0 + 0.25)], [ring(X0 + 2, Y0, X0 + 2.25, Y0 + 0.25)],
        ]}) | {"properties": {"NBHD_NAME": "Far Away"}},
    )))
    out = io.StringIO()
    call_command("import_neighborhoods", str(path), "--city", "Square Ville",
                 "--name-field", "NBHD_NAME", stdout=out)
    assert out.getvalue().startswith("Square Ville: 3 created, 0 updated")
    city = City.objects.get(slug="square-ville")
    north, south, far = (Neighborhood.objects.get(city=city, slug=s)
                         for s in ("north-square", "south-square", "far-away"))
    assert north.source_properties == {"NBHD_NAME": "North Square", "district": 1}
    assert list(north.nearby.all()) == [south]  # they share an edge
    assert list(far.nearby.all()) == []
    assert len(from_wkb(far.geometry_wkb).geoms) == 2


def test_rerun_updates_in_place_and_keeps_neighborhoods_not_in_file(tmp_path):
    first = import_neighborhoods("Squareville", collection(
        square("A", 0, 0, 0.25), square("B", 0.25, 0, 0.25), square("C", 2, 0, 0.25)))
    city = first.city
    b = Neighborhood.objects.get(city=city, slug="b")
    assert (first.created, first.updated) == (3, 0)

    # B moves away from A; C is gone from the file; D is new.
    second = import_neighborhoods("squareville", collection(
        square("A", 0, 0, 0.25), square("B", 5, 5, 0.25), square("D", 2.25, 0, 0.25)))
    assert (second.created, second.updated, second.unchanged, second.not_in_file) == (1, 2, 1, 1)
    assert second.not_in_file_names == ("C",)
    assert City.objects.count() == 1  # the city was found by slug, not duplicated
    b.refresh_from_db()
    assert b.min_lon == X0 + 5 and b.updated_at > b.created_at
    c = Neighborhood.objects.get(city=city, slug="c")  # left in place
    d = Neighborhood.objects.get(city=city, slug="d")
    assert list(c.nearby.all()) == [d]  # and still part of the nearby relation
    assert list(b.nearby.all()) == []

    out = io.StringIO()
    call_command("import_neighborhoods", str(_write(tmp_path, collection(square("A", 0, 0, 0.25)))),
                 "--city", "Squareville", stdout=out)
    assert "Squareville: 0 created, 1 updated (1 unchanged), 3 not in file" in out.getvalue()
    assert "Left in place (in the database, not in the file): B, C, D" in out.getvalue()


def _write(folder: Path, document: dict) -> Path:
    path = folder / "neighborhoods.geojson"
    path.write_text(json.dumps(document))
    return path


BAD_INPUTS = {
    "not JSON": ("{nope", "The file is not JSON"),
    "not a FeatureCollection": ({"type": "Polygon", "coordinates": []},
                                "The file is not a GeoJSON FeatureCollection"),
    "missing name": (collection(square("Ok", 0, 0, 1), square(None, 1, 0, 1)),
                     'feature 2: missing the name field "name".'),
    "non-polygon": (collection(feature("L", {"type": "LineString",
                                              "coordinates": [[X0, Y0], [X0 + 1, Y0]]})),
                    'feature 1 ("L"): the geometry is LineString'),
    "empty": (collection(feature("E", {"type": "MultiPolygon", "coordinates": []})),
              'feature 1 ("E"): the geometry is empty.'),
    "zero area": (collection(feature("Z", {"type": "Polygon", "coordinates": [
        [[X0, Y0], [X0 + 1, Y0], [X0 + 2, Y0], [X0, Y0]]]})), "degenerate (it encloses no area"),
    "invalid": (collection(feature("I", {"type": "Polygon", "coordinates": [
        [[X0, Y0], [X0 + 2, Y0 + 2], [X0 + 2, Y0], [X0, Y0 + 1], [X0, Y0]]]})),
                'feature 1 ("I"): the geometry is invalid: Self-intersection'),
    "out of range": (collection(feature("R", {"type": "Polygon",
                                              "coordinates": [ring(170, 0, 190, 10)]})),
                     'feature 1 ("R"): coordinates outside longitude'),
    "swapped": (collection(feature("S", {"type": "Polygon", "coordinates": [
        [[y, x] for x, y in ring(X0, Y0, X0 + 1, Y0 + 1)]]})),
                'feature 1 ("S"): coordinates look like lat,lon; GeoJSON is lon,lat.'),
    "duplicate name": (collection(square("Twin", 0, 0, 1), square("Twin", 1, 0, 1)),
                       'feature 2 ("Twin"): duplicate name, also feature 1.'),
    "duplicate slug": (collection(square("Twin Peaks", 0, 0, 1), square("twin-peaks", 1, 0, 1)),
                       'gives the slug "twin-peaks", already used by feature 1'),
}


@pytest.mark.parametrize("kind", BAD_INPUTS)
@pytest.mark.parametrize("city_name", ["Squareville", "Nowhere"])
def test_bad_input_changes_nothing(kind, city_name):
    import_neighborhoods("Squareville", collection(square("A", 0, 0, 0.25),
                                                   square("B", 0.25, 0, 0.25)))
    before = snapshot()
    source, message = BAD_INPUTS[kind]
    with pytest.raises(Invalid) as caught:
        import_neighborhoods(city_name, source)
    assert any(message in problem for problem in caught.value.fields["features"])
    assert snapshot() == before


def test_command_fails_with_every_message_and_changes_nothing(tmp_path):
    path = _write(tmp_path, collection(
        square("Ok", 0, 0, 1),
        feature("Dot", {"type": "Point", "coordinates": [X0, Y0]}),
        square(None, 2, 0, 1),
    ))
    before = snapshot()
    with pytest.raises(CommandError) as caught:
        call_command("import_neighborhoods", str(path), "--city", "Badtown")
    lines = str(caught.value).splitlines()
    assert lines[1:] == [
        'feature 2 ("Dot"): the geometry is Point; only Polygon and MultiPolygon are accepted.',
        'feature 3: missing the name field "name".',
    ]

    # From the command line: status 1 and the messages on stderr. (A subprocess, because
    # a command run from argv closes the database connection this test runs in.)
    done = subprocess.run(
        [sys.executable, "-m", "townsquare.cli", "import_neighborhoods", str(path),
         "--city", "Badtown", "--skip-checks"],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "TOWNSQUARE_VAR_DIR": str(tmp_path)},
    )
    assert done.returncode == 1
    assert 'feature 3: missing the name field "name".' in done.stderr
    assert snapshot() == before

    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_neighborhoods", str(path) + ".missing", "--city", "Badtown")


def test_city_name_needs_a_slug_and_a_sane_length():
    with pytest.raises(Invalid):
        import_neighborhoods("!!!", collection(square("A", 0, 0, 1)))
    with pytest.raises(Invalid, match="longer than 120"):
        import_neighborhoods("X" * 121, collection(square("A", 0, 0, 1)))
    assert City.objects.count() == 0


# A valid square beside three invalid rings of the kinds real cities' files hold.
BROKEN_CITY = collection(square("Good", 0, 0, 0.25), bow_tie("Bow Tie", 1),
                         nested_shells("Nested", 3), pinched("Pinched", 5))
REFUSED = [
    'feature 2 ("Bow Tie"): the geometry is invalid: Self-intersection[-98.5 40.5] '
    "(import with --repair to fix it).",
    'feature 3 ("Nested"): the geometry is invalid: Nested shells[-96.75 40.25] '
    "(import with --repair to fix it).",
    'feature 4 ("Pinched"): the geometry is invalid: Ring Self-intersection[-94 40] '
    "(import with --repair to fix it).",
]


def test_invalid_rings_refuse_the_file_without_repair(tmp_path):
    path = _write(tmp_path, BROKEN_CITY)
    before = snapshot()

    with pytest.raises(CommandError) as caught:
        call_command("import_neighborhoods", str(path), "--city", "Brokenville")

    assert str(caught.value).splitlines() == [f"{path}: nothing was imported.", *REFUSED]
    assert snapshot() == before
    done = subprocess.run(
        [sys.executable, "-m", "townsquare.cli", "import_neighborhoods", str(path),
         "--city", "Brokenville", "--skip-checks"],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "TOWNSQUARE_VAR_DIR": str(tmp_path)},
    )
    assert done.returncode == 1
    assert REFUSED[2] in done.stderr.splitlines()
    assert snapshot() == before


def test_repair_imports_them_and_reports_each_repaired_feature(tmp_path):
    out = io.StringIO()

    call_command("import_neighborhoods", str(_write(tmp_path, BROKEN_CITY)), "--city",
                 "Brokenville", "--repair", stdout=out)

    assert out.getvalue().splitlines() == [
        'feature 2 ("Bow Tie"): Self-intersection[-98.5 40.5]; repaired into 2 polygons.',
        'feature 3 ("Nested"): Nested shells[-96.75 40.25]; repaired into 1 polygon, '
        "area -5.9%.",
        'feature 4 ("Pinched"): Ring Self-intersection[-94 40]; repaired into 2 polygons, '
        "area unchanged.",
        "Brokenville: 4 created, 0 updated (0 unchanged), 0 not in file",
    ]
    city = City.objects.get(slug="brokenville")
    stored = {n.slug: from_wkb(n.geometry_wkb)
              for n in Neighborhood.objects.filter(city=city)}
    assert sorted(stored) == ["bow-tie", "good", "nested", "pinched"]
    assert all(geometry.is_valid for geometry in stored.values())
    assert stored["bow-tie"].area == 0.5 and len(stored["bow-tie"].geoms) == 2
    # A point inside the nested shell is in the neighborhood, not in a hole.
    assert locate_point(Y0 + 0.3, X0 + 3.3, city).slug == "nested"
    assert locate_point(Y0 + 0.5, X0 + 1.8, city).slug == "bow-tie"
    entry = AuditLog.objects.get(action="places.import_neighborhoods")
    assert entry.data["repaired"] == ["Bow Tie", "Nested", "Pinched"]

    # The same file again: the repaired geometries are stored, so nothing changes.
    result = import_neighborhoods("Brokenville", BROKEN_CITY, repair=True)
    assert (result.created, result.updated, result.unchanged) == (0, 4, 4)
    assert [r.name for r in result.repairs] == ["Bow Tie", "Nested", "Pinched"]
