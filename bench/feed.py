"""Benchmark: the resident feed (keyset merge) against the naive OFFSET query.

    .venv/bin/python bench/feed.py [--posts N] [--residents-per-neighborhood K]
                                   [--samples S] [--json OUT] [--explain]

Builds its own throw-away database from DATABASE_URL (see _common.py), imports the 121
Sacramento neighborhoods, signs up and verifies K residents per neighborhood through the
real actions, and bulk-loads N posts with their feed rows (fixed seed; a Zipf-like skew
of activity between neighborhoods; 20% of posts shared with nearby neighborhoods; ids
in time order, as a live site produces them). Then, for a verified resident of the
neighborhood with the most nearby neighborhoods, it times the first and the tenth page
of 25:

  query     feeds.selectors.feed(): the resident, the neighborhoods they follow, and the
            page (the keyset merge and the posts, one statement)
  request   GET /api/v1/feed through Django's test Client with a bearer token
  baseline  feeds.selectors.feed_offset_baseline(): one IN (...) + ORDER BY + OFFSET query

and checks that every way of reading page 10 returns the same posts. See
docs/performance.md for the figures and what they mean.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402  (the bench directory is not a package)

GEOJSON = _common.ROOT / "data" / "sacramento" / "neighborhoods.geojson"
SEED = 20250601
PAGE = 25
DEEP_PAGE = 10
SHARE_NEARBY = 0.20
ZIPF_EXPONENT = 0.8  # activity of the k-th busiest neighborhood ~ 1 / k**0.8
SPAN_DAYS = 3 * 365
END = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
CHUNK = 100_000
TARGET_QUERY_P95_MS = 5.0
TARGET_REQUEST_P95_MS = 50.0
PASSWORD = "quiet lantern harbor 42"  # noqa: S105  (throw-away accounts, never logged in)
CATEGORIES = ["general", "crime_safety", "lost_found", "recommendations", "for_sale_free",
              "events"]
CATEGORY_WEIGHTS = [0.40, 0.15, 0.12, 0.15, 0.10, 0.08]
WORDS = (
    "street block park library garden dog cat lost found bike stolen package porch neighbor "
    "tree light power outage water main school bus crossing sale free couch table lamp "
    "recommend plumber electrician roofer bakery coffee market farmers saturday sunday "
    "meeting council cleanup volunteer event music festival yard fence gate car parked "
    "noise fireworks coyote raccoon owl hawk river trail levee sidewalk pothole repair "
    "thanks everyone anyone know please call help looking for near corner the a of and to "
    "in on at is was this that with from our my your we they it"
).split()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=3_000_000)
    parser.add_argument("--residents-per-neighborhood", type=int, default=2)
    parser.add_argument("--samples", type=int, default=200, help="timed runs per case")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--explain", action="store_true",
                        help="print the plans of a keyset query and of the baseline query")
    args = parser.parse_args(argv)
    if args.posts < PAGE * (DEEP_PAGE + 1) or args.residents_per_neighborhood < 1:
        parser.error(f"need --posts >= {PAGE * (DEEP_PAGE + 1)} and at least one resident")

    with _common.throwaway_database() as db:
        print(f"throw-away {db.vendor} database: {db.name}")
        world = build_world(args.residents_per_neighborhood)
        load_seconds = load_posts(args.posts, world)
        report = measure(world, samples=args.samples, explain=args.explain)
        report.update(benchmark="feed", posts=args.posts, load_seconds=load_seconds,
                      residents_per_neighborhood=args.residents_per_neighborhood,
                      machine=_common.machine_info())
    report["summary"] = summary(report)
    print_report(report)
    _common.write_json(args.json, report)
    return 0 if report["consistent"] else 1


# --- Data ----------------------------------------------------------------------------------
class World:
    """What the load and the measurement share: the city, the residents, the reader."""

    def __init__(self) -> None:
        self.neighborhood_ids: list[int] = []
        self.authors: np.ndarray = np.empty(0)  # [neighborhood id, k] -> resident id
        self.reader_user_id = 0
        self.reader_neighborhood = ""
        self.token = ""


def build_world(per_neighborhood: int) -> World:
    from django.test.utils import override_settings

    from townsquare.accounts import actions as accounts
    from townsquare.places import actions as places
    from townsquare.places.models import Neighborhood

    started = time.perf_counter()
    city = places.import_neighborhoods("Sacramento", GEOJSON).city
    neighborhoods = list(Neighborhood.objects.filter(city=city).order_by("pk"))
    world = World()
    world.neighborhood_ids = [n.pk for n in neighborhoods]
    world.authors = np.zeros((max(world.neighborhood_ids) + 1, per_neighborhood), np.int64)
    # The residents only author posts: a fast hasher keeps 2 x 121 sign-ups to seconds.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for nbhd in neighborhoods:
            lat, lon = point_inside(nbhd)
            for k in range(per_neighborhood):
                resident = accounts.signup_resident(
                    email=f"{nbhd.slug}-{k}@bench.example.org", password=PASSWORD,
                    display_name=f"{nbhd.name} resident {k}", lat=lat, lon=lon, city=city,
                )
                accounts.verify_resident(resident, method="operator")
                world.authors[nbhd.pk, k] = resident.pk
    # The reader: the neighborhood whose feed merges the most streams (ties: by name).
    reader_nbhd = max(sorted(neighborhoods, key=lambda n: n.name), key=lambda n: n.nearby.count())
    from townsquare.accounts.models import Resident

    reader = Resident.objects.select_related("user").get(pk=world.authors[reader_nbhd.pk, 0])
    world.reader_user_id = reader.user_id
    world.reader_neighborhood = reader_nbhd.name
    world.token = accounts.issue_token(reader.user, label="bench")
    print(f"imported {len(neighborhoods)} neighborhoods and {per_neighborhood * len(neighborhoods)}"
          f" verified residents in {time.perf_counter() - started:.1f} s")
    return world


def point_inside(nbhd: Any) -> tuple[float, float]:
    """(lat, lon) of a point that the locator puts in `nbhd` (overlaps go to the smaller)."""
    import shapely

    from townsquare.places import geoindex

    polygon = shapely.from_wkb(bytes(nbhd.geometry_wkb))
    rng = np.random.default_rng(nbhd.pk)
    candidates = [polygon.representative_point()]
    candidates += [shapely.Point(x, y) for x, y in zip(
        rng.uniform(nbhd.min_lon, nbhd.max_lon, 200),
        rng.uniform(nbhd.min_lat, nbhd.max_lat, 200), strict=True)]
    for point in candidates:
        if polygon.contains(point):
            found = geoindex.locate_point(point.y, point.x, city=nbhd.city)
            if found is not None and found.pk == nbhd.pk:
                return point.y, point.x
    raise SystemExit(f"no point of {nbhd.name} locates to it")


def generate(n: int, world: World) -> dict[str, np.ndarray]:
    """Every column of the N posts, with a fixed seed, oldest first."""
    rng = np.random.default_rng(SEED)
    ids = np.array(world.neighborhood_ids)
    ranks = rng.permutation(len(ids)) + 1
    weights = 1.0 / ranks**ZIPF_EXPONENT
    end_us = int(END.timestamp() * 1_000_000)
    start_us = end_us - SPAN_DAYS * 86_400 * 1_000_000
    micros = np.sort(rng.integers(start_us, end_us, n))
    # Django writes a whole second without its ".000000" on SQLite; avoid the case rather
    # than format it specially (it moves one post in a million by a microsecond).
    micros += micros % 1_000_000 == 0
    nbhd = rng.choice(ids, size=n, p=weights / weights.sum())
    return {
        "neighborhood": nbhd,
        "author": world.authors[nbhd, rng.integers(0, world.authors.shape[1], n)],
        "created_at": micros.astype("datetime64[us]"),
        "share": rng.random(n) < SHARE_NEARBY,
        "category": rng.choice(len(CATEGORIES), size=n, p=CATEGORY_WEIGHTS),
        "text": rng.integers(0, 1024, n),
    }


def text_pool(size: int = 1024) -> list[tuple[str, str]]:
    """(title, body) pairs of realistic length (10 to 60 words); no tabs or newlines."""
    rng = np.random.default_rng(SEED + 1)
    words = np.array(WORDS)
    pool = []
    for _ in range(size):
        title = " ".join(rng.choice(words, rng.integers(3, 9))).capitalize()
        body = " ".join(rng.choice(words, rng.integers(10, 61))).capitalize() + "."
        pool.append((title, body))
    return pool


POST_COLUMNS = ("id", "author_id", "neighborhood_id", "category", "title", "body",
                "share_nearby", "person", "created_at", "reply_count", "thank_count")
FEED_COLUMNS = ("id", "neighborhood_id", "created_at", "share_nearby", "post_id")


def load_posts(n: int, world: World) -> float:
    """Insert N posts and their feed rows; returns the seconds it took (all of it)."""
    from django.db import connection

    started = time.perf_counter()
    data = generate(n, world)
    pool = text_pool()
    writer = _load_postgres if connection.vendor == "postgresql" else _load_sqlite
    for first in range(0, n, CHUNK):
        part = {k: v[first:first + CHUNK] for k, v in data.items()}
        writer(first + 1, part, pool)
        done = min(first + CHUNK, n)
        print(f"\r  loaded {done:,} / {n:,} posts ({time.perf_counter() - started:.0f} s)",
              end="", flush=True)
    print()
    finish_load()
    seconds = time.perf_counter() - started
    print(f"loaded {n:,} posts and {n:,} feed rows in {seconds:.1f} s "
          f"({n / seconds:,.0f} posts/s, including indexes and ANALYZE)")
    return seconds


def _rows(first_id: int, part: dict[str, np.ndarray], pool: list[tuple[str, str]],
          stamp_format: str) -> tuple[list[tuple], list[tuple]]:
    stamps = np.datetime_as_string(part["created_at"], unit="us").tolist()
    if stamp_format == "sqlite":
        # What Django's SQLite backend stores: naive UTC with a space; microseconds always
        # present (an exact .000000 would be written without them, see the generator).
        stamps = [s.replace("T", " ") for s in stamps]
    else:
        stamps = [s + "+00:00" for s in stamps]
    posts, items = [], []
    for i, (nbhd, author, stamp, share, cat, text) in enumerate(zip(
            part["neighborhood"].tolist(), part["author"].tolist(), stamps,
            part["share"].tolist(), part["category"].tolist(), part["text"].tolist(),
            strict=True)):
        pk = first_id + i
        title, body = pool[text]
        posts.append((pk, author, nbhd, CATEGORIES[cat], title, body, share, "{}", stamp, 0, 0))
        items.append((pk, nbhd, stamp, share, pk))
    return posts, items


def _load_postgres(first_id: int, part: dict[str, np.ndarray], pool: list) -> None:
    from django.db import connection, transaction

    posts, items = _rows(first_id, part, pool, "postgresql")
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: COPY is not part of the DB-API
        with raw.copy(f"COPY posts_post ({', '.join(POST_COLUMNS)}) FROM STDIN") as copy:
            for row in posts:
                copy.write_row(row)
        with raw.copy(f"COPY posts_feeditem ({', '.join(FEED_COLUMNS)}) FROM STDIN") as copy:
            for row in items:
                copy.write_row(row)


def _load_sqlite(first_id: int, part: dict[str, np.ndarray], pool: list) -> None:
    from django.db import connection, transaction

    posts, items = _rows(first_id, part, pool, "sqlite")
    marks = ", ".join("?" * len(POST_COLUMNS))
    feed_marks = ", ".join("?" * len(FEED_COLUMNS))
    connection.ensure_connection()
    raw = connection.connection
    # Load only: no fsync, and a big page cache so index inserts stay in memory.
    raw.execute("PRAGMA synchronous=OFF")
    raw.execute("PRAGMA cache_size=-262144")
    with transaction.atomic():
        raw.executemany(
            f"INSERT INTO posts_post ({', '.join(POST_COLUMNS)}) VALUES ({marks})", posts)
        raw.executemany(
            f"INSERT INTO posts_feeditem ({', '.join(FEED_COLUMNS)}) VALUES ({feed_marks})",
            items)


def finish_load() -> None:
    """Sequences past the explicit ids, planner statistics, and back to normal settings."""
    from django.core.management.color import no_style
    from django.db import connection

    from townsquare.feeds.models import FeedItem
    from townsquare.posts.models import Post

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Post, FeedItem]):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            # What autovacuum does soon after a load anyway: statistics for the planner
            # and the visibility map for index-only scans.
            cursor.execute("VACUUM (ANALYZE) posts_post")
            cursor.execute("VACUUM (ANALYZE) posts_feeditem")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA cache_size=-2000")


# --- Measuring -----------------------------------------------------------------------------
class Reader:
    """The resident whose feed is timed, seen the three ways the benchmark reads it."""

    def __init__(self, world: World) -> None:
        from django.test import Client

        self.user_id = world.reader_user_id
        self.client = Client(headers={"authorization": f"Bearer {world.token}"})
        self.has_api = _route_exists("/api/v1/feed")
        self.user: Any = None
        # Page number -> the cursor that leads to it (selector / API).
        self.cursors: dict[int, str | None] = {1: None}
        self.api_cursors: dict[int, str | None] = {1: None}

    def fresh(self) -> Any:
        """A new user object, as each request has: nothing cached on it by the policy."""
        from townsquare.accounts.models import User

        self.user = User.objects.get(pk=self.user_id)
        return self.user

    def walk_to(self, page: int) -> None:
        from townsquare.feeds import selectors

        cursor = api_cursor = None
        for _ in range(page - 1):
            cursor = selectors.feed(self.fresh(), cursor=cursor, limit=PAGE).next
            if self.has_api:
                response = self.get(api_cursor)
                if response.status_code != 200:
                    raise SystemExit(f"GET /api/v1/feed: {response.status_code} "
                                     f"{response.content[:300]!r}")
                api_cursor = response.json()["next"]
        self.cursors[page], self.api_cursors[page] = cursor, api_cursor

    def query(self, page: int) -> Any:
        from townsquare.feeds import selectors

        return selectors.feed(self.user, cursor=self.cursors[page], limit=PAGE)

    def baseline(self, page: int) -> list[int | None]:
        from townsquare.feeds import selectors

        return selectors.feed_offset_baseline(self.user, page=page - 1, limit=PAGE)

    def request(self, page: int) -> Any:
        return self.get(self.api_cursors[page])

    def get(self, cursor: str | None) -> Any:
        return self.client.get("/api/v1/feed", {"cursor": cursor} if cursor else {})


def measure(world: World, *, samples: int, explain: bool) -> dict[str, Any]:
    reader = Reader(world)
    if not reader.has_api:
        print("GET /api/v1/feed does not exist (yet): the request cases are skipped")
    own, nearby = _feed_neighborhoods(reader.fresh())
    visible = _visible_count(own, nearby)
    print(f"reader: a verified resident of {world.reader_neighborhood} "
          f"({len(nearby)} nearby neighborhoods, {visible:,} posts in the feed)")
    reader.walk_to(DEEP_PAGE)

    # Cases take turns (see time_interleaved), so noise from other processes spreads evenly.
    timed: dict[str, tuple[Any, Any]] = {}
    for page in (1, DEEP_PAGE):
        timed[f"query p{page}"] = (lambda p=page: reader.query(p), reader.fresh)
        timed[f"baseline p{page}"] = (lambda p=page: reader.baseline(p), reader.fresh)
        if reader.has_api:
            timed[f"request p{page}"] = (lambda p=page: reader.request(p), None)
    timings = _common.time_interleaved(timed, samples=samples)

    checks = _check_pages(reader)
    breakdown = _breakdown(lambda: reader.query(DEEP_PAGE), reader.fresh, samples)
    plans = {}
    if explain:
        plans = {name: _explain(checks["sql"][f"{name} p{DEEP_PAGE}"])
                 for name in ("keyset", "baseline")}
    return {
        "reader": {"neighborhood": world.reader_neighborhood, "nearby": len(nearby),
                   "feed_posts": visible},
        "timings_ms": timings,
        **checks,
        "breakdown_ms": breakdown,
        "plans": plans,
        "page_size": PAGE,
        "samples": samples,
    }


def _visible_count(own: int, nearby: list[int]) -> int:
    from townsquare.feeds.models import FeedItem

    return (FeedItem.objects.filter(neighborhood_id=own).count()
            + FeedItem.objects.filter(neighborhood_id__in=nearby, share_nearby=True).count())


def _check_pages(reader: Reader) -> dict[str, Any]:
    """Queries per call on pages 1 and 10, and whether every way returns the same posts."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queries: dict[str, int] = {}
    pages: dict[str, list[Any]] = {}
    sql: dict[str, str] = {}
    for page in (1, DEEP_PAGE):
        reader.fresh()
        with CaptureQueriesContext(connection) as captured:
            pages[f"query p{page}"] = [post.pk for post in reader.query(page).items]
        queries[f"query p{page}"] = len(captured)
        sql[f"keyset p{page}"] = next(
            (q["sql"] for q in captured.captured_queries if "posts_feeditem" in q["sql"]), "")
        reader.fresh()
        with CaptureQueriesContext(connection) as captured:
            pages[f"baseline p{page}"] = reader.baseline(page)
        sql[f"baseline p{page}"] = captured.captured_queries[-1]["sql"]
        if reader.has_api:
            queries[f"request p{page}"] = _count_request_queries(reader, page)
            pages[f"request p{page}"] = [i["id"] for i in reader.request(page).json()["items"]]
    consistent = all(
        len(pages[f"query p{p}"]) == PAGE
        and pages[f"query p{p}"] == pages[f"baseline p{p}"]
        == pages.get(f"request p{p}", pages[f"query p{p}"])
        for p in (1, DEEP_PAGE))
    return {"queries": queries, "consistent": consistent, "sql": sql}


def _breakdown(fn: Any, before: Any, samples: int) -> dict[str, float]:
    """Median ms of each statement's execute (round trip and server time included) during
    one call of `fn`, and of the rest: Python building SQL, converting rows, making objects.
    """
    from django.db import connection

    per_statement: dict[str, list[float]] = {}
    totals: list[float] = []

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            label = _statement_label(sql)
            calls[label] = calls.get(label, 0.0) + (time.perf_counter() - start) * 1000.0

    for _ in range(samples):
        before()
        calls: dict[str, float] = {}
        with connection.execute_wrapper(timer):
            start = time.perf_counter()
            fn()
            totals.append((time.perf_counter() - start) * 1000.0)
        for label, ms in calls.items():
            per_statement.setdefault(label, []).append(ms)
        per_statement.setdefault("(all statements)", []).append(sum(calls.values()))
    result = {f"execute {k}": _common.percentile(v, 50) for k, v in per_statement.items()}
    result["total"] = _common.percentile(totals, 50)
    result["python (total - all statements)"] = (
        result["total"] - result["execute (all statements)"])
    return result


STATEMENT_LABELS = {  # a table a statement reads -> what it is for; the first match wins
    "places_neighborhood_nearby": "followed nearby neighborhoods",
    "posts_feeditem": "the page: all streams and the 25 posts",
    "agencies_agencypost": "the agency posts",
    "accounts_apitoken": "the token",
    "accounts_resident": "the resident",
}


def _statement_label(sql: str) -> str:
    tables = re.findall(r'(?:FROM|JOIN) "?(\w+)"?', sql)
    for table in sorted(tables, key=lambda t: list(STATEMENT_LABELS).index(t)
                        if t in STATEMENT_LABELS else len(STATEMENT_LABELS)):
        return STATEMENT_LABELS.get(table, table)
    return sql[:30]


def _route_exists(path: str) -> bool:
    from django.urls import resolve

    try:
        resolve(path)
    except Exception as exc:  # noqa: BLE001  (404, or a URL conf that does not import)
        print(f"cannot resolve {path}: {exc!r}")
        return False
    return True


def _feed_neighborhoods(user: Any) -> tuple[int, list[int]]:
    from townsquare.core import policy

    resident = policy.verified_resident_of(user)
    return policy.feed_neighborhoods(resident)


def _count_request_queries(reader: Reader, page: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Token use is recorded at most once a minute; a request that happens to do it is not
    # the steady state, so count again.
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            reader.request(page)
        if not any(q["sql"].startswith("UPDATE") for q in captured.captured_queries):
            break
    return len(captured)


def _explain(sql: str) -> str:
    from django.db import connection

    prefix = ("EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql"
              else "EXPLAIN QUERY PLAN ")
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return "\n".join(r[0] for r in rows)
    return "\n".join(f"{r[0]:>3} {r[1]:>3} {r[-1]}" for r in rows)


# --- Output --------------------------------------------------------------------------------
def cases(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per timed case: p50/p95, its target, the baseline beside it."""
    t = report["timings_ms"]
    rows = []
    for kind, target in (("query", TARGET_QUERY_P95_MS), ("request", TARGET_REQUEST_P95_MS)):
        for page in (1, DEEP_PAGE):
            if f"{kind} p{page}" not in t:
                continue
            p50, p95 = _common.p50_p95(t[f"{kind} p{page}"])
            # The baseline is a query: it stands beside the query cases only.
            base = t[f"baseline p{page}"] if kind == "query" else None
            base50, base95 = _common.p50_p95(base) if base else (None, None)
            rows.append({"case": f"{kind} page {page}", "p50": p50, "p95": p95,
                         "target": target, "met": p95 <= target, "baseline_p50": base50,
                         "baseline_p95": base95, "speedup": base50 / p50 if base else None})
    return rows


def summary(report: dict[str, Any]) -> list[dict[str, Any]]:
    """What run_all.py prints for this benchmark."""
    rows = [_common.summary_row(f"{r['case']} p95", r["p95"], baseline=r["baseline_p95"],
                                target_max=r["target"]) for r in cases(report)]
    q = report["queries"]
    for kind in ("query", "request"):
        if f"{kind} p1" in q:
            first, deep = q[f"{kind} p1"], q[f"{kind} p{DEEP_PAGE}"]
            rows.append(_common.summary_row(
                f"SQL queries per {kind}, page 1 / page {DEEP_PAGE}", f"{first} / {deep}",
                unit="", target="equal", met=first == deep))
    rows.append(_common.summary_row("same posts as the baseline", report["consistent"],
                                    unit="", target="yes", met=report["consistent"]))
    return rows


def print_report(report: dict[str, Any]) -> None:
    reader, machine = report["reader"], report["machine"]
    print(f"\nfeed, {report['posts']:,} posts (loaded in {report['load_seconds']:.0f} s), "
          f"{machine['database']} {machine['database_version']}, {machine['cpus']} CPUs, "
          f"load average {machine['load_average'][0]}")
    print(f"a verified resident of {reader['neighborhood']} ({reader['nearby']} nearby "
          f"neighborhoods, {reader['feed_posts']:,} posts in the feed); pages of "
          f"{report['page_size']}; {report['samples']} samples per case")
    _common.print_table(
        ["case", "p50 ms", "p95 ms", "target p95", "met?", "baseline p50 ms",
         "baseline p95 ms", "speed-up (p50)"],
        [[r["case"], r["p50"], r["p95"], f"<= {r['target']:g} ms", r["met"],
          r["baseline_p50"], r["baseline_p95"],
          f"{r['speedup']:.1f}x" if r["speedup"] else None] for r in cases(report)],
    )
    print("query    = feeds.selectors.feed() (resident, neighborhoods, the page); request = GET "
          "/api/v1/feed with a bearer token; baseline = feed_offset_baseline() (OFFSET)")
    q = report["queries"]
    for kind in ("query", "request"):
        if f"{kind} p1" in q:
            first, deep = q[f"{kind} p1"], q[f"{kind} p{DEEP_PAGE}"]
            print(f"SQL queries per {'selector call' if kind == 'query' else 'request'}: "
                  f"page 1 = {first}, page {DEEP_PAGE} = {deep}"
                  + ("" if first == deep else "  <- NOT EQUAL"))
    print(f"same posts on pages 1 and {DEEP_PAGE} from the selector, the API and the baseline: "
          + ("yes" if report["consistent"] else "NO"))
    print(f"\nwhere the time of one page-{DEEP_PAGE} query goes (medians, ms):")
    for label, ms in report["breakdown_ms"].items():
        print(f"  {label:<42} {ms:6.2f}")
    for name, plan in report["plans"].items():
        print(f"\n--- plan of the {name} query (page {DEEP_PAGE}) ---")
        print(report["sql"][f"{name} p{DEEP_PAGE}"])
        print(plan)


if __name__ == "__main__":
    sys.exit(main())
