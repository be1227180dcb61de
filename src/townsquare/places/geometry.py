"""Read neighborhood boundaries from GeoJSON, and store them as WKB.

`parse_feature_collection` checks a whole file before anything touches the database and
reports every problem at once (an operator fixing a 121-feature export in QGIS wants the
full list, not one error per attempt). Problems name the feature by its 1-based position,
as people count features in an editor or a `jq` listing, and by its name when it has one:
`feature 12 ("Pocket")`. An invalid polygon is described in GEOS's words
(`shapely.is_valid_reason`: "Ring Self-intersection[-122.41 37.78]", "Nested shells[...]").

Real cities' files often hold a few invalid rings (San Francisco's has 3, Portland's 6).
They are refused unless the caller asks for a repair (`repair=True`, the command's
`--repair`): then `shapely.make_valid` fixes them with its "structure" method, keeping
the polygons only, and each repair is reported (`Repair`). "structure" rather than the
default "linework": a shell nested in another shell is merged into it, not cut out of it
as a hole, so every point the file put inside the neighborhood stays inside it.

Coordinates are WGS84 lon/lat as RFC 7946 requires. We do not reproject.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, NamedTuple, NoReturn

import numpy as np
import shapely
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from shapely.geometry import MultiPolygon, Polygon, shape

from townsquare.core.errors import Invalid
from townsquare.core.slugs import slugify
from townsquare.core.text import scrub

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


class Repair(NamedTuple):
    """One feature whose invalid geometry `make_valid` fixed, for the import's report."""

    number: int  # 1-based position in the file
    name: str
    reason: str  # what was wrong, in GEOS's words
    polygons: int  # how many polygons the repaired geometry has
    area_change: float | None  # relative; None when the file's area was 0 (a bow-tie)

    def __str__(self) -> str:
        message = ngettext(
            "%(label)s: %(reason)s; repaired into %(count)d polygon",
            "%(label)s: %(reason)s; repaired into %(count)d polygons", self.polygons,
        ) % {"label": _label(self.number, self.name), "reason": self.reason,
             "count": self.polygons}
        if self.area_change is not None and round(100 * self.area_change, 1) == 0:
            message += _(", area unchanged")
        elif self.area_change is not None:
            message += _(", area %(change)+.1f%%") % {"change": 100 * self.area_change}
        return message + "."


class ParsedCollection(NamedTuple):
    features: list[ParsedFeature]
    repairs: list[Repair]


def parse_feature_collection(
    source: GeoJSONSource, *, name_field: str = "name", repair: bool = False
) -> list[ParsedFeature]:
    """Parse and validate a GeoJSON FeatureCollection of (Multi)Polygons.

    Raises `Invalid` with every problem found in `fields["features"]`. With `repair`,
    invalid polygons are fixed instead of refused (see `read_feature_collection`).
    """
    return read_feature_collection(source, name_field=name_field, repair=repair).features


def read_feature_collection(
    source: GeoJSONSource, *, name_field: str = "name", repair: bool = False
) -> ParsedCollection:
    """`parse_feature_collection`, also returning the repairs made (only with `repair`).

    A geometry that is invalid but encloses an area is repaired with `make_valid`
    (polygons only) when `repair` is true, and refused with GEOS's reason otherwise. One
    that encloses no area at all (a flat or collinear ring) is refused either way.
    """
    document = _load_json(source)
    if not isinstance(document, Mapping) or document.get("type") != "FeatureCollection":
        found = document.get("type") if isinstance(document, Mapping) else type(document).__name__
        _fail([_("The file is not a GeoJSON FeatureCollection (its type is %(type)r).")
               % {"type": found}])
    features = document.get("features")
    if not isinstance(features, list):
        _fail([_('The FeatureCollection has no "features" list.')])
    if not features:
        _fail([_("The FeatureCollection has no features.")])

    errors: list[tuple[int, str]] = []
    parsed: list[tuple[int, ParsedFeature]] = []
    repairs: list[Repair] = []
    for number, feature in enumerate(features, start=1):
        found: list[str] = []
        result = _parse_feature(number, feature, name_field, found, repair, repairs)
        errors.extend((number, message) for message in found)
        if result is not None:
            parsed.append((number, result))

    _check_duplicates(parsed, errors)
    if errors:
        # In feature order (duplicates are found last), as an operator reads the file.
        _fail([message for _number, message in sorted(errors, key=lambda e: e[0])])
    return ParsedCollection([feature for _number, feature in parsed], repairs)


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


def _label(number: int, name: str | None) -> str:
    """How a message names a feature: `feature 12 ("Pocket")`, or `feature 12`."""
    if name is None:
        return _("feature %(number)d") % {"number": number}
    return _('feature %(number)d ("%(name)s")') % {"number": number, "name": name}


def _fail(errors: list[str]) -> NoReturn:
    count = len(errors)
    summary = errors[0] if count == 1 else (
        _("%(count)d problems; the first: %(first)s") % {"count": count, "first": errors[0]})
    raise Invalid(_("The GeoJSON file is not usable. %(summary)s") % {"summary": summary},
                  {"features": errors})


def _load_json(source: GeoJSONSource) -> Any:
    if isinstance(source, Mapping):
        return source
    if isinstance(source, bytes | bytearray):
        try:
            # utf-8-sig: exports from Windows tools often start with a byte-order mark.
            source = bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            _fail([_("The file is not JSON: not UTF-8 text (%(reason)s at byte %(at)d).")
                   % {"reason": exc.reason, "at": exc.start}])
    if not isinstance(source, str):
        raise TypeError(f"expected GeoJSON text, bytes or a dict, not {type(source).__name__}")
    try:
        return json.loads(source)
    except json.JSONDecodeError as exc:
        _fail([_("The file is not JSON: %(error)s (line %(line)d, column %(column)d).")
               % {"error": exc.msg, "line": exc.lineno, "column": exc.colno}])


def _parse_feature(
    number: int, feature: Any, name_field: str, errors: list[str], repair: bool,
    repairs: list[Repair],
) -> ParsedFeature | None:
    label = _label(number, None)
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        errors.append(_("%(label)s: is not a GeoJSON Feature object.") % {"label": label})
        return None
    properties = feature.get("properties")
    if properties is None:
        properties = {}
    if not isinstance(properties, Mapping):
        errors.append(_("%(label)s: its properties are not a JSON object.") % {"label": label})
        properties = {}
    properties = dict(properties)

    name = _check_name(label, properties, name_field, errors)
    if name is not None:
        label = _label(number, name)
    checked = _check_geometry(label, feature.get("geometry"), errors, repair)
    if checked is None:
        return None
    geometry, fixed = checked
    if name is None:
        return None
    if fixed is not None:
        repairs.append(fixed._replace(number=number, name=name))
    return ParsedFeature(name, properties, geometry)


def _check_name(
    label: str, properties: dict[str, Any], name_field: str, errors: list[str]
) -> str | None:
    raw = properties.get(name_field)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        errors.append(_('%(label)s: missing the name field "%(field)s".')
                      % {"label": label, "field": name_field})
        return None
    # Numbered districts (7) are fine as names; objects, lists and booleans are not.
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        errors.append(_('%(label)s: the name field "%(field)s" is not text.')
                      % {"label": label, "field": name_field})
        return None
    # Collapse whitespace: "Land  Park" and "Land Park" are one neighborhood.
    name = " ".join(scrub(str(raw)).split())
    if len(name) > MAX_NAME_LENGTH:
        errors.append(_("%(label)s: the name is longer than %(max)d characters.")
                      % {"label": label, "max": MAX_NAME_LENGTH})
        return None
    if not slugify(name):
        errors.append(_("%(label)s: the name %(name)r has no letters or digits to make a slug "
                        "from.") % {"label": label, "name": name})
        return None
    return name


def _check_geometry(
    label: str, raw: Any, errors: list[str], repair: bool
) -> tuple[MultiPolygon, Repair | None] | None:
    """The feature's geometry as a valid MultiPolygon, and the repair made if any."""
    def refuse(message: str, **values: object) -> None:
        errors.append(message % {"label": label, **values})

    if raw is None:
        return refuse(_("%(label)s: has no geometry."))
    kind = raw.get("type") if isinstance(raw, Mapping) else None
    if kind not in ("Polygon", "MultiPolygon"):
        shown = kind if isinstance(kind, str) else _("not a geometry")
        return refuse(_("%(label)s: the geometry is %(kind)s; only Polygon and MultiPolygon "
                        "are accepted."), kind=shown)
    coordinates = raw.get("coordinates")
    if coordinates in (None, []):
        return refuse(_("%(label)s: the geometry is empty."))
    try:
        geometry = shape(raw)
    except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.ShapelyError) as exc:
        return refuse(_("%(label)s: the coordinates are malformed (%(error)s)."), error=exc)
    if geometry.is_empty:
        return refuse(_("%(label)s: the geometry is empty."))
    geometry = shapely.force_2d(geometry)

    # Range before validity: a swapped file is "invalid" in confusing ways, and the real
    # problem is the order, so say that.
    problem = _coordinate_problem(shapely.get_coordinates(geometry))
    if problem:
        return refuse("%(label)s: %(problem)s", problem=problem)
    if geometry.is_valid:
        if geometry.area == 0:  # GEOS calls a ring without area invalid; kept as a guard
            return refuse(_("%(label)s: the geometry is degenerate (zero area)."))
        return as_multipolygon(geometry), None

    # Validity before area: the shoelace area of an invalid ring means little (a bow-tie's
    # two halves cancel out to 0), so ask what encloses an area once made valid.
    reason = shapely.is_valid_reason(geometry)
    polygons = _polygons_of(
        shapely.make_valid(geometry, method="structure", keep_collapsed=False))
    if polygons is None:
        return refuse(_("%(label)s: the geometry is degenerate (it encloses no area; "
                        "GEOS: %(reason)s)."), reason=reason)
    if not repair:
        return refuse(_("%(label)s: the geometry is invalid: %(reason)s (import with "
                        "--repair to fix it)."), reason=reason)
    change = (polygons.area - geometry.area) / geometry.area if geometry.area > 0 else None
    return polygons, Repair(0, "", reason, len(polygons.geoms), change)


def _polygons_of(repaired: shapely.Geometry) -> MultiPolygon | None:
    """The polygons of `make_valid`'s result, None if it encloses no area. (Its
    "structure" method without `keep_collapsed` returns only polygons; lines or points
    would be left out here all the same.)"""
    polygons: list[Polygon] = []
    for part in shapely.get_parts(repaired):
        if isinstance(part, Polygon):
            polygons.append(part)
        elif isinstance(part, MultiPolygon):
            polygons.extend(part.geoms)
    polygons = [p for p in polygons if not p.is_empty and p.area > 0]
    if not polygons:
        return None
    result = MultiPolygon(polygons)
    if not result.is_valid:  # parts of a GeometryCollection may touch along an edge
        result = as_multipolygon(shapely.union_all(polygons))
    return result


def _coordinate_problem(xy: np.ndarray) -> str | None:
    lon, lat = xy[:, 0], xy[:, 1]
    if not np.isfinite(xy).all():
        return _("some coordinates are not finite numbers.")
    lon_ok = (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    if lon_ok.all():
        return None
    # Valid only when read the other way round: the file is lat,lon.
    if ((np.abs(lon) <= 90) & (np.abs(lat) <= 180)).all():
        return _("coordinates look like lat,lon; GeoJSON is lon,lat.")
    bad = int(np.flatnonzero(~lon_ok)[0])
    return _(
        "coordinates outside longitude [-180, 180] / latitude [-90, 90], e.g. [%(x)s, %(y)s]; "
        "GeoJSON must be WGS84 lon,lat (reproject it first)."
    ) % {"x": _short(lon[bad]), "y": _short(lat[bad])}


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
        label = _label(number, feature.name)
        if feature.name in by_name:
            errors.append((number, _("%(label)s: duplicate name, also feature %(other)d.") % {
                "label": label, "other": by_name[feature.name]}))
            continue
        by_name[feature.name] = number
        slug = feature.slug
        if slug in by_slug:
            other, other_name = by_slug[slug]
            errors.append((number, _('%(label)s: the name gives the slug "%(slug)s", already '
                                     "used by %(other)s.") % {
                "label": label, "slug": slug, "other": _label(other, other_name)}))
            continue
        by_slug[slug] = (number, feature.name)
