"""Benchmark: a neighborhood's crime page at 1,000,000 incidents.

    .venv/bin/python bench/trends.py [--incidents N] [--neighborhoods K] [--samples S]
                                     [--baseline-samples B] [--json OUT]

Builds its own throw-away database from DATABASE_URL (see _common.py): one city of K
neighborhoods (a square grid, default 100) and N incidents (default 1,000,000) over three
years, spread over the neighborhoods with a skew (some have many more than others) and
over the ten categories, bulk-inserted as Incident rows. The daily counts are then made
from them in one INSERT ... SELECT ... GROUP BY (what the import keeps true row by row), so
the two agree.

Then GET /n/<city>/<neighborhood>/crime/ with Django's test client, S times (after 3
unmeasured ones): p50 and p95 of the whole request, and its SQL statements, counted at
10,000 incidents and again at N: they must be the same. The baseline computes the same
numbers the naive way, B times: per-group COUNT queries over the Incident rows (each
category now and before, each month of the chart, each neighborhood of the map).

Target: the page's p95 <= 20 ms. Figures and the machine: docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402  (the bench directory is not a package)

TARGET_P95_MS = 20.0
SEED = 20261202
FIRST_DAY = dt.date(2004, 1, 1)
DAYS = 3 * 365
SMALL = 10_000


def grid(k: int) -> dict[str, Any]:
    side = int(k ** 0.5)
    features = []
    for index in range(side * side):
        row, col = divmod(index, side)
        x0, y0 = -121.6 + col * 0.01, 38.7 - (row + 1) * 0.01
        ring = [[x0, y0], [x0 + 0.01, y0], [x0 + 0.01, y0 + 0.01], [x0, y0 + 0.01],
                [x0, y0]]
        features.append({"type": "Feature", "properties": {"name": f"Area {index + 1:03d}"},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": features}


def make_world(k: int) -> dict[str, Any]:
    from townsquare.places import actions as places
    from townsquare.places.models import Neighborhood

    city = places.import_neighborhoods("Benchville", grid(k)).city
    neighborhoods = list(Neighborhood.objects.filter(city=city).order_by("name"))
    # Zipf-like: the busiest neighborhood has many times the incidents of the quietest.
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(neighborhoods))]
    # The page measured: a busy one (the 5th busiest).
    return {"city": city, "neighborhoods": neighborhoods, "weights": weights,
            "target": neighborhoods[4]}


def build(world: dict[str, Any], start: int, n: int, rng: random.Random) -> None:
    from django.db import transaction

    from townsquare.incidents.models import Category, Incident

    city, hoods, weights = world["city"], world["neighborhoods"], world["weights"]
    categories = Category.values
    cat_weights = [8, 25, 12, 8, 10, 6, 10, 8, 10, 3]
    batch = 10_000
    for first in range(start, n, batch):
        count = min(batch, n - first)
        chosen = rng.choices(hoods, weights, k=count)
        kinds = rng.choices(categories, cat_weights, k=count)
        rows = []
        for number, (hood, kind) in enumerate(zip(chosen, kinds, strict=True), first):
            day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
            rows.append(Incident(
                city=city, neighborhood=hood, key=f"b{number}",
                occurred_at=dt.datetime.combine(day, dt.time(rng.randrange(24)), tzinfo=dt.UTC),
                occurred_on=day, offense_code=str(1000 + number % 300),
                description="BENCH OFFENSE", category=kind,
                block=f"{100 * rng.randrange(1, 40)} BLOCK OF {rng.choice('ABCDEFGHJ')} ST",
                lat=38.6, lon=-121.5, source="bench"))
        with transaction.atomic():
            Incident.objects.bulk_create(rows, batch_size=batch)


def rebuild_daily_counts() -> None:
    """The daily counts of every incident, in one statement (as the import keeps them)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM incidents_dailycount")
        cursor.execute(
            "INSERT INTO incidents_dailycount (city_id, neighborhood_id, category, day, count) "
            "SELECT city_id, neighborhood_id, category, occurred_on, COUNT(*) "
            "FROM incidents_incident GROUP BY city_id, neighborhood_id, category, occurred_on")
        cursor.execute("ANALYZE")


def url(world: dict[str, Any]) -> str:
    return f"/n/{world['city'].slug}/{world['target'].slug}/crime/"


def statements(world: dict[str, Any]) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    client = Client()
    client.get(url(world))  # the map's shapes and the city's totals, cached
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(world))
    assert response.status_code == 200, response.status_code
    return len(queries)


def time_page(world: dict[str, Any], samples: int) -> list[float]:
    from django.test import Client

    client = Client()
    result = []
    for number in range(samples + 3):
        start = time.perf_counter()
        response = client.get(url(world))
        elapsed = (time.perf_counter() - start) * 1000.0
        assert response.status_code == 200
        if number >= 3:
            result.append(elapsed)
    return result


def naive_page(world: dict[str, Any]) -> float:
    """The same numbers by counting Incident rows, one COUNT per group."""
    from django.db.models import Max, Min

    from townsquare.incidents import selectors
    from townsquare.incidents.models import Category, Incident

    start = time.perf_counter()
    city, hood = world["city"], world["target"]
    rows = Incident.objects.filter(city=city)
    span = rows.aggregate(first=Min("occurred_on"), last=Max("occurred_on"))
    whole = selectors.Period(span["first"], span["last"] + dt.timedelta(days=1))
    period, compare, _year = selectors.comparison_periods(whole)
    window = selectors.Period(whole.end - dt.timedelta(days=365), whole.end)
    mine = rows.filter(neighborhood=hood)
    for category in Category.values:
        for p in (period, compare):
            mine.filter(category=category, occurred_on__gte=p.start,
                        occurred_on__lt=p.end).count()
    for bucket in selectors.monthly(city, hood, window):
        mine.filter(occurred_on__gte=bucket.period.start, occurred_on__lt=bucket.period.end
                    ).count()
    for other in world["neighborhoods"]:
        rows.filter(neighborhood=other, occurred_on__gte=window.start,
                    occurred_on__lt=window.end).count()
    list(mine.order_by("-occurred_on")[:20])
    return (time.perf_counter() - start) * 1000.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--neighborhoods", type=int, default=100)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--baseline-samples", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if args.incidents < SMALL:
        parser.error(f"need --incidents >= {SMALL}")

    with _common.throwaway_database() as db:
        print(f"throw-away {db.vendor} database: {db.name}")
        rng = random.Random(SEED)
        world = make_world(args.neighborhoods)
        build(world, 0, SMALL, rng)
        rebuild_daily_counts()
        small = statements(world)
        started = time.perf_counter()
        build(world, SMALL, args.incidents, rng)
        rebuild_daily_counts()
        load_s = time.perf_counter() - started
        large = statements(world)
        page = time_page(world, args.samples)
        baseline = [naive_page(world) for _ in range(args.baseline_samples)]
        from townsquare.incidents.models import DailyCount, Incident

        incidents, daily = Incident.objects.count(), DailyCount.objects.count()
        mine = Incident.objects.filter(neighborhood=world["target"]).count()
        machine = _common.machine_info()

    p50, p95 = _common.p50_p95(page)
    b50, _b95 = _common.p50_p95(baseline)
    summary = [
        _common.summary_row(f"crime page at {incidents:,} incidents, p50", p50),
        _common.summary_row(f"crime page at {incidents:,} incidents, p95", p95,
                            baseline=b50, target_max=TARGET_P95_MS),
        _common.summary_row(f"SQL statements per page ({SMALL:,} / N incidents)",
                            f"{small} / {large}", unit="", target="the same",
                            met=small == large),
    ]
    report = {"benchmark": "trends", "database": db.vendor, "incidents": incidents,
              "daily_counts": daily, "neighborhood_incidents": mine, "load_s": load_s,
              "page_ms": page, "baseline_ms": baseline, "statements_small": small,
              "statements_large": large, "machine": machine,
              "summary": summary}
    rows = [[r["metric"], _common.fmt_value(r["value"], r["unit"]),
             _common.fmt_value(r["baseline"], r["unit"]), r["target"], r["met"]]
            for r in summary]
    _common.print_table(["metric", "value", "baseline (per-group COUNTs, p50)", "target",
                         "met?"], rows,
                        title=f"trends on {db.vendor}: {incidents:,} incidents, {daily:,} "
                              f"daily counts, {mine:,} in the page's neighborhood; loaded "
                              f"in {load_s:.0f} s")
    _common.write_json(args.json, report)
    return 0 if all(r["met"] is not False for r in summary) else 1


if __name__ == "__main__":
    sys.exit(main())
