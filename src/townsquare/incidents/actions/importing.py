"""`import_incidents`: a police incidents CSV into a city's incidents and daily counts.

Everything that can be checked is checked before the database is touched: the file, the
column map, every row. Then one durable transaction writes the new incidents and
recounts the daily counts they touch, so a failure part-way leaves the city as it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.db import transaction

from townsquare.core import audit
from townsquare.incidents import selectors
from townsquare.incidents.actions import reading, storing
from townsquare.incidents.categories import categorizer
from townsquare.places.geoindex import OUTSIDE, locate_many
from townsquare.places.models import City


@dataclass(frozen=True)
class ImportResult:
    imported: int  # new incidents
    unchanged: int  # rows the city already had (the same key)
    outside: int  # good rows outside every neighborhood: counted, not kept
    rejected: tuple[reading.Rejected, ...]  # in line order

    def __str__(self) -> str:
        return (f"imported {self.imported}, unchanged {self.unchanged}, "
                f"outside {self.outside}, rejected {len(self.rejected)}")


def import_incidents(city: City, path: str | os.PathLike[str], *,
                     format: str = "sacramento", columns: str | None = None,  # noqa: A002
                     date_format: str | None = None, actor: object = None) -> ImportResult:
    """Import the CSV at `path` into `city`. Raises Invalid (nothing written) when the file,
    the column map or the category table cannot be used; bad rows are only reported."""
    fmt = reading.column_map(format, columns)
    table = reading.load(Path(path), fmt, _mapped_fields(columns))
    categorise = categorizer()
    with transaction.atomic(durable=True):
        # One import of a city at a time: two at once would recount the same days apart.
        City.objects.select_for_update().filter(pk=city.pk).first()
        # Rows the city already has are not parsed again: a re-import costs reading the
        # file and looking its keys up.
        new = storing.new_rows(city.pk, table.keys)
        rows = reading.check(table, new, date_format or fmt.date_format, city.time_zone)
        pairs = list(zip(rows.codes, rows.descriptions, strict=True))
        decided = {pair: categorise(*pair) for pair in set(pairs)}
        categories = list(map(decided.__getitem__, pairs))
        where = locate_many(city, rows.lons, rows.lats)
        inside = np.flatnonzero(where != OUTSIDE)
        at = inside.tolist()
        batch = storing.Batch(
            keys=reading.take(rows.keys, at), neighborhoods=where[inside],
            utc_seconds=rows.utc_seconds[inside], days=rows.days[inside],
            lats=rows.lats[inside], lons=rows.lons[inside],
            codes=reading.take(rows.codes, at),
            descriptions=reading.take(rows.descriptions, at),
            categories=reading.take(categories, at), blocks=reading.take(rows.blocks, at),
        )
        imported = storing.store(city.pk, fmt.name, batch)
        known = len(table.keys) - (len(table.keys) if new is None else len(new))
        result = ImportResult(
            imported=imported, unchanged=known + len(at) - imported,
            outside=len(rows.keys) - len(at),
            rejected=tuple(sorted([*table.rejected, *rows.rejected],
                                  key=lambda row: row.line)))
        if imported:  # the log records changes: an import that added nothing made none
            transaction.on_commit(lambda: selectors.data_changed(city.pk))
            audit.record(actor, "incidents.import", city, file=Path(path).name,
                         imported=result.imported, unchanged=result.unchanged,
                         outside=result.outside, rejected=len(result.rejected))
    return result


def _mapped_fields(columns: str | None) -> Iterable[str]:
    return [part.partition("=")[0].strip() for part in (columns or "").split(",")
            if "=" in part]
