"""Read neighborhood boundaries from GeoJSON, and store them as WKB.

`parse_feature_collection` checks a whole file before anything touches the database and
reports every problem at once (an operator fixing a 121-feature export in QGIS wants the
full list, not one error per attempt). Problems name the feature by its 1-based position,
"feature 12", because that is how people count features in an editor or `jq` listing.

Coordinates are WGS84 lon/lat as RFC 7946 requires. We do not reproject.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, NamedTuple, NoReturn

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

from townsquare.core.errors import Invalid
from townsquare.core.slugs import slugify

# Matches Neighborhood.name / slug max_length: better a clear message here than a
# database error halfway through an import.
MAX_NAME_LENGTH = 200

GeoJSONSource = str | bytes | bytearray | Mapping[str, Any]


class Bounds(NamedTuple):
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


class ParsedFeature(NamedTuple):
    """One neighborhood read from the file: a tuple so `name, props, geom = f` works."""

    name: str
    properties: dict[str, Any]
    geometry: MultiPolygon

    @property
    def slug(self) -> str:
        return slugify(self.name)


def parse_feature_collection(
    source: GeoJSONSource, *, name_field: str = "name"
) -> list[ParsedFeature]:
    """Parse and validate a GeoJSON FeatureCollection of (Multi)Polygons.

    Raises `Invalid` with every problem found in `fields["features"]`.
    """
    document = _load_json(source)
    if not isinstance(document, Mapping) or document.get("type") != "FeatureCollection":
        found = document.get("type") if isinstance(document, Mapping) else type(document).__name__
        _fail([f"The file is not a GeoJSON FeatureCollection (its type is {found!r})."])
    features = document.get("features")
    if not isinstance(features, list):
        _fail(['The FeatureCollection has no "features" list.'])
    if not features:
        _fail(["The FeatureCollection has no features."])

    errors: list[tuple[int, str]] = []
    parsed: list[tuple[int, ParsedFeature]] = []
    for number, feature in enumerate(features, start=1):
        found: list[str] = []
        result = _parse_feature(number, feature, name_field, found)
        errors.extend((number, message) for message in found)
        if result is not None:
            parsed.append((number, result))

    _check_duplicates(parsed, errors)
    if errors:
        # In feature order (duplicates are found last), as an operator reads the file.
        _fail([message for _number, message in sorted(errors, key=lambda e: e[0])])
    return [feature for _number, feature in parsed]


def to_wkb(geometry: MultiPolygon) -> bytes:
    # 2D only: a stray Z coordinate would change the WKB type code and buys us nothing.
    return shapely.to_wkb(geometry, output_dimension=2)


def from_wkb(data: bytes | bytearray | memoryview) -> MultiPolygon:
    # PostgreSQL hands BinaryField values back as memoryview; shapely wants bytes.
    geometry = shapely.from_wkb(bytes(data))
    return as_multipolygon(geometry)


def as_multipolygon(geometry: shapely.Geometry) -> MultiPolygon:
    if isinstance(geometry, MultiPolygon):
        return geometry
    if isinstance(geometry, Polygon):
        return MultiPolygon([geometry])
    raise TypeError(f"expected a (Multi)Polygon, got {geometry.geom_type}")


def geometry_bounds(geometry: shapely.Geometry) -> Bounds:
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in shapely.bounds(geometry))
    return Bounds(min_lon, min_lat, max_lon, max_lat)


# --- internals ---------------------------------------------------------------------------


def _fail(errors: list[str]) -> NoReturn:
    count = len(errors)
    summary = errors[0] if count == 1 else f"{count} problems; the first: {errors[0]}"
    raise Invalid(f"The GeoJSON file is not usable. {summary}", {"features": errors})


def _load_json(source: GeoJSONSource) -> Any:
    if isinstance(source, Mapping):
        return source
    if isinstance(source, bytes | bytearray):
        try:
            # utf-8-sig: exports from Windows tools often start with a byte-order mark.
            source = bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            _fail([f"The file is not JSON: not UTF-8 text ({exc.reason} at byte {exc.start})."])
    if not isinstance(source, str):
        raise TypeError(f"expected GeoJSON text, bytes or a dict, not {type(source).__name__}")
    try:
        return json.loads(source)
    except json.JSONDecodeError as exc:
        _fail([f"The file is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."])


def _parse_feature(
    number: int, feature: Any, name_field: str, errors: list[str]
) -> ParsedFeature | None:
    label = f"feature {number}"
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        errors.append(f"{label}: is not a GeoJSON Feature object.")
        return None
    properties = feature.get("properties")
    if properties is None:
        properties = {}
    if not isinstance(properties, Mapping):
        errors.append(f"{label}: its properties are not a JSON object.")
        properties = {}
    properties = dict(properties)

    name = _check_name(label, properties, name_field, errors)
    geometry = _check_geometry(label, feature.get("geometry"), errors)
    if name is None or geometry is None:
        return None
    return ParsedFeature(name, properties, geometry)


def _check_name(
    label: str, properties: dict[str, Any], name_field: str, errors: list[str]
) -> str | None:
    raw = properties.get(name_field)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        errors.append(f'{label}: missing the name field "{name_field}".')
        return None
    # Numbered districts (7) are fine as names; objects, lists and booleans are not.
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        errors.append(f'{label}: the name field "{name_field}" is not text.')
        return None
    # Collapse whitespace: "Land  Park" and "Land Park" are one neighborhood.
    name = " ".join(str(raw).split())
    if len(name) > MAX_NAME_LENGTH:
        errors.append(f"{label}: the name is longer than {MAX_NAME_LENGTH} characters.")
        return None
    if not slugify(name):
        errors.append(f"{label}: the name {name!r} has no letters or digits to make a slug from.")
        return None
    return name


def _check_geometry(label: str, raw: Any, errors: list[str]) -> MultiPolygon | None:
    if raw is None:
        errors.append(f"{label}: has no geometry.")
        return None
    kind = raw.get("type") if isinstance(raw, Mapping) else None
    if kind not in ("Polygon", "MultiPolygon"):
        shown = kind if isinstance(kind, str) else "not a geometry"
        errors.append(
            f"{label}: the geometry is {shown}; only Polygon and MultiPolygon are accepted."
        )
        return None
    coordinates = raw.get("coordinates")
    if coordinates in (None, []):
        errors.append(f"{label}: the geometry is empty.")
        return None
    try:
        geometry = shape(raw)
    except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.ShapelyError) as exc:
        errors.append(f"{label}: the coordinates are malformed ({exc}).")
        return None
    if geometry.is_empty:
        errors.append(f"{label}: the geometry is empty.")
        return None
    geometry = shapely.force_2d(geometry)

    # Range before validity: a swapped file is "invalid" in confusing ways, and the real
    # problem is the order, so say that.
    problem = _coordinate_problem(shapely.get_coordinates(geometry))
    if problem:
        errors.append(f"{label}: {problem}")
        return None
    if geometry.area == 0:
        errors.append(f"{label}: the geometry is degenerate (zero area).")
        return None
    if not geometry.is_valid:
        errors.append(f"{label}: the geometry is invalid: {shapely.is_valid_reason(geometry)}.")
        return None
    return as_multipolygon(geometry)


def _coordinate_problem(xy: np.ndarray) -> str | None:
    lon, lat = xy[:, 0], xy[:, 1]
    if not np.isfinite(xy).all():
        return "some coordinates are not finite numbers."
    lon_ok = (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    if lon_ok.all():
        return None
    # Valid only when read the other way round: the file is lat,lon.
    if ((np.abs(lon) <= 90) & (np.abs(lat) <= 180)).all():
        return "coordinates look like lat,lon; GeoJSON is lon,lat."
    bad = int(np.flatnonzero(~lon_ok)[0])
    x, y = _short(lon[bad]), _short(lat[bad])
    return (
        f"coordinates outside longitude [-180, 180] / latitude [-90, 90], e.g. [{x}, {y}]; "
        "GeoJSON must be WGS84 lon,lat (reproject it first)."
    )


def _short(value: float) -> str:
    return f"{value:.6g}" if math.isfinite(value) else str(value)


def _check_duplicates(
    parsed: list[tuple[int, ParsedFeature]], errors: list[tuple[int, str]]
) -> None:
    # Neighborhoods are matched by slug on re-import, so two features with one slug would
    # silently overwrite each other: refuse instead.
    by_name: dict[str, int] = {}
    by_slug: dict[str, tuple[int, str]] = {}
    for number, feature in parsed:
        if feature.name in by_name:
            errors.append((number, (
                f'feature {number}: duplicate name "{feature.name}" '
                f"(also feature {by_name[feature.name]})."
            )))
            continue
        by_name[feature.name] = number
        slug = feature.slug
        if slug in by_slug:
            other, other_name = by_slug[slug]
            errors.append((number, (
                f'feature {number}: the name "{feature.name}" gives the slug "{slug}", '
                f'already used by feature {other} ("{other_name}").'
            )))
            continue
        by_slug[slug] = (number, feature.name)
