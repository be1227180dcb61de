"""Benchmark: sending a tip, and the agency's tips inbox, at 100,000 existing tips.

    .venv/bin/python bench/tips.py [--tips N] [--samples S] [--baseline-samples B] [--json OUT]

Builds its own throw-away database from DATABASE_URL (see _common.py): one city, one
approved police agency with a tips staff member, and N tips (default 100,000) loaded
through the same encryption and word index as tips.actions.submit_tip (bodies of 8 to 30
words from a 2,000-word vocabulary with a Zipf-like skew, statuses, tags, hours spread
over two years), in batches. Then, taking turns (S samples each):

  submit          tips.actions.submit_tip: an anonymous tip with a place, from a new client
                  address each time (the flood limit is counted, never hit), commit included
  inbox page 1    tips.selectors.inbox, newest first (the staff view: decrypts the page)
  inbox page 10   the same after following the cursor 9 times (only the 10th call timed)
  status page 10  status=reviewing, page 10
  search          q=<a word in about 1% of the tips>, page 1
  search+filters  q and status together, page 1
  baseline        (B times) the naive search: decrypt every tip of the agency, keep those
                  whose text holds the word, sort, cut page 1

The SQL statements of each inbox call are counted at 1,000 tips and again at N: they
must be the same. Targets: submit p95 <= 50 ms; inbox (filters, search, page 10) p95 <=
20 ms. Figures and the machine: docs/performance.md.
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

TARGETS = {"submit_p95_ms": 50.0, "inbox_p95_ms": 20.0}
SEED = 20261202
VOCABULARY = 2000
SEARCH_WORD_RANK = 60  # a word found in about 1% of the tips


def words_list() -> list[str]:
    rng = random.Random(SEED)
    letters = "abcdefghijklmnopqrstuvwxyz"
    seen: set[str] = set()
    while len(seen) < VOCABULARY:
        seen.add("".join(rng.choice(letters) for _ in range(rng.randint(4, 9))))
    return sorted(seen)


def build(n: int, start: int, rng: random.Random, world: dict[str, Any]) -> None:
    """Tips start..n-1 (their hours going back in time from now), bulk-loaded."""
    from django.db import connection, transaction

    from townsquare.tips import crypto
    from townsquare.tips.models import Tip, TipSearchToken

    table = connection.ops.quote_name(TipSearchToken._meta.db_table)

    vocab, weights = world["vocab"], world["weights"]
    statuses = ["new", "new", "reviewing", "actionable", "closed", "closed"]
    tags = ["graffiti", "vehicle", "drugs", "noise", "theft"]
    now = world["now"]
    batch = 5000
    for first in range(start, n, batch):
        count = min(batch, n - first)
        tips, texts = [], []
        for number in range(first, first + count):
            text = " ".join(rng.choices(vocab, weights, k=rng.randint(8, 30)))
            hour = now - dt.timedelta(hours=int(number * 17520 / max(n, 1)) + 1)
            tag = [rng.choice(tags)] if rng.random() < 0.3 else []
            tips.append(Tip(
                agency=world["agency"], status=rng.choice(statuses), anonymous=True,
                created_hour=hour, last_activity_hour=hour, tags=tag,
                code_digest=crypto.random_digest(), body_token=crypto.encrypt_text(text),
                lat=round(38.5 + rng.random() / 10, 3), lon=round(-121.5 + rng.random() / 10, 3)))
            texts.append((text, tag))
        with transaction.atomic():
            Tip.objects.bulk_create(tips, batch_size=batch)
            tokens = []
            for tip, (text, tag) in zip(tips, texts, strict=True):
                digests = crypto.word_digests(text) | crypto.word_digests(" ".join(tag))
                digests |= {crypto.digest("tag", t)[:16] for t in tag}
                tokens += [(tip.pk, d) for d in digests]
            with connection.cursor() as cursor:  # the rows TipSearchToken would write
                cursor.executemany(f"INSERT INTO {table} (tip_id, digest) VALUES (%s, %s)",  # noqa: S608
                                   tokens)


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def make_world() -> dict[str, Any]:
    from django.utils import timezone

    from townsquare.accounts.models import User
    from townsquare.agencies.models import Agency, AgencyStaff
    from townsquare.places.models import City

    city = City.objects.create(name="Benchville", slug="benchville")
    agency = Agency.objects.create(name="Benchville Police", slug="benchville-police",
                                   kind="police", city=city, status=Agency.Status.APPROVED,
                                   all_neighborhoods=True, email_domain="police.bench.example")
    user = User.objects.create_user(email="tia@police.bench.example", password=None,
                                    display_name="Tia Tips")
    AgencyStaff.objects.create(agency=agency, user=user, role="tips")
    vocab = words_list()
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(vocab))]
    return {"agency": agency, "user_id": user.pk, "vocab": vocab, "weights": weights,
            "now": timezone.now().replace(minute=0, second=0, microsecond=0),
            "word": vocab[SEARCH_WORD_RANK]}


def fresh_user(world: dict[str, Any]) -> Any:
    from townsquare.accounts.models import User

    return User.objects.get(pk=world["user_id"])


def cases(world: dict[str, Any]) -> dict[str, Any]:
    """name -> a function doing one timed call with a fresh user (as a request has)."""
    from townsquare.tips import selectors

    agency, word = world["agency"], world["word"]

    def page(n: int, **filters: Any) -> Any:
        def run() -> None:
            user = fresh_user(world)
            cursor = None
            for _ in range(n - 1):
                _items, cursor = selectors.inbox(user, agency, cursor=cursor, **filters)
            world["timed_cpu"] = time.process_time()
            world["timed_start"] = time.perf_counter()
            items, _next = selectors.inbox(user, agency, cursor=cursor, **filters)
            [tip.body for tip in items]  # what the staff read: the page, decrypted
        return run

    return {"inbox page 1": page(1), "inbox page 10": page(10),
            "status page 10": page(10, status="reviewing"),
            "search": page(1, q=word),
            "search+filters": page(1, q=word, status="new")}


def time_inbox(world: dict[str, Any], samples: int) -> dict[str, list[float]]:
    """Only the last inbox call of each case is timed (earlier pages only make its cursor)."""
    result: dict[str, list[float]] = {}
    runs = cases(world)
    for number in range(samples + 2):
        for name, run in runs.items():
            run()
            elapsed = (time.perf_counter() - world["timed_start"]) * 1000.0
            cpu = (time.process_time() - world["timed_cpu"]) * 1000.0
            if number >= 2:
                result.setdefault(name, []).append(elapsed)
                world.setdefault("cpu", {}).setdefault(name, []).append(cpu)
    return result


def count_statements(world: dict[str, Any]) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from townsquare.tips import selectors

    counts = {}
    user = fresh_user(world)
    selectors.inbox(user, world["agency"])  # the user's membership, cached on it
    for name, filters in {"inbox page 1": {}, "status": {"status": "reviewing"},
                          "search": {"q": world["word"]},
                          "search+filters": {"q": world["word"], "status": "new"},
                          "tag": {"tag": "graffiti"}}.items():
        with CaptureQueriesContext(connection) as queries:
            selectors.inbox(user, world["agency"], **filters)
        counts[name] = len(queries)
    return counts


def submit(world: dict[str, Any], number: int) -> float:
    from townsquare.tips import actions

    cpu = time.process_time()
    start = time.perf_counter()
    actions.submit_tip(agency=world["agency"], body=f"A grey van circles the block, {number}",
                       lat=38.5812, lon=-121.4944, client_address=f"10.9.{number // 250}."
                                                                  f"{number % 250}")
    elapsed = (time.perf_counter() - start) * 1000.0
    world.setdefault("cpu", {}).setdefault("submit", []).append(
        (time.process_time() - cpu) * 1000.0)
    return elapsed


def submit_statements(world: dict[str, Any], number: int) -> int:
    """Statements of a submit from an address seen before in this hour (the first one of
    an address, or of the day, also starts its counter or the day's key)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submit(world, number)
    with CaptureQueriesContext(connection) as queries:
        submit(world, number)
    return len(queries)


def commit_latency(samples: int = 20) -> list[float]:
    """One small INSERT and its commit, as a measure of the machine's commit latency
    (every submit and every inbox call ends in one commit: the tip, the audit entry)."""
    from django.db import transaction

    from townsquare.core.models import AuditLog

    times = []
    for _ in range(samples):
        start = time.perf_counter()
        with transaction.atomic():
            AuditLog.objects.create(action="bench.commit", actor_label="bench", data={})
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def naive_search(world: dict[str, Any]) -> float:
    """Decrypt every tip of the agency to search it."""
    from townsquare.tips.models import Tip

    start = time.perf_counter()
    word = world["word"]
    rows = Tip.objects.filter(agency=world["agency"], hidden=False).only(
        "id", "created_hour", "body_token").order_by("-created_hour", "-id")
    found = [tip for tip in rows.iterator(chunk_size=5000) if word in tip.body.split()]
    found[:25]  # noqa: B018 (the page)
    return (time.perf_counter() - start) * 1000.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tips", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--baseline-samples", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if args.tips < 1000:
        parser.error("need --tips >= 1000")

    with _common.throwaway_database() as db:
        print(f"throw-away {db.vendor} database: {db.name}")
        rng = random.Random(SEED)
        world = make_world()
        build(1000, 0, rng, world)
        analyze()
        small = count_statements(world)
        submit_small = submit_statements(world, 99_990)
        started = time.perf_counter()
        build(args.tips, 1000, rng, world)
        analyze()
        load_s = time.perf_counter() - started
        large = count_statements(world)
        submit_large = submit_statements(world, 99_991)
        world["cpu"] = {}
        submits = [submit(world, n) for n in range(args.samples + 3)][3:]
        world["cpu"]["submit"] = world["cpu"]["submit"][3:]
        commit_ms = commit_latency()
        inbox = time_inbox(world, args.samples)
        baseline = [naive_search(world) for _ in range(args.baseline_samples)]
        from townsquare.tips.models import Tip, TipSearchToken

        tips_total, tokens_total = Tip.objects.count(), TipSearchToken.objects.count()
        machine = _common.machine_info()

    s50, s95 = _common.p50_p95(submits)
    b50, _b95 = _common.p50_p95(baseline)
    summary = [
        _common.summary_row(f"submit a tip at {args.tips:,} tips, p50", s50),
        _common.summary_row(f"submit a tip at {args.tips:,} tips, p95", s95,
                            target_max=TARGETS["submit_p95_ms"]),
        _common.summary_row("SQL statements per submit (1,000 / N tips)",
                            f"{submit_small} / {submit_large}", unit="",
                            target="the same", met=submit_small == submit_large),
    ]
    for name, values in inbox.items():
        p50, p95 = _common.p50_p95(values)
        summary.append(_common.summary_row(
            f"{name}, p95 (p50 {p50:.2f} ms)", p95, target_max=TARGETS["inbox_p95_ms"],
            baseline=b50 if name == "search" else None))
    for name, values in world["cpu"].items():
        summary.append(_common.summary_row(f"{name}: this process's CPU time, p95",
                                           _common.p50_p95(values)[1]))
    summary.append(_common.summary_row("one INSERT and its commit, p50 (the disk's share)",
                                       _common.p50_p95(commit_ms)[0]))
    summary.append(_common.summary_row(
        "SQL statements per inbox call (1,000 / N tips)",
        ", ".join(f"{k} {small[k]}/{large[k]}" for k in small), unit="",
        target="the same", met=small == large))
    report = {"benchmark": "tips", "database": db.vendor, "tips": tips_total,
              "search_tokens": tokens_total, "load_s": load_s,
              "submit_ms": submits, "inbox_ms": inbox, "baseline_ms": baseline,
              "cpu_ms": world["cpu"], "commit_ms": commit_ms,
              "statements_small": small, "statements_large": large,
              "machine": machine, "summary": summary}
    rows = [[r["metric"], _common.fmt_value(r["value"], r["unit"]),
             _common.fmt_value(r["baseline"], r["unit"]), r["target"], r["met"]]
            for r in summary]
    _common.print_table(["metric", "value", "baseline (naive search, p50)", "target", "met?"],
                        rows, title=f"tips on {db.vendor}: {tips_total:,} tips, "
                                    f"{tokens_total:,} index rows, loaded in {load_s:.0f} s")
    _common.write_json(args.json, report)
    return 0 if all(r["met"] is not False for r in summary) else 1


if __name__ == "__main__":
    sys.exit(main())
