"""Paths to the real data and small synthetic GeoJSON builders for the places tests."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "data" / "sacramento"
NEIGHBORHOODS = DATA / "neighborhoods.geojson"
CRIME = DATA / "crime-2006-01.csv"

# Synthetic cities sit near (-100, 40) and use steps that are exact in binary, so a point
# "on the shared edge" really is on it.
X0, Y0 = -100.0, 40.0


def ring(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def square(name: str | None, x0: float, y0: float, size: float, *, multi: bool = False,
           field: str = "name", **properties: Any) -> dict[str, Any]:
    """A square feature with its south-west corner at (X0 + x0, Y0 + y0)."""
    coords = [ring(X0 + x0, Y0 + y0, X0 + x0 + size, Y0 + y0 + size)]
    geometry = ({"type": "MultiPolygon", "coordinates": [coords]} if multi
                else {"type": "Polygon", "coordinates": coords})
    props = dict(properties)
    if name is not None:
        props[field] = name
    return {"type": "Feature", "properties": props, "geometry": geometry}


def feature(name: str, geometry: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"name": name}, "geometry": geometry}


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


@cache
def crime_points() -> tuple[np.ndarray, np.ndarray]:
    """(lons, lats) of all 7,584 incidents."""
    with CRIME.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    lons = np.array([float(r["longitude"]) for r in rows])
    lats = np.array([float(r["latitude"]) for r in rows])
    return lons, lats


# Invalid rings as real cities' files have them (San Francisco's, Portland's), each with a
# valid square beside it: what GEOS says about each, and what `make_valid` makes of it.
def bow_tie(name: str, x0: float) -> dict[str, Any]:
    """Two triangles meeting in a point: a self-intersecting ring, its signed area 0."""
    return feature(name, {"type": "Polygon", "coordinates": [[
        [X0 + x0, Y0], [X0 + x0 + 1, Y0 + 1], [X0 + x0 + 1, Y0], [X0 + x0, Y0 + 1],
        [X0 + x0, Y0]]]})


def nested_shells(name: str, x0: float) -> dict[str, Any]:
    """A MultiPolygon whose second polygon lies inside its first."""
    return feature(name, {"type": "MultiPolygon", "coordinates": [
        [ring(X0 + x0, Y0, X0 + x0 + 1, Y0 + 1)],
        [ring(X0 + x0 + 0.25, Y0 + 0.25, X0 + x0 + 0.5, Y0 + 0.5)]]})


def pinched(name: str, x0: float) -> dict[str, Any]:
    """A ring that touches itself in one vertex ("Ring Self-intersection")."""
    return feature(name, {"type": "Polygon", "coordinates": [[
        [X0 + x0, Y0], [X0 + x0 + 2, Y0], [X0 + x0 + 2, Y0 + 2], [X0 + x0 + 1, Y0],
        [X0 + x0, Y0 + 2], [X0 + x0, Y0]]]})
