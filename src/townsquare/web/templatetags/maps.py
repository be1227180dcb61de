"""Template filters for the slippy maps (web/maps.py, static/web/maps.js)."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


@register.filter
def choropleth_geojson(choropleth: Any, city_slug: str) -> str:
    """The crime choropleth as the slippy map's GeoJSON: each neighborhood with the fill and
    the count of the SVG map, linking to its crime page."""
    geometries = choropleth.map.geometries
    features = [
        {"type": "Feature", "geometry": geometries[area.shape.neighborhood.pk], "properties": {
            "name": area.shape.neighborhood.name,
            "url": reverse("web:neighborhood_crime",
                           args=[city_slug, area.shape.neighborhood.slug]),
            "current": area.shape.current, "launched": False,
            "color": area.fill, "label": str(area.count),
        }}
        for area in choropleth.areas if area.shape.neighborhood.pk in geometries
    ]
    data = choropleth.map.geojson
    data["features"] = {"type": "FeatureCollection", "features": features}
    return json.dumps(data, separators=(",", ":"))
