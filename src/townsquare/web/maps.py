"""Template data for the maps: inline SVG shapes, links and projection, plus GeoJSON.

Every map is first an inline SVG (it needs no script and no tile server). With scripts on,
web/static/web/maps.js turns it into a slippy map (Leaflet) from the same neighborhoods as
GeoJSON (`MapView.geojson_json`, in the box's data-geojson attribute), over the tiles of
TOWNSQUARE_MAP_TILES_URL when the city sets one, or the boundaries alone when it does not.

Path data comes from places.svg. A whole-city map of Sacramento costs tens of milliseconds
to project and simplify, so it is cached per city and geometry version (an import bumps
the version, so a stale map is never served). Launch state is not cached: it is applied to
the cached shapes on every request.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from townsquare.places import svg
from townsquare.places.geometry import Bounds, from_wkb
from townsquare.places.models import City, Neighborhood

WIDTH = 1000.0
# Boundaries sent to the slippy map are simplified to about 5 m and rounded to about 1 m.
GEOJSON_TOLERANCE_DEG = 0.00005
GEOJSON_DIGITS = 5


@dataclass(frozen=True)
class Shape:
    neighborhood: Neighborhood
    d: str
    url: str
    launched: bool
    current: bool = False


@dataclass(frozen=True)
class MapView:
    id: str  # unique per page: prefixes the ids of the SVG's <title> and <pattern>s
    view_box: str
    shapes: list[Shape]
    width: float
    height: float
    projection_json: str  # for the map picker's data attribute (lon/lat from a click)
    # Per neighborhood pk, its simplified outline as a GeoJSON geometry (lon/lat).
    geometries: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def geojson(self) -> dict[str, Any]:
        """What maps.js draws: the tile source, and a FeatureCollection of the shapes."""
        features = [
            {"type": "Feature", "geometry": self.geometries[s.neighborhood.pk], "properties": {
                "name": s.neighborhood.name, "url": s.url,
                "launched": s.launched, "current": s.current,
            }}
            for s in self.shapes if s.neighborhood.pk in self.geometries
        ]
        return {
            "tiles": settings.TOWNSQUARE_MAP_TILES_URL,
            "attribution": settings.TOWNSQUARE_MAP_TILES_ATTRIBUTION,
            "features": {"type": "FeatureCollection", "features": features},
        }

    @property
    def geojson_json(self) -> str:
        return json.dumps(self.geojson, separators=(",", ":"))


def neighborhood_url(nbhd: Neighborhood, city_slug: str | None = None) -> str:
    return reverse("web:neighborhood", args=[city_slug or nbhd.city.slug, nbhd.slug])


def geojson_geometry(nbhd: Neighborhood) -> dict[str, Any]:
    """A neighborhood's outline for the slippy map: simplified, rounded, as a MultiPolygon."""
    simplified = shapely.simplify(from_wkb(nbhd.geometry_wkb), GEOJSON_TOLERANCE_DEG,
                                  preserve_topology=True)
    polygons = []
    for polygon in shapely.get_parts(simplified):
        rings = [np.round(np.asarray(ring.coords)[:, :2], GEOJSON_DIGITS).tolist()
                 for ring in [polygon.exterior, *polygon.interiors]]
        polygons.append(rings)
    return {"type": "MultiPolygon", "coordinates": polygons}


def _height_for(bounds: Bounds) -> float:
    """A viewport height that fits the area without wide empty margins."""
    mid = math.radians((bounds.min_lat + bounds.max_lat) / 2)
    span_x = max(bounds.max_lon - bounds.min_lon, 1e-6) * max(math.cos(mid), 0.01)
    span_y = max(bounds.max_lat - bounds.min_lat, 1e-6)
    return float(round(min(max(WIDTH * span_y / span_x, 400.0), 1400.0)))


def _bounds_of(items: list[Neighborhood]) -> Bounds:
    return Bounds(min(n.min_lon for n in items), min(n.min_lat for n in items),
                  max(n.max_lon for n in items), max(n.max_lat for n in items))


def city_map(city: City, neighborhoods: list[Neighborhood]) -> MapView | None:
    if not neighborhoods:
        return None
    key = f"web:citymap:{city.pk}:{city.created_at.timestamp()}:{city.geometry_version}"
    cached = cache.get(key)
    if (cached is None or "geometries" not in cached
            or set(cached["paths"]) != {n.pk for n in neighborhoods}):
        bounds = _bounds_of(neighborhoods)
        drawn = svg.city_map(neighborhoods, WIDTH, _height_for(bounds), bounds=bounds)
        cached = {
            "view_box": drawn.projection.view_box(),
            "projection": drawn.projection.js_params(),
            "paths": {n.pk: d for n, d in drawn.paths},
            "geometries": {n.pk: geojson_geometry(n) for n in neighborhoods},
        }
        cache.set(key, cached, timeout=24 * 3600)
    shapes = [Shape(n, cached["paths"][n.pk], neighborhood_url(n, city.slug), n.launched)
              for n in neighborhoods if cached["paths"].get(n.pk)]
    _x, _y, width, height = cached["view_box"].split()
    return MapView(id=f"map-{city.slug}", view_box=cached["view_box"], shapes=shapes,
                   width=float(width), height=float(height),
                   projection_json=json.dumps(cached["projection"]),
                   geometries=cached["geometries"])


def neighborhood_map(nbhd: Neighborhood, nearby: list[Neighborhood]) -> MapView:
    """The neighborhood in the middle, its neighbors around it for context."""
    items = [nbhd, *nearby]
    bounds = _bounds_of(items)
    drawn = svg.city_map(items, WIDTH, _height_for(bounds), bounds=bounds)
    city_slug = nbhd.city.slug
    shapes = [Shape(n, d, neighborhood_url(n, city_slug), n.launched, current=n.pk == nbhd.pk)
              for n, d in drawn.paths if d]
    # The current neighborhood is drawn last so its outline sits on top of its neighbors'.
    shapes.sort(key=lambda s: s.current)
    return MapView(id=f"map-{nbhd.slug}", view_box=drawn.projection.view_box(), shapes=shapes,
                   width=drawn.projection.width, height=drawn.projection.height,
                   projection_json=json.dumps(drawn.projection.js_params()),
                   geometries={n.pk: geojson_geometry(n) for n in items})
