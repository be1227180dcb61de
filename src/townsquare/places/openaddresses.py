"""Importing a city's address points from an OpenAddresses CSV file.

OpenAddresses (openaddresses.io) publishes address points as CSV with the columns LON, LAT,
NUMBER, STREET, UNIT, CITY, DISTRICT, REGION, POSTCODE, ID, HASH. Every row is checked
before anything is written: one bad row and nothing changes, and every bad row is reported
with its line number. A good file is applied in one transaction; addresses are matched by
their key, so importing again updates them in place. The incident gazetteer stays: its
rows are the fallback for addresses the file does not know.
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from townsquare.core import audit
from townsquare.core.csvfiles import open_text
from townsquare.core.errors import Invalid
from townsquare.places import streets
from townsquare.places.geoindex import locate_many
from townsquare.places.models import Address, City

BATCH_SIZE = 1000
REQUIRED = ("LON", "LAT", "NUMBER", "STREET")
OPTIONAL = ("UNIT", "CITY", "DISTRICT", "REGION", "POSTCODE", "ID", "HASH")
# Errors listed in the exception; the count stays exact beyond it.
MAX_LISTED = 200
_MAX = {name: Address._meta.get_field(name).max_length or 0
        for name in ("key", "text", "number", "unit", "locality", "state", "postcode",
                     "source_id")}

# US state names as OpenAddresses sometimes writes them, to their postal codes.
_STATES = {"CALIFORNIA": "CA", "OREGON": "OR", "WASHINGTON": "WA", "NEVADA": "NV",
           "ARIZONA": "AZ", "NEW YORK": "NY", "TEXAS": "TX"}


@dataclass(frozen=True)
class OpenAddressesResult:
    city: City
    created: int
    updated: int
    unchanged: int
    duplicates: int
    outside: int


@dataclass
class _Point:
    line: int
    values: dict[str, Any]
    lon: float
    lat: float


@dataclass
class _Parsed:
    points: dict[str, _Point] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    duplicates: int = 0

    def problem(self, line: int, text: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(f"line {line}: {text}")


def import_openaddresses(city: City, source: str | os.PathLike[str] | IO[Any], *,
                         actor: Any = None) -> OpenAddressesResult:
    """Create or update the city's address points from an OpenAddresses CSV file."""
    with open_text(source) as stream:
        parsed = _read(stream)
    if parsed.problem_count:
        more = parsed.problem_count - len(parsed.problems)
        listed = parsed.problems + ([f"... and {more} more"] if more > 0 else [])
        raise Invalid(
            ngettext("%(count)s row of the file is not a usable address; nothing was "
                     "imported.",
                     "%(count)s rows of the file are not usable addresses; nothing was "
                     "imported.", parsed.problem_count) % {"count": parsed.problem_count},
            {"file": listed},
        )
    keys = list(parsed.points)
    points = [parsed.points[k] for k in keys]
    lons = np.array([p.lon for p in points], dtype=np.float64)
    lats = np.array([p.lat for p in points], dtype=np.float64)
    found = locate_many(city, lons, lats) if keys else np.empty(0, dtype=np.int64)
    fields = ["text", "street", "lat", "lon", "neighborhood", "source", "is_intersection",
              "number", "number_value", "unit", "locality", "state", "postcode", "source_id"]

    with transaction.atomic(durable=True):
        City.objects.select_for_update().filter(pk=city.pk).first()
        existing = {a.key: a for a in Address.objects.filter(city=city, key__in=keys)}
        to_create, to_update, unchanged = [], [], 0
        for key, point, hood in zip(keys, points, found.tolist(), strict=True):
            values = {**point.values, "lat": point.lat, "lon": point.lon,
                      "neighborhood_id": None if hood == -1 else hood,
                      "source": Address.Source.OPENADDRESSES, "is_intersection": False}
            current = existing.get(key)
            if current is None:
                to_create.append(Address(city=city, key=key, **values))
                continue
            if all(getattr(current, name) == value for name, value in values.items()):
                unchanged += 1
                continue
            for name, value in values.items():
                setattr(current, name, value)
            to_update.append(current)
        Address.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        Address.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
        result = OpenAddressesResult(
            city=city, created=len(to_create), updated=len(to_update), unchanged=unchanged,
            duplicates=parsed.duplicates, outside=int((found == -1).sum()),
        )
        audit.record(actor, "places.import_openaddresses", city, created=result.created,
                     updated=result.updated, unchanged=unchanged)
    return result


def _read(stream: IO[str]) -> _Parsed:
    reader = csv.reader(stream)
    try:
        header = [name.strip().upper() for name in next(reader)]
    except StopIteration:
        raise Invalid(_("The CSV file is empty."), {"file": [_("No header row.")]}) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise Invalid(_("The file is not a UTF-8 CSV file."), {"file": [str(exc)]}) from exc
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise Invalid(
            _("The file lacks the OpenAddresses column(s): %(columns)s.")
            % {"columns": ", ".join(missing)},
            {"file": [_('Missing column "%(column)s".') % {"column": c} for c in missing]},
        )
    at = {name: header.index(name) for name in (*REQUIRED, *OPTIONAL) if name in header}
    parsed = _Parsed()
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            cells = {name: (record[i] if i < len(record) else "").strip()
                     for name, i in at.items()}
            _row(parsed, line, cells)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise Invalid(_("The CSV file is malformed near line %(line)s.")
                      % {"line": reader.line_num}, {"file": [str(exc)]}) from exc
    return parsed


def _row(parsed: _Parsed, line: int, cells: dict[str, str]) -> None:
    try:
        lon, lat = float(cells["LON"]), float(cells["LAT"])
    except ValueError:
        parsed.problem(line, f"the coordinates are not numbers (LON {cells['LON']!r}, "
                             f"LAT {cells['LAT']!r})")
        return
    if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
        parsed.problem(line, f"impossible coordinates (LON {lon}, LAT {lat})")
        return
    number = " ".join(cells["NUMBER"].upper().split())
    street = streets.street_key(cells["STREET"])
    if not number or streets.parse(number).number != number:
        parsed.problem(line, f"no house number (NUMBER {cells['NUMBER']!r})")
        return
    if not street:
        parsed.problem(line, "no street")
        return
    if streets.is_intersection(street):
        parsed.problem(line, f"the street {cells['STREET']!r} names an intersection")
        return
    unit = streets.unit_key(cells.get("UNIT", ""))
    key = streets.address_key(number, street, unit)
    values = {
        "text": streets.display_address(number, street, unit),
        "street": street, "number": number,
        "number_value": streets.ParsedAddress(number, street).number_value,
        "unit": unit,
        "locality": streets.display_street(cells.get("CITY", "")),
        "state": _state(cells.get("REGION", "")),
        "postcode": cells.get("POSTCODE", "").upper(),
        "source_id": cells.get("HASH", "") or cells.get("ID", ""),
    }
    for name in ("number", "unit", "locality", "state", "postcode", "source_id", "text"):
        if len(values[name]) > _MAX[name]:
            parsed.problem(line, f"{name} is longer than {_MAX[name]} characters")
            return
    if len(key) > _MAX["key"]:
        parsed.problem(line, f"the address is longer than {_MAX['key']} characters")
        return
    if key in parsed.points:
        parsed.duplicates += 1  # OpenAddresses files repeat points; the first one wins
        return
    parsed.points[key] = _Point(line, values, lon, lat)


def _state(region: str) -> str:
    text = " ".join(region.upper().split())
    return _STATES.get(text, text)
