"""Neighborhood boundaries as SVG path data, so pages can draw maps with no tile server.

The projection is linear: x grows with longitude scaled by cos(mid-latitude), y grows
southwards with latitude. Over a city (tens of kilometres) this equirectangular view is
indistinguishable from Web Mercator, and it has a two-line inverse a page's JavaScript can
apply to a click (see `Projection.js_params` and docs/places.md).

Geometry is projected first and then simplified in pixels (half a pixel by default), so
the detail kept matches what the viewport can show: Sacramento's 121 neighborhoods fit
in well under 150 KB of path data at 1000x1000.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely

from townsquare.places.geometry import Bounds, from_wkb
from townsquare.places.models import Neighborhood

DEFAULT_TOLERANCE_PX = 0.5
# Never divide by a zero-width box (a single point, or a perfectly vertical line).
_MIN_SPAN_DEG = 1e-6


@dataclass(frozen=True)
class Projection:
    """lon/lat <-> SVG user units for one viewBox "0 0 width height"."""

    width: float
    height: float
    lon0: float  # longitude at x == x0 (the west edge of the fitted box)
    lat0: float  # latitude at y == y0 (the north edge)
    x0: float
    y0: float
    kx: float  # SVG units per degree of longitude (includes the cos(latitude) factor)
    ky: float  # SVG units per degree of latitude

    @classmethod
    def fit(cls, bounds: Bounds, width: float, height: float,
            padding: float | None = None) -> Projection:
        """Fit `bounds` into the viewport, centred, keeping the true aspect ratio."""
        if width <= 0 or height <= 0:
            raise ValueError("width and height must be positive")
        pad = min(width, height) * 0.02 if padding is None else padding
        mid_lat = (bounds.min_lat + bounds.max_lat) / 2
        cos_lat = max(math.cos(math.radians(mid_lat)), 0.01)  # guard the poles
        span_x = max(bounds.max_lon - bounds.min_lon, _MIN_SPAN_DEG) * cos_lat
        span_y = max(bounds.max_lat - bounds.min_lat, _MIN_SPAN_DEG)
        scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
        return cls(
            width=width, height=height,
            lon0=bounds.min_lon, lat0=bounds.max_lat,
            x0=(width - span_x * scale) / 2, y0=(height - span_y * scale) / 2,
            kx=scale * cos_lat, ky=scale,
        )

    def to_svg(self, lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (self.x0 + (np.asarray(lons) - self.lon0) * self.kx,
                self.y0 + (self.lat0 - np.asarray(lats)) * self.ky)

    def to_lonlat(self, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (self.lon0 + (np.asarray(xs) - self.x0) / self.kx,
                self.lat0 - (np.asarray(ys) - self.y0) / self.ky)

    def view_box(self) -> str:
        return f"0 0 {_num(self.width)} {_num(self.height)}"

    def js_params(self) -> dict[str, float]:
        """For a data attribute: lon = lon0 + (x - x0) / kx; lat = lat0 - (y - y0) / ky."""
        return {"lon0": self.lon0, "lat0": self.lat0, "x0": self.x0, "y0": self.y0,
                "kx": self.kx, "ky": self.ky}


@dataclass(frozen=True)
class CityMap:
    projection: Projection
    paths: list[tuple[Neighborhood, str]]


def geometry_svg_path(geometry: shapely.Geometry, projection: Projection,
                      tolerance: float = DEFAULT_TOLERANCE_PX) -> str:
    """Path data for a (Multi)Polygon; draw it with fill-rule="evenodd" so holes show."""
    projected = shapely.transform(
        geometry, lambda xy: np.column_stack(projection.to_svg(xy[:, 0], xy[:, 1]))
    )
    simplified = shapely.simplify(projected, tolerance, preserve_topology=True)
    parts: list[str] = []
    for polygon in shapely.get_parts(simplified):
        for ring in [polygon.exterior, *polygon.interiors]:
            part = _ring_path(np.asarray(ring.coords))
            if part:
                parts.append(part)
    return "".join(parts)


def neighborhood_svg_path(neighborhood: Neighborhood, width: float, height: float,
                          bounds: Bounds | None = None,
                          tolerance: float = DEFAULT_TOLERANCE_PX) -> str:
    """One neighborhood's outline; `bounds` defaults to its own box (a zoomed-in view)."""
    box = bounds or Bounds(neighborhood.min_lon, neighborhood.min_lat,
                           neighborhood.max_lon, neighborhood.max_lat)
    projection = Projection.fit(box, width, height)
    return geometry_svg_path(from_wkb(neighborhood.geometry_wkb), projection, tolerance)


def city_map(neighborhoods: Iterable[Neighborhood], width: float, height: float,
             bounds: Bounds | None = None,
             tolerance: float = DEFAULT_TOLERANCE_PX) -> CityMap:
    """Every neighborhood in one shared projection (the whole-city map)."""
    items = list(neighborhoods)
    if bounds is None:
        if not items:
            raise ValueError("no neighborhoods and no bounds: nothing to fit the map to")
        bounds = Bounds(min(n.min_lon for n in items), min(n.min_lat for n in items),
                        max(n.max_lon for n in items), max(n.max_lat for n in items))
    projection = Projection.fit(bounds, width, height)
    paths = [(n, geometry_svg_path(from_wkb(n.geometry_wkb), projection, tolerance))
             for n in items]
    return CityMap(projection=projection, paths=paths)


def _ring_path(xy: np.ndarray) -> str:
    # One decimal is a tenth of a pixel: finer digits only cost bytes.
    rounded = np.round(xy, 1)
    if len(rounded) > 1:
        keep = np.ones(len(rounded), dtype=bool)
        keep[1:] = np.any(rounded[1:] != rounded[:-1], axis=1)
        rounded = rounded[keep]
    if len(rounded) and (rounded[0] == rounded[-1]).all():
        rounded = rounded[:-1]  # "Z" closes the ring
    if len(rounded) < 3:
        return ""  # collapsed below a pixel: nothing to draw
    coords = " ".join(f"{_num(x)} {_num(y)}" for x, y in rounded.tolist())
    return f"M{coords}Z"  # after M, further pairs are implicit line-tos


def _num(value: float) -> str:
    text = f"{value:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text
