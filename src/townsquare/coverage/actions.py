"""Coverage writes: importing a city's household counts per neighborhood.

The import is all or nothing: every row is checked first, and one bad row refuses the
whole file with every problem listed by line number, so a city never ends up with half a
count. See docs/coverage.md, "Household counts".
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.core import audit
from townsquare.core.csvfiles import open_text
from townsquare.core.errors import Forbidden, Invalid
from townsquare.core.text import scrub
from townsquare.coverage.models import HouseholdCount
from townsquare.places.models import City, Neighborhood

COLUMNS = ("neighborhood", "households")
# More households than any neighborhood has: a typo (or a city total) rather than a count.
MAX_HOUSEHOLDS = 1_000_000
MAX_SOURCE = 200
# Problems listed in the error's detail; the fields list them all.
SHOWN_IN_DETAIL = 5


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str

    def __str__(self) -> str:
        return _("Line %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}


class BadHouseholdFile(Invalid):
    """The file was refused; `problems` lists every bad row."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:SHOWN_IN_DETAIL])
        more = len(problems) - SHOWN_IN_DETAIL
        detail = _("Nothing was imported. %(problems)s") % {"problems": shown}
        if more > 0:
            detail += " " + _("(and %(count)s more)") % {"count": more}
        super().__init__(detail, fields={"file": [str(p) for p in problems]})


@dataclass(frozen=True)
class HouseholdImport:
    created: int
    updated: int
    unchanged: int

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


def import_household_counts(actor: Any, city: City, file: str | os.PathLike[str] | IO[Any], *,
                            source: str, as_of: dt.date) -> HouseholdImport:
    """Set the household count of each neighborhood named in the CSV (`neighborhood,
    households`; a neighborhood by its slug or its name). `actor` None is the system (the
    command line, the demo); a person must be allowed to use the recruiting tools."""
    if actor is not None and not policy.can_use_recruiting_tools(actor):
        raise Forbidden(_("Only operators can import household counts."))
    source = scrub(source).strip()
    if not source or len(source) > MAX_SOURCE:
        raise Invalid(_("Say where the counts come from."), fields={"source": [
            _("Between 1 and %(max)s characters.") % {"max": MAX_SOURCE}]})
    counts = _read(city, file)
    with transaction.atomic(durable=True):
        result = _write(counts, source, as_of)
        audit.record(actor, "coverage.import_households", city, source=source,
                     as_of=as_of.isoformat(), created=result.created, updated=result.updated,
                     unchanged=result.unchanged)
    return result


def _read(city: City, file: str | os.PathLike[str] | IO[Any]) -> dict[int, int]:
    """{neighborhood id: households}, or BadHouseholdFile with every problem."""
    by_slug: dict[str, Neighborhood] = {}
    by_name: dict[str, Neighborhood] = {}
    for nbhd in Neighborhood.objects.filter(city=city).only("pk", "slug", "name"):
        by_slug[nbhd.slug] = nbhd
        by_name.setdefault(_key(nbhd.name), nbhd)
    problems: list[Problem] = []
    counts: dict[int, int] = {}
    seen: dict[int, int] = {}  # neighborhood id: its first line
    try:
        with open_text(file) as stream:
            reader = csv.reader(stream)
            header = [_key(name) for name in next(reader, [])]
            missing = [column for column in COLUMNS if column not in header]
            if missing:
                raise BadHouseholdFile([Problem(1, _("The first line must name the columns "
                                                     "neighborhood and households."))])
            at = {column: header.index(column) for column in COLUMNS}
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                line = reader.line_num
                problem = _check_row(row, at, by_slug, by_name, seen, counts, line, city)
                if problem:
                    problems.append(Problem(line, problem))
    except UnicodeDecodeError:
        raise BadHouseholdFile([Problem(1, _("The file is not UTF-8 text."))]) from None
    except csv.Error as error:
        raise BadHouseholdFile([Problem(0, _("The file is not valid CSV (%(error)s).")
                                        % {"error": error})]) from None
    if not counts and not problems:
        problems.append(Problem(2, _("The file has no rows.")))
    if problems:
        raise BadHouseholdFile(problems)
    return counts


def _check_row(row: list[str], at: dict[str, int], by_slug: dict[str, Neighborhood],
               by_name: dict[str, Neighborhood], seen: dict[int, int], counts: dict[int, int],
               line: int, city: City) -> str | None:
    """Record a good row in `counts`; the reason a bad one is refused."""
    cells = {column: row[index].strip() if index < len(row) else ""
             for column, index in at.items()}
    named, raw = cells["neighborhood"], cells["households"]
    if not named:
        return _("No neighborhood named.")
    nbhd = by_slug.get(named) or by_name.get(_key(named))
    if nbhd is None:
        return _("%(city)s has no neighborhood “%(name)s”.") % {"city": city.name,
                                                                "name": named}
    if nbhd.pk in seen:
        return _("%(name)s is already on line %(line)s.") % {"name": nbhd.name,
                                                             "line": seen[nbhd.pk]}
    seen[nbhd.pk] = line
    if not (raw.isascii() and raw.isdigit()):  # also refuses "-3", "1.5" and "1,200"
        return _("The number of households must be a whole number, 0 or more; got "
                 "“%(value)s”.") % {"value": raw}
    households = int(raw)
    if households > MAX_HOUSEHOLDS:
        return _("%(count)s households is more than any neighborhood has.") % {
            "count": households}
    counts[nbhd.pk] = households
    return None


def _write(counts: dict[int, int], source: str, as_of: dt.date) -> HouseholdImport:
    existing = {row.neighborhood_id: row for row in
                HouseholdCount.objects.select_for_update().filter(neighborhood_id__in=counts)}
    new, changed, unchanged = [], [], 0
    now = timezone.now()  # bulk_update does not set auto_now fields
    for nbhd_id, households in counts.items():
        row = existing.get(nbhd_id)
        if row is None:
            new.append(HouseholdCount(neighborhood_id=nbhd_id, households=households,
                                      source=source, as_of=as_of))
        elif (row.households, row.source, row.as_of) == (households, source, as_of):
            unchanged += 1
        else:
            row.households, row.source, row.as_of = households, source, as_of
            row.updated_at = now
            changed.append(row)
    HouseholdCount.objects.bulk_create(new)
    HouseholdCount.objects.bulk_update(changed, ["households", "source", "as_of",
                                                 "updated_at"])
    return HouseholdImport(created=len(new), updated=len(changed), unchanged=unchanged)


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()

