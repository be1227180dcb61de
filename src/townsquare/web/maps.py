"""Template data for the inline SVG maps (no tile server): shapes, links and projection.

Path data comes from places.svg. A whole-city map of Sacramento costs tens of milliseconds
to project and simplify, so it is cached per city and geometry version (an import bumps
the version, so a stale map is never served). Launch state is not cached: it is applied to
the cached shapes on every request.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse

from townsquare.places import svg
from townsquare.places.geometry import Bounds
from townsquare.places.models import City, Neighborhood

WIDTH = 1000.0


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


def neighborhood_url(nbhd: Neighborhood, city_slug: str | None = None) -> str:
    return reverse("web:neighborhood", args=[city_slug or nbhd.city.slug, nbhd.slug])


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
    if cached is None or set(cached["paths"]) != {n.pk for n in neighborhoods}:
        bounds = _bounds_of(neighborhoods)
        drawn = svg.city_map(neighborhoods, WIDTH, _height_for(bounds), bounds=bounds)
        cached = {
            "view_box": drawn.projection.view_box(),
            "projection": drawn.projection.js_params(),
            "paths": {n.pk: d for n, d in drawn.paths},
        }
        cache.set(key, cached, timeout=24 * 3600)
    shapes = [Shape(n, cached["paths"][n.pk], neighborhood_url(n, city.slug), n.launched)
              for n in neighborhoods if cached["paths"].get(n.pk)]
    _x, _y, width, height = cached["view_box"].split()
    return MapView(id=f"map-{city.slug}", view_box=cached["view_box"], shapes=shapes,
                   width=float(width), height=float(height),
                   projection_json=json.dumps(cached["projection"]))


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
                   projection_json=json.dumps(drawn.projection.js_params()))
