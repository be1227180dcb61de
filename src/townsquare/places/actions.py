"""Write operations on places: neighborhood boundaries and the address gazetteer.

Both imports validate everything first and then write inside one durable transaction,
so a bad file changes nothing and a good one is applied whole.
"""

from __future__ import annotations

import csv
import math
import os
import re
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np
import shapely
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from townsquare.core import audit
from townsquare.core.csvfiles import open_text
from townsquare.core.errors import Invalid
from townsquare.core.slugs import slugify
from townsquare.places.geoindex import PolygonIndex, locate_many
from townsquare.places.geometry import (
    GeoJSONSource,
    Repair,
    from_wkb,
    geometry_bounds,
    read_feature_collection,
    to_wkb,
)
from townsquare.places.models import Address, City, Neighborhood
from townsquare.places.selectors import normalise_address
from townsquare.places.streets import is_intersection
from townsquare.places.streets import parse as parse_address

BATCH_SIZE = 1000
_ADDRESS_MAX = Address._meta.get_field("key").max_length or 200
_CITY_NAME_MAX = City._meta.get_field("name").max_length or 120


# --- neighborhoods -----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What an import did.

    `updated` counts the existing neighborhoods (matched by slug) that the file rewrote;
    `unchanged` is how many of those were already identical, so a re-run of the same file
    reads "0 created, 121 updated (121 unchanged)". `not_in_file` neighborhoods exist in
    the database but not in the file: they are left in place, residents reference them.
    `repairs` lists the features whose invalid geometry was fixed (only with `repair`).
    """

    city: City
    created: int
    updated: int
    unchanged: int
    not_in_file: int
    not_in_file_names: tuple[str, ...] = ()
    addresses_relocated: int = 0
    repairs: tuple[Repair, ...] = ()


def import_neighborhoods(
    city_name: str,
    source: GeoJSONSource | os.PathLike[str] | IO[Any],
    *,
    name_field: str = "name",
    repair: bool = False,
    actor: Any = None,
) -> ImportResult:
    """Create or update a city's neighborhoods from a GeoJSON FeatureCollection.

    `source` is GeoJSON text, bytes, a parsed dict, a `pathlib.Path` or an open file
    (a plain str is GeoJSON text, never a path). Raises `Invalid` listing every problem.
    Invalid polygons are refused, or with `repair` fixed by `make_valid` and reported in
    `ImportResult.repairs` (places/geometry.py).
    """
    city_name = " ".join(city_name.split())
    city_slug = slugify(city_name)
    if not city_slug:
        raise Invalid(_("The city needs a name with letters or digits."),
                      {"city": [_("Required.")]})
    if max(len(city_name), len(city_slug)) > _CITY_NAME_MAX:
        raise Invalid(_("The city name is longer than %(max)s characters.")
                      % {"max": _CITY_NAME_MAX},
                      {"city": [_("Too long.")]})
    features, repairs = read_feature_collection(_read_geojson(source), name_field=name_field,
                                                repair=repair)

    with transaction.atomic(durable=True):
        # Locking the city row serialises two imports of the same city.
        city = City.objects.select_for_update().filter(slug=city_slug).first()
        if city is None:
            city = City.objects.create(name=city_name, slug=city_slug)
        existing = {n.slug: n for n in Neighborhood.objects.filter(city=city)}
        now = timezone.now()

        to_create: list[Neighborhood] = []
        to_update: list[Neighborhood] = []
        unchanged = 0
        shapes: dict[str, tuple[shapely.Geometry, float]] = {}
        for name, properties, geometry in features:
            slug = slugify(name)
            wkb = to_wkb(geometry)
            area = float(geometry.area)
            box = geometry_bounds(geometry)
            shapes[slug] = (geometry, area)
            values = {
                "name": name, "geometry_wkb": wkb, "area": area, "min_lon": box.min_lon,
                "min_lat": box.min_lat, "max_lon": box.max_lon, "max_lat": box.max_lat,
                "source_properties": properties,
            }
            current = existing.get(slug)
            if current is None:
                to_create.append(Neighborhood(city=city, slug=slug, **values))
                continue
            if (current.name == name and bytes(current.geometry_wkb) == wkb
                    and current.source_properties == properties):
                unchanged += 1
            for attr, value in values.items():
                setattr(current, attr, value)
            current.updated_at = now  # bulk_update skips auto_now
            to_update.append(current)

        Neighborhood.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        Neighborhood.objects.bulk_update(
            to_update, [*_UPDATED_FIELDS, "updated_at"], batch_size=200
        )
        missing = sorted((n for slug, n in existing.items() if slug not in shapes),
                         key=lambda n: n.name)
        for n in missing:
            shapes[n.slug] = (from_wkb(n.geometry_wkb), n.area)

        index = _index_from(city, shapes)
        _recompute_nearby(city, index)
        relocated = _relocate_addresses(city, index)

        City.objects.filter(pk=city.pk).update(geometry_version=F("geometry_version") + 1)
        city.refresh_from_db(fields=["geometry_version"])
        result = ImportResult(
            city=city, created=len(to_create), updated=len(to_update), unchanged=unchanged,
            not_in_file=len(missing), not_in_file_names=tuple(n.name for n in missing),
            addresses_relocated=relocated, repairs=tuple(repairs),
        )
        audit.record(
            actor, "places.import_neighborhoods", city,
            created=result.created, updated=result.updated, unchanged=result.unchanged,
            not_in_file=result.not_in_file, geometry_version=city.geometry_version,
            repaired=[repaired.name for repaired in repairs],
        )
    return result


_UPDATED_FIELDS = ["name", "geometry_wkb", "area", "min_lon", "min_lat", "max_lon",
                   "max_lat", "source_properties"]


def _read_geojson(source: GeoJSONSource | os.PathLike[str] | IO[Any]) -> GeoJSONSource:
    if isinstance(source, os.PathLike):
        with open(source, "rb") as handle:
            return handle.read()
    if hasattr(source, "read"):
        return source.read()  # type: ignore[union-attr]
    return source  # type: ignore[return-value]


def _index_from(city: City, shapes: dict[str, tuple[shapely.Geometry, float]]) -> PolygonIndex:
    # Built from the geometries in hand, not through the per-process cache: the cache
    # must never see rows this transaction might still roll back.
    ids = dict(Neighborhood.objects.filter(city=city).values_list("slug", "id"))
    slugs = list(shapes)
    return PolygonIndex.build(
        ids=[ids[s] for s in slugs],
        geometries=[shapes[s][0] for s in slugs],
        areas=[shapes[s][1] for s in slugs],
        slugs=slugs,
    )


def _recompute_nearby(city: City, index: PolygonIndex) -> int:
    """Neighborhoods are nearby when their polygons touch or overlap. Returns pair count."""
    pairs = index.touching_pairs()
    through = Neighborhood.nearby.through
    through.objects.filter(
        Q(from_neighborhood__city=city) | Q(to_neighborhood__city=city)
    ).delete()
    # A symmetrical M2M stores both directions; bulk_create bypasses add(), so write both.
    through.objects.bulk_create(
        [through(from_neighborhood_id=a, to_neighborhood_id=b) for a, b in pairs]
        + [through(from_neighborhood_id=b, to_neighborhood_id=a) for a, b in pairs],
        batch_size=BATCH_SIZE,
    )
    return len(pairs)


def _relocate_addresses(city: City, index: PolygonIndex) -> int:
    """Keep the gazetteer's neighborhood in step with the new boundaries."""
    rows = list(Address.objects.filter(city=city).values_list("id", "lon", "lat",
                                                               "neighborhood_id"))
    if not rows:
        return 0
    ids, lons, lats, current = (list(column) for column in zip(*rows, strict=True))
    found = index.locate(np.array(lons), np.array(lats))
    changed = [
        Address(id=pk, neighborhood_id=None if new == -1 else new)
        for pk, new, old in zip(ids, found.tolist(), current, strict=True)
        if (None if new == -1 else new) != old
    ]
    Address.objects.bulk_update(changed, ["neighborhood"], batch_size=BATCH_SIZE)
    return len(changed)


# --- the address gazetteer ----------------------------------------------------------------


@dataclass(frozen=True)
class SkippedRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class AddressImportResult(int):
    """The number of addresses imported, carrying what was left out.

    An int, so `import_addresses(...) == 5492` and f"{n} addresses" keep working, with the
    skipped rows (by line number), merged duplicates and points outside every
    neighborhood as attributes.
    """

    skipped: tuple[SkippedRow, ...]
    duplicates: int
    outside: int

    def __new__(cls, imported: int, *, skipped: tuple[SkippedRow, ...] = (),
                duplicates: int = 0, outside: int = 0) -> AddressImportResult:
        result = super().__new__(cls, imported)
        result.skipped = skipped
        result.duplicates = duplicates
        result.outside = outside
        return result

    @property
    def imported(self) -> int:
        return int(self)


@dataclass
class _Rows:
    texts: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    lons: list[float] = field(default_factory=list)
    lats: list[float] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    duplicates: int = 0


def import_addresses(
    city: City, csv_path_or_file: str | os.PathLike[str] | IO[Any]
) -> AddressImportResult:
    """Replace the city's gazetteer with the CSV's `address,latitude,longitude` rows.

    Keys are normalised (`selectors.normalise_address`); the first row of each key wins.
    Rows with a missing address or impossible coordinates are skipped and reported by
    line number. The replacement is atomic: readers see the old gazetteer or the new one.
    """
    with open_text(csv_path_or_file) as stream:
        rows = _read_address_rows(stream)

    lons, lats = np.array(rows.lons, dtype=np.float64), np.array(rows.lats, dtype=np.float64)
    found = locate_many(city, lons, lats) if rows.keys else np.empty(0, dtype=np.int64)
    addresses = [_incident_address(city, text, key, lon, lat, hood)
                 for text, key, lon, lat, hood in zip(rows.texts, rows.keys, rows.lons,
                                                      rows.lats, found.tolist(), strict=True)]
    with transaction.atomic(durable=True):
        # The address points of an OpenAddresses import stay, and win over a block point
        # with the same key.
        Address.objects.filter(city=city, source=Address.Source.INCIDENTS).delete()
        points = set(Address.objects.filter(city=city).values_list("key", flat=True))
        Address.objects.bulk_create([a for a in addresses if a.key not in points],
                                    batch_size=BATCH_SIZE)
    return AddressImportResult(
        len(addresses), skipped=tuple(rows.skipped), duplicates=rows.duplicates,
        outside=int((found == -1).sum()),
    )



def _read_address_rows(stream: IO[str]) -> _Rows:
    reader = csv.reader(stream)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise Invalid(_("The CSV file is empty."), {"file": [_("No header row.")]}) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise Invalid(_("The file is not a UTF-8 CSV file."), {"file": [str(exc)]}) from exc
    missing = [c for c in ("address", "latitude", "longitude") if c not in header]
    if missing:
        raise Invalid(
            ngettext("The CSV file lacks the column(s): %(columns)s.",
                     "The CSV file lacks the column(s): %(columns)s.", len(missing))
            % {"columns": ", ".join(missing)},
            {"file": [_('Missing column "%(column)s".') % {"column": c} for c in missing]},
        )
    at = {name: header.index(name) for name in ("address", "latitude", "longitude")}
    rows = _Rows()
    seen: set[str] = set()
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # blank lines are not worth a report
            cells = {name: record[i] if i < len(record) else "" for name, i in at.items()}
            problem, lat, lon = _check_row(cells)
            if problem:
                rows.skipped.append(SkippedRow(line, problem))
                continue
            key = normalise_address(cells["address"])
            if key in seen:
                rows.duplicates += 1
                continue
            seen.add(key)
            rows.texts.append(" ".join(cells["address"].split()))
            rows.keys.append(key)
            rows.lons.append(lon)
            rows.lats.append(lat)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise Invalid(_("The CSV file is malformed near line %(line)s.")
                      % {"line": reader.line_num},
                      {"file": [str(exc)]}) from exc
    return rows


def _check_row(cells: dict[str, str]) -> tuple[str | None, float, float]:
    key = normalise_address(cells["address"])
    if not key:
        return "no address", 0.0, 0.0
    if len(key) > _ADDRESS_MAX:
        return f"the address is longer than {_ADDRESS_MAX} characters", 0.0, 0.0
    try:
        lat, lon = float(cells["latitude"]), float(cells["longitude"])
    except ValueError:
        shown = f"latitude {cells['latitude']!r}, longitude {cells['longitude']!r}"
        return f"the coordinates are not numbers ({shown})", 0.0, 0.0
    if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
        return f"impossible coordinates (latitude {lat}, longitude {lon})", 0.0, 0.0
    return None, lat, lon


# "3108 OCCIDENTAL DR" -> "OCCIDENTAL DR"; "2400 1/2 J ST" -> "J ST". Ordinals such as
# "3RD ST" are not house numbers: the optional suffix is a single letter ("12A").
_HOUSE_NUMBER = re.compile(r"^\d+[A-Z]?(?:\s+\d+/\d+)?\s+(?=\S)")


def _incident_address(city: City, text: str, key: str, lon: float, lat: float,
                      hood: int) -> Address:
    corner = is_intersection(key)
    parsed = parse_address(key)
    return Address(city=city, text=text, key=key, street=_street(key), lat=lat, lon=lon,
                   neighborhood_id=None if hood == -1 else hood, is_intersection=corner,
                   number="" if corner else parsed.number,
                   number_value=None if corner else parsed.number_value)


def _street(key: str) -> str:
    if " / " in key:
        return key  # an intersection: both streets are the point
    return _HOUSE_NUMBER.sub("", key)
