"""Writing checked incidents and keeping the daily counts true, inside the caller's
transaction.

Only rows whose key the city does not have reach here (`new_rows`, under the lock on the
city row). PostgreSQL: they go through COPY into a temporary table, then one
`INSERT ... SELECT ... ON CONFLICT (city, key) DO NOTHING`. SQLite:
`bulk_create(ignore_conflicts=True)` in batches. Either way the (neighborhood, category,
day) groups of the batch are then recounted from the incidents with one aggregate query
and upserted into DailyCount, so the crime pages never count incidents.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.utils import timezone

from townsquare.incidents.models import DailyCount, Incident

BATCH = 5_000  # SQLite: rows per INSERT of bulk_create, and keys per lookup
COPY_CHUNK = 50_000  # PostgreSQL: rows per write to the COPY stream
TEMPORARY = ("incident_load", "incident_offense", "incident_group")


@dataclass
class Batch:
    """The rows to store: every one inside a neighborhood, with its category."""

    keys: list[str]
    neighborhoods: np.ndarray  # int64 ids
    utc_seconds: np.ndarray  # int64
    days: np.ndarray  # datetime64[D]
    lats: np.ndarray
    lons: np.ndarray
    codes: list[str]
    descriptions: list[str]
    categories: list[str]
    blocks: list[str]


def new_rows(city_id: int, keys: list[str]) -> np.ndarray | None:
    """Indexes (ascending) of the keys the city does not have yet; None when that is all of
    them because the city has no incidents at all."""
    if not keys or not Incident.objects.filter(city_id=city_id).exists():
        return None
    if connection.vendor != "postgresql":
        stored: set[str] = set()
        for start in range(0, len(keys), BATCH):
            stored.update(Incident.objects.filter(
                city_id=city_id, key__in=keys[start:start + BATCH],
            ).values_list("key", flat=True))
        return np.array([i for i, key in enumerate(keys) if key not in stored],
                        dtype=np.int64)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.incident_key")
        cursor.execute("CREATE TEMP TABLE incident_key (n integer, key text) ON COMMIT DROP")
        with cursor.cursor.copy("COPY incident_key FROM STDIN") as copy:
            for chunk in _chunks((list(map(str, range(len(keys)))), keys)):
                copy.write(chunk)
        cursor.execute("ANALYZE incident_key")
        cursor.execute(
            f"SELECT k.n FROM incident_key k WHERE NOT EXISTS ("  # noqa: S608
            f" SELECT 1 FROM {Incident._meta.db_table} i"
            f" WHERE i.city_id = %s AND i.key = k.key) ORDER BY k.n", [city_id])
        found = np.array([n for (n,) in cursor.fetchall()], dtype=np.int64)
        cursor.execute("DROP TABLE pg_temp.incident_key")
    return found


def store(city_id: int, source: str, batch: Batch) -> int:
    """Insert the rows whose key the city does not have yet; return how many."""
    if not batch.keys:
        return 0
    _drop_temporary()  # left by an earlier import in the same open transaction
    if connection.vendor == "postgresql":
        inserted = _insert_postgres(city_id, source, batch)
    else:
        inserted = _insert_sqlite(city_id, source, batch)
    if inserted:
        _recount(city_id)
    _drop_temporary()
    return inserted


# --- PostgreSQL ----------------------------------------------------------------------------
def _insert_postgres(city_id: int, source: str, batch: Batch) -> int:
    offenses: dict[tuple[str, str, str], int] = {}
    # setdefault with a running number: each distinct offense keeps its first number.
    offense_ids = map(offenses.setdefault,
                      zip(batch.codes, batch.descriptions, batch.categories, strict=True),
                      itertools.count())
    columns = (
        batch.keys, list(map(str, batch.neighborhoods.tolist())),
        np.datetime_as_string(batch.utc_seconds.astype("datetime64[s]"), unit="s").tolist(),
        np.datetime_as_string(batch.days, unit="D").tolist(), list(map(str, offense_ids)),
        _escaped(batch.blocks), list(map(repr, batch.lats.tolist())),
        list(map(repr, batch.lons.tolist())),
    )
    incident = Incident._meta.db_table
    with connection.cursor() as cursor:
        # Sorting and grouping a million rows in memory, not in files (this transaction only).
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(
            "CREATE TEMP TABLE incident_load (key text, neighborhood_id bigint, "
            "occurred_at timestamp, occurred_on date, offense integer, block text, "
            "lat double precision, lon double precision) ON COMMIT DROP")
        cursor.execute(
            "CREATE TEMP TABLE incident_offense (id integer PRIMARY KEY, offense_code text, "
            "description text, category text) ON COMMIT DROP")
        _create_groups(cursor)
        raw = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
        with raw.copy("COPY incident_offense FROM STDIN") as copy:
            for (code, description, category), number in offenses.items():
                copy.write_row((number, code, description, category))
        with raw.copy("COPY incident_load FROM STDIN") as copy:
            for chunk in _chunks(columns):
                copy.write(chunk)
        cursor.execute("ANALYZE incident_load")
        cursor.execute(
            # The table names come from the models' meta; every value is a parameter.
            f"INSERT INTO {incident} (city_id, neighborhood_id, key, occurred_at, occurred_on,"  # noqa: S608
            f"  offense_code, description, category, block, lat, lon, source, imported_at)"
            f" SELECT %s, l.neighborhood_id, l.key, l.occurred_at AT TIME ZONE 'UTC',"
            f"  l.occurred_on,"
            f"  o.offense_code, o.description, o.category, l.block, l.lat, l.lon, %s, %s"
            f" FROM incident_load l JOIN incident_offense o ON o.id = l.offense ORDER BY l.key"
            f" ON CONFLICT (city_id, key) DO NOTHING",
            [city_id, source, timezone.now()])
        inserted = cursor.rowcount
        if inserted:
            # The batch's groups: every group a new incident fell in is among them.
            groups = set(zip(columns[1], batch.categories, columns[3], strict=True))
            with raw.copy("COPY incident_group (neighborhood_id, category, day) "
                          "FROM STDIN") as copy:
                for chunk in _chunks(tuple(map(list, zip(*groups, strict=True)))):
                    copy.write(chunk)
    return inserted


def _escaped(texts: list[str]) -> list[str]:
    """COPY's text format: a backslash, tab or line break inside a value is escaped."""
    joined = "".join(texts)
    if not any(c in joined for c in "\\\t\n\r"):
        return texts
    return [text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r") for text in texts]


def _chunks(columns: tuple[list[str], ...]) -> Iterator[bytes]:
    rows = len(columns[0])
    for start in range(0, rows, COPY_CHUNK):
        part = [column[start:start + COPY_CHUNK] for column in columns]
        yield ("\n".join(map("\t".join, zip(*part, strict=True))) + "\n").encode()


# --- SQLite --------------------------------------------------------------------------------
def _insert_sqlite(city_id: int, source: str, batch: Batch) -> int:
    # `new_rows` left only keys the city does not have, under the lock on the city row;
    # ignore_conflicts is the belt to those braces.
    new = range(len(batch.keys))
    now = timezone.now()
    neighborhoods = batch.neighborhoods.tolist()
    seconds = batch.utc_seconds.tolist()
    days = batch.days.tolist()
    lats, lons = batch.lats.tolist(), batch.lons.tolist()
    rows = [
        Incident(city_id=city_id, neighborhood_id=neighborhoods[i], key=batch.keys[i],
                 occurred_at=dt.datetime.fromtimestamp(seconds[i], dt.UTC),
                 occurred_on=days[i], offense_code=batch.codes[i],
                 description=batch.descriptions[i], category=batch.categories[i],
                 block=batch.blocks[i], lat=lats[i], lon=lons[i], source=source,
                 imported_at=now)
        for i in new
    ]
    Incident.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    groups: dict[tuple[int, str, dt.date], int] = {}
    for i in new:
        group = (neighborhoods[i], batch.categories[i], days[i])
        groups[group] = groups.get(group, 0) + 1
    with connection.cursor() as cursor:
        _create_groups(cursor)
        cursor.executemany(
            "INSERT INTO incident_group (neighborhood_id, category, day, added) "
            "VALUES (%s, %s, %s, %s)",
            [(n, c, d.isoformat(), added) for (n, c, d), added in groups.items()])
    return len(new)


# --- both ----------------------------------------------------------------------------------
def _create_groups(cursor: object) -> None:
    suffix = " ON COMMIT DROP" if connection.vendor == "postgresql" else ""
    cursor.execute(  # type: ignore[attr-defined]
        "CREATE TEMP TABLE incident_group (neighborhood_id bigint, category varchar(20), "
        f"day date, added integer){suffix}")


def _drop_temporary() -> None:
    schema = "pg_temp" if connection.vendor == "postgresql" else "temp"
    with connection.cursor() as cursor:
        for table in TEMPORARY:
            cursor.execute(f"DROP TABLE IF EXISTS {schema}.{table}")


def _recount(city_id: int) -> None:
    """The touched groups' counts, recomputed from the incidents in one aggregate query."""
    incident, daily = Incident._meta.db_table, DailyCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {daily} (city_id, neighborhood_id, category, day, count)"  # noqa: S608
            f" SELECT i.city_id, i.neighborhood_id, i.category, i.occurred_on, count(*)"
            f" FROM {incident} i JOIN incident_group g"
            f"  ON g.neighborhood_id = i.neighborhood_id AND g.category = i.category"
            f"  AND g.day = i.occurred_on"
            f" WHERE i.city_id = %s"
            f" GROUP BY i.city_id, i.neighborhood_id, i.category, i.occurred_on"
            f" ON CONFLICT (neighborhood_id, category, day) DO UPDATE SET count = excluded.count",
            [city_id])
