"""Parsing and validating GeoJSON (no database)."""

from __future__ import annotations

import json

import pytest
import shapely
from shapely.geometry import MultiPolygon

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
from townsquare.places.geometry import (
    from_wkb,
    parse_feature_collection,
    read_feature_collection,
    to_wkb,
)

GOOD = square("Good", 0, 0, 0.25)


def problems(source, **kwargs) -> list[str]:
    with pytest.raises(Invalid) as caught:
        parse_feature_collection(source, **kwargs)
    return caught.value.fields["features"]


def test_the_real_sacramento_file_parses():
    features = parse_feature_collection(NEIGHBORHOODS.read_bytes())
    assert len(features) == 121
    assert all(isinstance(f.geometry, MultiPolygon) for f in features)
    names = {f.name for f in features}
    assert {"Pocket", "Z'berg Park", "Midtown / Winn Park / Capital Avenue"} <= names
    pocket = next(f for f in features if f.name == "Pocket")
    assert pocket.properties["cartodb_id"] and pocket.slug == "pocket"


def test_polygons_become_multipolygons_and_names_are_tidied():
    source = collection(square("  Land   Park ", 0, 0, 0.25), square("Two", 1, 0, 0.25, multi=True))
    (first, second) = parse_feature_collection(json.dumps(source))
    name, properties, geometry = first  # a plain tuple for callers that unpack
    assert name == "Land Park" and geometry.geom_type == "MultiPolygon"
    assert properties == {"name": "  Land   Park "}  # source properties are kept as given
    assert second.geometry.geom_type == "MultiPolygon" and len(second.geometry.geoms) == 1


def test_other_name_field():
    features = parse_feature_collection(collection(square("A", 0, 0, 1, field="NBHD")),
                                        name_field="NBHD")
    assert features[0].name == "A"
    assert problems(collection(square("A", 0, 0, 1, field="NBHD")))[0] == (
        'feature 1: missing the name field "name".'
    )


def test_wkb_round_trip():
    (parsed,) = parse_feature_collection(collection(GOOD))
    data = to_wkb(parsed.geometry)
    assert isinstance(data, bytes)
    assert from_wkb(data).equals(parsed.geometry)
    assert from_wkb(memoryview(data)).equals(parsed.geometry)  # what PostgreSQL returns
    assert from_wkb(shapely.to_wkb(parsed.geometry.geoms[0])).geom_type == "MultiPolygon"


BOWTIE = [[X0, Y0], [X0 + 2, Y0 + 2], [X0 + 2, Y0], [X0, Y0 + 1], [X0, Y0]]
SWAPPED = [[[y, x] for x, y in ring(X0, Y0, X0 + 0.25, Y0 + 0.25)]]


@pytest.mark.parametrize(("source", "expected"), [
    ("not json", "The file is not JSON: Expecting value (line 1, column 1)."),
    (b"\xff\xfe{", "The file is not JSON: not UTF-8 text"),
    ({"type": "Feature", "geometry": None}, "The file is not a GeoJSON FeatureCollection"),
    ("[1, 2]", "The file is not a GeoJSON FeatureCollection"),
    (collection(), "The FeatureCollection has no features."),
    (collection(GOOD, square(None, 1, 0, 0.25)), 'feature 2: missing the name field "name".'),
    (collection(GOOD, feature("P", {"type": "Point", "coordinates": [X0, Y0]})),
     'feature 2 ("P"): the geometry is Point; only Polygon and MultiPolygon are accepted.'),
    (collection(GOOD, feature("N", None)), 'feature 2 ("N"): has no geometry.'),
    (collection(GOOD, feature("E", {"type": "Polygon", "coordinates": []})),
     'feature 2 ("E"): the geometry is empty.'),
    (collection(GOOD, feature("M", {"type": "Polygon", "coordinates": [[[X0, Y0], [X0, 1]]]})),
     'feature 2 ("M"): the coordinates are malformed'),
    (collection(GOOD, feature("Z", {"type": "Polygon", "coordinates": [
        [[X0, Y0], [X0 + 1, Y0 + 1], [X0 + 2, Y0 + 2], [X0, Y0]]]})),
     'feature 2 ("Z"): the geometry is degenerate (it encloses no area; '
     "GEOS: Self-intersection[-99 41])."),
    (collection(GOOD, feature("B", {"type": "Polygon", "coordinates": [BOWTIE]})),
     'feature 2 ("B"): the geometry is invalid: Self-intersection[-99.3333333333333 '
     '40.6666666666667] (import with --repair to fix it).'),
    (collection(GOOD, feature("S", {"type": "Polygon", "coordinates": SWAPPED})),
     'feature 2 ("S"): coordinates look like lat,lon; GeoJSON is lon,lat.'),
    (collection(GOOD, feature("R", {"type": "Polygon", "coordinates": [ring(170, 0, 190, 10)]})),
     'feature 2 ("R"): coordinates outside longitude [-180, 180] / latitude [-90, 90], '
     "e.g. [190, 0]"),
    (collection(GOOD, square("Good", 1, 0, 0.25)),
     'feature 2 ("Good"): duplicate name, also feature 1.'),
    (collection(GOOD, square("GOOD!", 1, 0, 0.25)),
     'feature 2 ("GOOD!"): the name gives the slug "good", already used by feature 1 '
     '("Good").'),
])
def test_each_problem_has_its_own_message(source, expected):
    found = problems(source)
    assert len(found) == 1
    assert found[0].startswith(expected)


def test_every_problem_is_reported_in_feature_order():
    source = collection(
        square("Same", 0, 0, 0.25),
        feature("Line", {"type": "LineString", "coordinates": [[X0, Y0], [X0 + 1, Y0]]}),
        square(None, 1, 0, 0.25),
        square("Same", 2, 0, 0.25),
        feature("Swapped", {"type": "MultiPolygon", "coordinates": [SWAPPED]}),
    )
    with pytest.raises(Invalid) as caught:
        parse_feature_collection(source)
    assert [p.split(":")[0] for p in caught.value.fields["features"]] == [
        'feature 2 ("Line")', "feature 3", 'feature 4 ("Same")', 'feature 5 ("Swapped")',
    ]
    assert caught.value.detail.startswith("The GeoJSON file is not usable. 4 problems; the first:")


def test_the_real_file_with_coordinates_swapped_is_caught():
    document = json.loads(NEIGHBORHOODS.read_text())
    for item in document["features"]:
        item["geometry"]["coordinates"] = [
            [[[y, x] for x, y in part] for part in polygon]
            for polygon in item["geometry"]["coordinates"]
        ] if item["geometry"]["type"] == "MultiPolygon" else [
            [[y, x] for x, y in part] for part in item["geometry"]["coordinates"]
        ]
    found = problems(document)
    assert len(found) == 121
    assert found[11] == (
        'feature 12 ("Village 5"): coordinates look like lat,lon; GeoJSON is lon,lat.')


# Invalid rings (tests/places/shapes.py) beside a valid square.
BROKEN_CITY = collection(GOOD, bow_tie("Bow Tie", 1), nested_shells("Nested", 3),
                         pinched("Pinched", 5))


def test_invalid_rings_are_named_by_name_and_index_in_geos_words():
    assert problems(BROKEN_CITY) == [
        'feature 2 ("Bow Tie"): the geometry is invalid: Self-intersection[-98.5 40.5] '
        "(import with --repair to fix it).",
        'feature 3 ("Nested"): the geometry is invalid: Nested shells[-96.75 40.25] '
        "(import with --repair to fix it).",
        'feature 4 ("Pinched"): the geometry is invalid: Ring Self-intersection[-94 40] '
        "(import with --repair to fix it).",
    ]


def test_repair_fixes_invalid_rings_with_make_valid_keeping_polygons_only():
    features, repairs = read_feature_collection(BROKEN_CITY, repair=True)

    assert [str(r) for r in repairs] == [
        'feature 2 ("Bow Tie"): Self-intersection[-98.5 40.5]; repaired into 2 polygons.',
        'feature 3 ("Nested"): Nested shells[-96.75 40.25]; repaired into 1 polygon, '
        "area -5.9%.",
        'feature 4 ("Pinched"): Ring Self-intersection[-94 40]; repaired into 2 polygons, '
        "area unchanged.",
    ]
    assert [(r.number, r.name) for r in repairs] == [(2, "Bow Tie"), (3, "Nested"),
                                                     (4, "Pinched")]
    good, tie, nested, pinch = features
    assert all(f.geometry.geom_type == "MultiPolygon" and f.geometry.is_valid for f in features)
    assert good.geometry.equals(parse_feature_collection(collection(GOOD))[0].geometry)
    # Both halves of the bow-tie, not "zero area".
    assert tie.geometry.area == 0.5 and len(tie.geometry.geoms) == 2
    # The nested shell is merged into its outer shell, not cut out of it as a hole.
    assert nested.geometry.equals(shapely.box(X0 + 3, Y0, X0 + 4, Y0 + 1))
    assert nested.geometry.covers(shapely.Point(X0 + 3.3, Y0 + 0.3))
    assert pinch.geometry.area == 2.0 and len(pinch.geometry.geoms) == 2
    # Without `repair` nothing is repaired, and a valid file reports no repairs.
    assert read_feature_collection(collection(GOOD), repair=True).repairs == []


@pytest.mark.parametrize("repair", [False, True])
def test_a_ring_without_area_is_refused_even_with_repair(repair):
    flat = feature("Flat", {"type": "Polygon", "coordinates": [
        [[X0, Y0], [X0 + 1, Y0 + 1], [X0 + 2, Y0 + 2], [X0, Y0]]]})
    with pytest.raises(Invalid) as caught:
        read_feature_collection(collection(GOOD, flat), repair=repair)
    assert caught.value.fields["features"] == [
        'feature 2 ("Flat"): the geometry is degenerate (it encloses no area; '
        "GEOS: Self-intersection[-99 41]).",
    ]


def test_names_lose_control_and_bidi_characters_but_keep_joiners():
    # A NUL in a name would reach the database (PostgreSQL refuses it); a bidi override
    # would make the name read differently from what it is.
    source = collection(square("Land\x00 Park\u202e", 0, 0, 0.25),
                        square("Zer\u200dbe", 1, 0, 0.25))
    (first, second) = parse_feature_collection(json.dumps(source))
    assert (first.name, second.name) == ("Land Park", "Zer\u200dbe")
