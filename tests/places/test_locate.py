"""Point-in-neighborhood: real Sacramento points, THE RULE, the cache, bad coordinates."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, shape

from tests.places.shapes import NEIGHBORHOODS, X0, Y0, collection, crime_points, square
from townsquare.core.errors import Invalid, NotFound
from townsquare.core.slugs import slugify
from townsquare.places import geoindex
from townsquare.places.actions import import_neighborhoods
from townsquare.places.geoindex import (
    index_for,
    locate_many,
    locate_many_baseline,
    locate_point,
)
from townsquare.places.models import City, Neighborhood

pytestmark = pytest.mark.django_db


def slugs_by_id(city: City) -> dict[int, str]:
    return dict(Neighborhood.objects.filter(city=city).values_list("id", "slug"))


def independent_slugs(lons: np.ndarray, lats: np.ndarray) -> list[str | None]:
    """THE RULE spelled out with plain, unprepared shapely, one point at a time."""
    document = json.loads(NEIGHBORHOODS.read_text())
    hoods = []
    for item in document["features"]:
        geometry = shape(item["geometry"])
        hoods.append((geometry.area, slugify(item["properties"]["name"]), geometry,
                      geometry.bounds))
    answers: list[str | None] = []
    for lon, lat in zip(lons.tolist(), lats.tolist(), strict=True):
        point = Point(lon, lat)
        covering = [(area, slug) for area, slug, geometry, (x0, y0, x1, y1) in hoods
                    if x0 <= lon <= x1 and y0 <= lat <= y1 and geometry.covers(point)]
        answers.append(min(covering)[1] if covering else None)
    return answers


def test_crime_points_in_sacramento(sacramento):
    lons, lats = crime_points()
    ids = locate_many(sacramento, lons, lats)
    assert ids.dtype == np.int64 and ids.shape == (7584,)
    names = slugs_by_id(sacramento)
    found = [names.get(i) for i in ids.tolist()]
    assert found == independent_slugs(lons, lats)
    assert int((ids != -1).sum()) == 7189
    assert found.count("pocket") == 156
    assert np.array_equal(locate_many_baseline(sacramento, lons, lats), ids)


@pytest.mark.parametrize(("lat", "lon", "slug"), [
    (38.51092155, -121.5488201, "pocket"),  # 6351 DRIFTWOOD ST
    (38.58184562, -121.5011657, "downtown"),  # 547 L ST
    (38.57289613, -121.4767958, "midtown-winn-park-capital-avenue"),  # 1211 23RD ST
    (38.49297696, -121.5071286, "zberg-park"),  # 7293 FARM DALE WAY
    (38.56159185, -121.4923822, "land-park"),  # BROADWAY / 16TH ST
    (38.55611545, -121.4142729, None),  # 7721 COLLEGE TOWN DR: not in the city
])
def test_known_crime_addresses(sacramento, lat, lon, slug):
    found = locate_point(lat, lon, sacramento)
    assert (found.slug if found else None) == slug
    if found:
        assert found.city == sacramento


def test_boundary_points_of_the_real_polygons(sacramento):
    """Every vertex lies on a boundary, often a shared one: the fast path and the
    per-point loop must agree, and no vertex can be outside its own polygon."""
    index = index_for(sacramento)
    xy = shapely.get_coordinates(index.geometries)
    ids = locate_many(sacramento, xy[:, 0], xy[:, 1])
    assert (ids != -1).all()
    assert np.array_equal(ids, locate_many_baseline(sacramento, xy[:, 0], xy[:, 1]))


def test_random_and_near_boundary_points_agree_with_the_baseline(sacramento):
    index = index_for(sacramento)
    rng = np.random.default_rng(7)
    x0, y0, x1, y1 = shapely.total_bounds(index.geometries)
    vertices = shapely.get_coordinates(index.geometries)
    near = vertices[rng.integers(0, len(vertices), 20_000)] + rng.normal(0, 1e-7, (20_000, 2))
    lons = np.concatenate([rng.uniform(x0, x1, 20_000), near[:, 0]])
    lats = np.concatenate([rng.uniform(y0, y1, 20_000), near[:, 1]])
    assert np.array_equal(locate_many(sacramento, lons, lats),
                          locate_many_baseline(sacramento, lons, lats))


def test_points_on_the_grid_lines_agree_with_the_baseline(sacramento):
    grid = index_for(sacramento).grid
    xs = grid.x0 + np.arange(grid.nx + 1) * grid.dx
    ys = grid.y0 + np.arange(grid.ny + 1) * grid.dy
    lons, lats = (a.ravel() for a in np.meshgrid(xs[::3], ys[::3]))
    lons, lats = np.concatenate([lons, [grid.x1, grid.x0]]), np.concatenate([lats, [grid.y1] * 2])
    assert np.array_equal(locate_many(sacramento, lons, lats),
                          locate_many_baseline(sacramento, lons, lats))


def _city(name: str, *features: dict) -> tuple[City, dict[str, int]]:
    city = import_neighborhoods(name, collection(*features)).city
    return city, {v: k for k, v in slugs_by_id(city).items()}


def test_shared_edge_goes_to_the_smaller_neighborhood():
    city, ids = _city("Edgeton", square("Big", 0.25, 0, 0.5), square("Small", 0, 0, 0.25))
    # x = 0.25 is the edge they share for 0 <= y <= 0.25.
    lons = np.array([X0 + 0.25, X0 + 0.25, X0 + 0.125, X0 + 0.5, X0 + 0.25, X0 + 0.75])
    lats = np.array([Y0 + 0.125, Y0 + 0.25, Y0 + 0.125, Y0 + 0.25, Y0 + 0.375, Y0 + 0.5])
    assert locate_many(city, lons, lats).tolist() == [
        ids["small"], ids["small"], ids["small"], ids["big"],
        ids["big"],  # on Big's west edge, above Small: only Big covers it
        ids["big"],  # Big's north-east corner: boundary included
    ]


def test_equal_areas_go_to_the_lowest_slug():
    # Named so that file order, name order and slug order differ.
    city, ids = _city("Tieville", square("b-East", 0.25, 0, 0.25), square("A West", 0, 0, 0.25),
                      square("c North", 0, 0.25, 0.25), square("D NorthEast", 0.25, 0.25, 0.25))
    on_edge = locate_point(Y0 + 0.125, X0 + 0.25, city)
    assert on_edge.slug == "a-west"  # shared by a-west and b-east
    corner = locate_point(Y0 + 0.25, X0 + 0.25, city)
    assert corner.slug == "a-west"  # all four meet here
    assert locate_point(Y0 + 0.375, X0 + 0.25, city).slug == "c-north"  # c-north | d-northeast
    assert locate_point(Y0 + 0.25, X0 + 0.375, city).slug == "b-east"  # b-east | d-northeast


def test_overlaps_go_to_the_smaller_neighborhood():
    city, ids = _city("Overlap", square("Outer", 0, 0, 1), square("Inner", 0.25, 0.25, 0.25),
                      square("Spill", 0.75, 0.25, 0.5))  # Spill straddles Outer's east edge
    lons = X0 + np.array([0.375, 0.125, 0.875, 1.125, 0.25, 2.0])
    lats = Y0 + np.array([0.375, 0.125, 0.5, 0.5, 0.25, 2.0])
    assert locate_many(city, lons, lats).tolist() == [
        ids["inner"], ids["outer"], ids["spill"], ids["spill"], ids["inner"], -1,
    ]
    assert np.array_equal(locate_many_baseline(city, lons, lats), locate_many(city, lons, lats))


def test_outside_everything():
    city, _ids = _city("Lonely", square("Only", 0, 0, 0.25))
    assert locate_many(city, np.array([0.0, X0 - 1, X0 + 0.3]),
                       np.array([0.0, Y0, Y0 + 0.1])).tolist() == [-1, -1, -1]
    assert locate_point(0.0, 0.0, city) is None
    assert locate_point(0.0, 0.0) is None
    assert locate_many(city, np.array([]), np.array([])).shape == (0,)


def test_a_city_without_neighborhoods_and_a_missing_city():
    empty = City.objects.create(name="Empty", slug="empty")
    assert locate_many(empty, np.array([X0]), np.array([Y0])).tolist() == [-1]
    assert locate_point(Y0, X0, empty) is None
    with pytest.raises(NotFound):
        locate_many(987654, np.array([X0]), np.array([Y0]))


def test_locate_point_searches_every_city():
    _city("Westville", square("West End", 0, 0, 0.25))
    east, _ids = _city("Eastville", square("East End", 5, 0, 0.25))
    found = locate_point(Y0 + 0.1, X0 + 5.1)
    assert found is not None and found.slug == "east-end" and found.city == east


@pytest.mark.parametrize(("lons", "lats"), [
    ([X0, float("nan")], [Y0, Y0]),
    ([X0, X0], [Y0, float("nan")]),
    ([X0], [90.5]),
    ([-180.5], [Y0]),
    ([181.0], [Y0]),
    ([X0], [float("-inf")]),
])
def test_impossible_coordinates_are_rejected(lons, lats):
    city, _ids = _city("Strictville", square("Only", 0, 0, 0.25))
    with pytest.raises(Invalid) as caught:
        locate_many(city, np.array(lons), np.array(lats))
    assert "impossible coordinate" in caught.value.detail
    assert caught.value.fields["coordinates"]
    with pytest.raises(Invalid):
        locate_point(lats[-1], lons[-1], city)
    with pytest.raises(Invalid):
        locate_point(lats[-1], lons[-1])


def test_edges_of_the_world_are_possible():
    city, _ids = _city("Edgeworld", square("Only", 0, 0, 0.25))
    assert locate_many(city, np.array([180.0, -180.0, 0.0]),
                       np.array([90.0, -90.0, 0.0])).tolist() == [-1, -1, -1]


def test_the_cache_is_reused_and_invalidated_by_an_import():
    city, ids = _city("Cacheton", square("Mover", 0, 0, 0.25))
    first = index_for(city)
    assert index_for(city) is first  # no import since: the same index
    assert locate_point(Y0 + 0.1, X0 + 0.1, city).slug == "mover"

    import_neighborhoods("Cacheton", collection(square("Mover", 1, 0, 0.25)))
    assert index_for(city) is not first
    assert locate_point(Y0 + 0.1, X0 + 0.1, city) is None
    assert locate_point(Y0 + 0.1, X0 + 1.1, city).slug == "mover"
    # A City instance loaded before the import does not hold back the new answer.
    stale = City.objects.get(pk=city.pk)
    import_neighborhoods("Cacheton", collection(square("Mover", 2, 0, 0.25)))
    assert locate_many(stale, np.array([X0 + 2.1]), np.array([Y0 + 0.1])).tolist() == [
        ids["mover"]
    ]


def test_clear_cache():
    city, _ids = _city("Clearville", square("Only", 0, 0, 0.25))
    first = index_for(city)
    geoindex.clear_cache()
    assert index_for(city) is not first
