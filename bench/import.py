"""Benchmark: importing police incidents (`incidents.actions.import_incidents`), and importing
the same file again, against a naive row-by-row import.

    .venv/bin/python bench/import.py [--incidents N] [--baseline-rows K] [--json OUT] [--check]

On its own throw-away database (`_common.throwaway_database`): imports Sacramento's 121
neighborhoods, writes a generic CSV of N incidents (fixed seed: coordinates of the real
January 2006 incidents moved by up to ~200 m, so about as many fall outside the
neighborhoods as in the real file; the real file's 304 offenses with their codes; block
addresses; times spread over two years), then times, end to end (reading the file, checking
every row, categories, neighborhoods, writing, daily counts, commit):

- `import`: the file into an empty city;
- `re-import`: the same file again, which must change nothing.

Then checks that the daily counts equal the incidents per (neighborhood, category, day).

The baseline is the obvious import: `csv.DictReader`, each row parsed, placed with
`geoindex.locate_point`, categorised without a cache, created with `objects.create` and
its daily count bumped with `update_or_create`, each row in its own transaction. It runs on
the first K rows (2,000 by default) into a second copy of the city and its rate is
extrapolated; the output says so.

Targets (PostgreSQL, 1,000,000 incidents): import >= 100,000 rows/s, re-import >= 200,000
rows/s.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import _common

DATA = _common.ROOT / "data" / "sacramento"
SEED = 20060101
TARGET_IMPORT = 100_000  # rows/s
TARGET_REIMPORT = 200_000  # rows/s
JITTER = 0.002  # degrees, about 200 m


def write_file(path: Path, rows: int) -> None:
    """A generic CSV of `rows` incidents drawn from the real file's points and offenses."""
    with open(DATA / "crime-2006-01.csv", newline="", encoding="utf-8") as handle:
        real = list(csv.DictReader(handle))
    rng = np.random.default_rng(SEED)
    pick = rng.integers(0, len(real), rows)
    lats = np.array([float(r["latitude"]) for r in real])[pick] + rng.uniform(-JITTER, JITTER,
                                                                              rows)
    lons = np.array([float(r["longitude"]) for r in real])[pick] + rng.uniform(-JITTER, JITTER,
                                                                               rows)
    offense = rng.integers(0, len(real), rows)
    start = np.datetime64("2005-01-01T00:00")
    minutes = rng.integers(0, 2 * 365 * 24 * 60, rows)
    stamps = np.datetime_as_string(start + minutes.astype("timedelta64[m]"), unit="m")
    numbers = rng.integers(1, 100, rows) * 100 + rng.integers(0, 100, rows)
    streets = [" ".join(r["address"].split()[1:]) or r["address"] for r in real]
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["occurred_at", "lat", "lon", "description", "offense_code", "block"])
        for i in range(rows):
            row = real[offense[i]]
            writer.writerow([stamps[i], f"{lats[i]:.8f}", f"{lons[i]:.7f}", row["crimedescr"],
                             row["ucr_ncic_code"], f"{numbers[i]} {streets[pick[i]]}"])


def naive_import(city_id: int, path: Path, limit: int) -> int:
    """One row at a time, the way a first version would: the baseline."""
    import zoneinfo

    from django.db import transaction
    from django.db.models import F

    from townsquare.incidents.actions.reading import publish_block
    from townsquare.incidents.categories import categorizer
    from townsquare.incidents.models import DailyCount, Incident
    from townsquare.places.geoindex import locate_point

    zone = zoneinfo.ZoneInfo("America/Los_Angeles")
    done = 0
    with open(path, newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle)):
            if number >= limit:
                break
            lat, lon = float(row["lat"]), float(row["lon"])
            place = locate_point(lat, lon, city_id)
            if place is None:
                continue
            moment = dt.datetime.fromisoformat(row["occurred_at"]).replace(tzinfo=zone)
            category = categorizer()._decide(row["offense_code"],
                                             " ".join(row["description"].split()).upper())
            with transaction.atomic():
                Incident.objects.create(
                    city_id=city_id, neighborhood=place, key=f"naive-{number}",
                    occurred_at=moment, occurred_on=moment.date(),
                    offense_code=row["offense_code"],
                    description=" ".join(row["description"].split()), category=category,
                    block=publish_block(row["block"]), lat=lat, lon=lon, source="generic")
                count, created = DailyCount.objects.get_or_create(
                    city_id=city_id, neighborhood=place, category=category,
                    day=moment.date(), defaults={"count": 1})
                if not created:
                    DailyCount.objects.filter(pk=count.pk).update(count=F("count") + 1)
            done += 1
    return limit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=2_000)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="townsquare-import-") as tmp, \
            _common.throwaway_database() as db:
        from django.db.models import Count, Sum

        from townsquare.incidents.actions import import_incidents
        from townsquare.incidents.models import DailyCount, Incident
        from townsquare.places import actions as places

        city = places.import_neighborhoods("Sacramento", DATA / "neighborhoods.geojson").city
        path = Path(tmp) / "incidents.csv"
        started = time.perf_counter()
        write_file(path, args.incidents)
        print(f"{args.incidents:,} incidents written to a generic CSV "
              f"({path.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - started:.1f} s "
              f"({db.vendor})")

        started = time.perf_counter()
        first = import_incidents(city, path, format="generic")
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = import_incidents(city, path, format="generic")
        again_seconds = time.perf_counter() - started

        stored = Incident.objects.filter(city=city).count()
        counted = DailyCount.objects.filter(city=city).aggregate(n=Sum("count"))["n"] or 0
        groups = {(r["neighborhood_id"], r["category"], r["occurred_on"]): r["n"] for r in
                  Incident.objects.filter(city=city).values(
                      "neighborhood_id", "category", "occurred_on")
                  .annotate(n=Count("id")).order_by()}
        daily = {(n, c, d): k for n, c, d, k in DailyCount.objects.filter(city=city)
                 .values_list("neighborhood_id", "category", "day", "count")}
        consistent = (groups == daily and stored == first.imported == counted
                      and again.imported == 0 and again.unchanged == first.imported)

        twin = places.import_neighborhoods("Sacramento Baseline",
                                           DATA / "neighborhoods.geojson").city
        k = min(args.baseline_rows, args.incidents)
        started = time.perf_counter()
        naive_import(twin.pk, path, k)
        naive_seconds = time.perf_counter() - started
        naive_rate = k / naive_seconds

        rate, rerate = args.incidents / first_seconds, args.incidents / again_seconds
        print(f"first import: {first} in {first_seconds:.2f} s -> {rate:,.0f} rows/s")
        print(f"re-import:    {again} in {again_seconds:.2f} s -> {rerate:,.0f} rows/s")
        print(f"naive row-by-row baseline: {k:,} rows in {naive_seconds:.2f} s -> "
              f"{naive_rate:,.0f} rows/s (all {args.incidents:,} would take "
              f"{args.incidents / naive_rate:,.0f} s, extrapolated)")
        print(f"daily counts equal the incidents per group, re-import changed nothing: "
              f"{'yes' if consistent else 'NO'}")
        summary = [
            _common.summary_row("import", rate, unit="rows/s", baseline=naive_rate,
                                target_min=TARGET_IMPORT),
            _common.summary_row("re-import (changes nothing)", rerate, unit="rows/s",
                                baseline=None, target_min=TARGET_REIMPORT),
            _common.summary_row("speed-up of the import over row by row", rate / naive_rate,
                                unit="x"),
            _common.summary_row("daily counts consistent", consistent, unit="",
                                target="yes", met=consistent),
        ]
        report = {
            "benchmark": "import", "summary": summary, "incidents": args.incidents,
            "first": {"seconds": first_seconds, "rows_per_s": rate,
                      "imported": first.imported, "outside": first.outside,
                      "rejected": len(first.rejected)},
            "again": {"seconds": again_seconds, "rows_per_s": rerate,
                      "imported": again.imported, "unchanged": again.unchanged},
            "baseline": {"rows": k, "seconds": naive_seconds, "rows_per_s": naive_rate,
                         "extrapolated": k < args.incidents},
            "consistent": consistent, "machine": _common.machine_info(),
        }
        _common.write_json(args.json, report)
    met = all(row["met"] is not False for row in summary)
    if not consistent:
        return 1
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
