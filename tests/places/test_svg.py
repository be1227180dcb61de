"""SVG paths for maps without a tile server."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from tests.places.shapes import X0, Y0, collection, square
from townsquare.places import svg
from townsquare.places.actions import import_neighborhoods
from townsquare.places.geometry import Bounds
from townsquare.places.models import Neighborhood
from townsquare.places.selectors import city_bounds, neighborhoods_for_city

NUMBERS = re.compile(r"-?\d+(?:\.\d+)?")


def test_projection_round_trip_and_aspect():
    bounds = Bounds(X0, Y0, X0 + 0.5, Y0 + 0.25)
    projection = svg.Projection.fit(bounds, 800, 600)
    xs, ys = projection.to_svg(np.array([X0, X0 + 0.5]), np.array([Y0 + 0.25, Y0]))
    # North-west corner top-left, south-east bottom-right, inside the viewport.
    assert 0 <= xs[0] < xs[1] <= 800 and 0 <= ys[0] < ys[1] <= 600
    width, height = xs[1] - xs[0], ys[1] - ys[0]
    assert width / height == pytest.approx(2 * math.cos(math.radians(Y0 + 0.125)))
    lons, lats = projection.to_lonlat(np.array([123.4, 555.5]), np.array([42.0, 300.0]))
    back = projection.to_svg(lons, lats)
    assert np.allclose(back, ([123.4, 555.5], [42.0, 300.0]))
    # The formula the page's JavaScript applies (documented in docs/places.md).
    p = projection.js_params()
    assert p["lon0"] + (123.4 - p["x0"]) / p["kx"] == pytest.approx(lons[0])
    assert p["lat0"] - (42.0 - p["y0"]) / p["ky"] == pytest.approx(lats[0])
    assert projection.view_box() == "0 0 800 600"


@pytest.mark.django_db
def test_neighborhood_path():
    city = import_neighborhoods("Svgville", collection(square("Box", 0, 0, 0.25))).city
    box = Neighborhood.objects.get(city=city)
    d = svg.neighborhood_svg_path(box, 200, 100)
    assert re.fullmatch(r"M[-\d. ]+Z", d)
    values = [float(v) for v in NUMBERS.findall(d)]
    assert len(values) == 8  # four corners, the closing point left to Z
    xs, ys = values[0::2], values[1::2]
    assert min(xs) >= 0 and max(xs) <= 200 and min(ys) >= 0 and max(ys) <= 100
    assert max(ys) - min(ys) == pytest.approx(96, abs=0.1)  # fills the height, 2% margins


@pytest.mark.django_db
def test_sacramento_city_map_is_small(sacramento):
    hoods = list(neighborhoods_for_city(sacramento))
    drawn = svg.city_map(hoods, 1000, 1000, bounds=city_bounds(sacramento))
    assert len(drawn.paths) == 121 and all(d.startswith("M") for _n, d in drawn.paths)
    size = sum(len(d) for _n, d in drawn.paths)
    assert 5_000 < size < 150_000
    # A click on Pocket's drawn outline maps back into Pocket.
    pocket = next(n for n in hoods if n.slug == "pocket")
    first = [float(v) for v in NUMBERS.findall(dict((n.slug, d) for n, d in drawn.paths)
                                               ["pocket"])[:2]]
    lon, lat = drawn.projection.to_lonlat(np.array([first[0]]), np.array([first[1]]))
    assert pocket.min_lon - 1e-3 <= lon[0] <= pocket.max_lon + 1e-3
    assert pocket.min_lat - 1e-3 <= lat[0] <= pocket.max_lat + 1e-3
