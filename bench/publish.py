"""Benchmark: publishing an agency post to a whole city, and the moment every inbox shows it.

    .venv/bin/python bench/publish.py [--residents N] [--samples S] [--baseline-samples B]
                                      [--per-neighborhood K] [--json OUT]

Builds its own throw-away database from DATABASE_URL (see _common.py), imports the 121
Sacramento neighborhoods and bulk-loads N verified residents spread evenly over them (the
rows the sign-up and verification actions write; member counts settled the same way). An
approved agency whose jurisdiction is the whole city gets a publisher. Then, S times:

  publish     agencies.actions.publish_agency_post to the whole jurisdiction: the time of
              the call (commit included), and its SQL statements
  inbox       from the start of that call until K sampled residents of EVERY neighborhood
              see the post at the top of their inbox, read through agencies.selectors.inbox
              (each with a fresh user object, as a request has), re-reading any that do not
              yet; then one set-based query checks that all N residents' inboxes hold it
  baseline    (B times) the naive design: the same publish plus one inbox row per resident
              written in the request, with a single INSERT ... SELECT into an indexed table
              (the cheapest way to write them; a bulk_create from Python is slower)

Targets (any N): publish p95 <= 200 ms, the same statements at every N, every inbox showing
the post within 1 s of the publish call, and >= 10x faster than the baseline at 100,000.
Figures and the machine: docs/performance.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402  (the bench directory is not a package)
import _population  # noqa: E402

TARGETS = {"publish_p95_ms": 200.0, "inbox_visible_p95_ms": 1000.0, "speedup": 10.0,
           "speedup_from_residents": 100_000}
BASELINE_TABLE = "bench_naive_inbox"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=20, help="timed publishes")
    parser.add_argument("--baseline-samples", type=int, default=3,
                        help="timed baseline publishes (each writes N rows)")
    parser.add_argument("--per-neighborhood", type=int, default=1,
                        help="residents per neighborhood whose inbox is read after each "
                             "publish")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if args.residents < 121 or args.samples < 1 or args.baseline_samples < 1:
        parser.error("need --residents >= 121 (one per neighborhood) and at least one sample")

    with _common.throwaway_database() as db:
        print(f"throw-away {db.vendor} database: {db.name}")
        world = build_city(args.residents)
        sampled = sample_residents(world, args.per_neighborhood)
        create_baseline_table()
        runs = [publish_and_wait(world, sampled, number)
                for number in range(args.samples + 1)][1:]  # the first one warms up
        baseline = [naive_publish(world) for _ in range(args.baseline_samples)]
        report = make_report(args, db.vendor, world, sampled, runs, baseline)
    print_report(report)
    _common.write_json(args.json, report)
    return 0 if report["consistent"] else 1


# --- the city -----------------------------------------------------------------------------------
def build_city(n: int) -> dict[str, Any]:
    loaded = _population.load_city(
        n, agency={"name": "Sacramento Police Department", "kind": "police",
                   "website": "https://police.sacramento.example.gov",
                   "email_domain": "police.sacramento.example.gov"},
        publisher=("watch.commander@police.sacramento.example.gov", "Watch Commander"))
    return {"n": n, "agency": loaded["agency"], "publisher_id": loaded["publisher"].pk,
            "neighborhood_ids": [nb.pk for nb in loaded["neighborhoods"]]}


def sample_residents(world: dict[str, Any], per_neighborhood: int) -> list[int]:
    """User ids of the first K residents of every neighborhood (residents were loaded round
    robin, so ids 1..121K cover every neighborhood K times)."""
    from townsquare.accounts.models import Resident

    count = min(world["n"], per_neighborhood * len(world["neighborhood_ids"]))
    ids = list(Resident.objects.filter(user_id__lte=count).values_list("user_id", flat=True))
    covered = set(Resident.objects.filter(user_id__in=ids)
                  .values_list("neighborhood_id", flat=True))
    assert covered == set(world["neighborhood_ids"]), "the sample misses a neighborhood"
    return sorted(ids)


# --- publishing -----------------------------------------------------------------------------------
def _publisher(world: dict[str, Any]) -> Any:
    from townsquare.accounts.models import User

    return User.objects.get(pk=world["publisher_id"])  # fresh: nothing cached on it


def publish_and_wait(world: dict[str, Any], sampled: list[int], number: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from townsquare.agencies import actions as agencies

    user = _publisher(world)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        post, _created = agencies.publish_agency_post(
            user, world["agency"], kind="alert", title=f"Flood warning {number}",
            body="The river is rising. Move cars off low streets tonight.")
        published = time.perf_counter()
    statements = len(queries)
    waiting, rounds, reads = list(sampled), 0, []
    while waiting:
        rounds += 1
        waiting = [uid for uid in waiting if not _inbox_shows(uid, post.pk, reads)]
    visible = time.perf_counter()
    everyone = _every_inbox_holds(post.pk)
    return {"publish_ms": (published - started) * 1000,
            "visible_ms": (visible - started) * 1000, "rounds": rounds,
            "statements": statements, "read_ms": reads, "everyone": everyone,
            "audience": post.audience_size}


def _inbox_shows(user_id: int, post_id: int, reads: list[float]) -> bool:
    from townsquare.accounts.models import User
    from townsquare.agencies import selectors

    user = User.objects.get(pk=user_id)
    began = time.perf_counter()
    page = selectors.inbox(user, limit=1)
    reads.append((time.perf_counter() - began) * 1000)
    return bool(page.items) and page.items[0].post.pk == post_id and not page.items[0].read


def _every_inbox_holds(post_id: int) -> int:
    """How many verified residents' inboxes hold the post: one set-based query over the
    same feed rows the inbox reads."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM accounts_resident r JOIN posts_feeditem f "
            "ON f.neighborhood_id = r.neighborhood_id AND f.agency_post_id = %s "
            "WHERE r.verified_at IS NOT NULL", [post_id])
        return int(cursor.fetchone()[0])


# --- the baseline ---------------------------------------------------------------------------------
def create_baseline_table() -> None:
    """The naive design's table: one row per resident and post, indexed for the inbox read."""
    from django.db import connection

    key = "BIGSERIAL PRIMARY KEY" if connection.vendor == "postgresql" else (
        "INTEGER PRIMARY KEY AUTOINCREMENT")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {BASELINE_TABLE} (id {key}, user_id BIGINT NOT NULL, "
                       "agency_post_id BIGINT NOT NULL, created_at TIMESTAMP NOT NULL, "
                       "read BOOLEAN NOT NULL DEFAULT FALSE)")
        cursor.execute(f"CREATE INDEX {BASELINE_TABLE}_inbox ON {BASELINE_TABLE} "
                       "(user_id, created_at DESC)")


def naive_publish(world: dict[str, Any]) -> float:
    """Publish, then write one inbox row per targeted resident, in the request (ms)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from townsquare.agencies import actions as agencies

    user = _publisher(world)
    started = time.perf_counter()
    post, _created = agencies.publish_agency_post(
        user, world["agency"], kind="alert", title="Baseline", body="Naive.")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BASELINE_TABLE} (user_id, agency_post_id, created_at, read) "  # noqa: S608
            "SELECT r.user_id, %s, %s, FALSE FROM accounts_resident r "
            "JOIN agencies_agencyposttarget t ON t.neighborhood_id = r.neighborhood_id "
            "WHERE t.post_id = %s AND r.verified_at IS NOT NULL",
            [post.pk, connection.ops.adapt_datetimefield_value(timezone.now()), post.pk])
        written = cursor.rowcount
    elapsed = (time.perf_counter() - started) * 1000
    assert written == world["n"], f"the baseline wrote {written} rows, not {world['n']}"
    return elapsed


# --- the report -----------------------------------------------------------------------------------
def make_report(args: argparse.Namespace, vendor: str, world: dict[str, Any],
                sampled: list[int], runs: list[dict[str, Any]],
                baseline: list[float]) -> dict[str, Any]:
    n = world["n"]
    publish = [r["publish_ms"] for r in runs]
    visible = [r["visible_ms"] for r in runs]
    reads = [ms for r in runs for ms in r["read_ms"]]
    statements = sorted({r["statements"] for r in runs})
    p50, p95 = _common.p50_p95(publish)
    v50, v95 = _common.p50_p95(visible)
    b50, _b95 = _common.p50_p95(baseline)
    speedup = b50 / p50 if p50 else None
    consistent = (all(r["everyone"] == n and r["audience"] == n for r in runs)
                  and max(r["rounds"] for r in runs) == 1)
    report: dict[str, Any] = {
        "benchmark": "publish", "residents": n, "database": vendor,
        "neighborhoods": len(world["neighborhood_ids"]), "samples": len(runs),
        "sampled_inboxes": len(sampled),
        "publish_ms": {"p50": p50, "p95": p95, "all": publish},
        "inbox_visible_ms": {"p50": v50, "p95": v95, "all": visible},
        "inbox_read_ms": dict(zip(("p50", "p95"), _common.p50_p95(reads), strict=True)),
        "read_rounds": max(r["rounds"] for r in runs),
        "statements_per_publish": statements,
        "every_inbox_holds_it": all(r["everyone"] == n for r in runs),
        "baseline": {"name": "publish + one inbox row per resident, INSERT ... SELECT in the "
                             "request", "ms": baseline, "p50": b50},
        "speedup": speedup, "consistent": consistent, "targets": TARGETS,
        "machine": _common.machine_info(),
    }
    report["summary"] = [
        _common.summary_row("publish to the whole city, p50", p50, baseline=b50),
        _common.summary_row("publish to the whole city, p95", p95,
                            target_max=TARGETS["publish_p95_ms"]),
        _common.summary_row("publish speed-up over the baseline (p50)", speedup, unit="x",
                            **({"target_min": TARGETS["speedup"]}
                               if n >= TARGETS["speedup_from_residents"] else {})),
        _common.summary_row(f"every sampled inbox shows it ({len(sampled)}), p95", v95,
                            target_max=TARGETS["inbox_visible_p95_ms"]),
        _common.summary_row(f"all {n:,} inboxes hold it at once", consistent, unit="",
                            target="yes", met=consistent),
        _common.summary_row("SQL statements per publish", statements[-1], unit="",
                            target="same at every N", met=None),
    ]
    return report


def print_report(report: dict[str, Any]) -> None:
    rows = [[r["metric"], _common.fmt_value(r["value"], r["unit"]),
             _common.fmt_value(r["baseline"], r["unit"]), r["target"], r["met"]]
            for r in report["summary"]]
    _common.print_table(["metric", "value", "baseline", "target", "met?"], rows,
                        title=f"Publishing to {report['residents']:,} verified residents in "
                              f"{report['neighborhoods']} neighborhoods ({report['database']}, "
                              f"{report['samples']} publishes)")
    read = report["inbox_read_ms"]
    print(f"inbox reads: {read['p50']:.2f} ms p50, {read['p95']:.2f} ms p95 per resident "
          f"(selector, fresh user); every sampled inbox showed the post on the first read "
          f"after the publish returned: {'yes' if report['read_rounds'] == 1 else 'NO'}")
    print(f"statements per publish: {report['statements_per_publish']}; baseline runs (ms): "
          f"{', '.join(f'{ms:,.0f}' for ms in report['baseline']['ms'])}")


if __name__ == "__main__":
    sys.exit(main())
