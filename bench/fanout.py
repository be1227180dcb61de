"""Benchmark: a city-wide alert to N residents, from the publish click to the last message.

    .venv/bin/python bench/fanout.py [--recipients N] [--workers W] [--json OUT]

Builds its own throw-away database from DATABASE_URL (see _common.py), imports the 121
Sacramento neighborhoods and bulk-loads N verified residents spread evenly over them (the
rows the sign-up and verification actions write; member counts settled the same way).
Then, with a local SMTP sink and a local push service (bench/_sinks.py) and W real
`townsquare worker` processes (default 2):

  publish     one alert to the whole city through agencies.actions.publish_agency_post:
              the time of that call (it enqueues the fan-out after commit)
  inbox ready from the start of the publish call until one set-based query confirms that
              every targeted resident's inbox holds the post (the inbox is computed)
  email       the workers fan out (INSERT ... SELECT) and send one email per resident over
              SMTP; rate = emails / (last - first delivery), from the delivery records
  push        a second alert, to the same residents with email off and one browser
              subscription each: pushes encrypted (RFC 8291) and VAPID-signed per message
  baseline    the naive publish: the same call plus one delivery row per resident written
              in the request (fetch the residents, bulk_create the rows)

Targets (PostgreSQL, N = 100,000, 2 cores): publish <= 0.2 s and >= 10x faster than the
baseline; inbox ready <= 1 s; email >= 1,000/s; push >= 500/s. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402  (the bench directory is not a package)
import _population  # noqa: E402
import _sinks  # noqa: E402

CHUNK = _population.CHUNK
TARGETS = {"publish_seconds": 0.2, "speedup": 10.0, "inbox_ready_seconds": 1.0,
           "email_per_second": 1000.0, "push_per_second": 500.0}
STALL_SECONDS = 120  # no delivery finished for this long: something is broken, stop
WAIT_SECONDS = 3 * 3600  # a generous bound on any one phase (1,000,000 emails included)


# --- the population ------------------------------------------------------------------------
def build_city(n: int) -> dict[str, Any]:
    return _population.load_city(
        n, agency={"name": "Sacramento Office of Emergency Services", "kind": "city",
                   "website": "https://oes.sacramento.example.gov",
                   "email_domain": "oes.sacramento.example.gov"},
        publisher=("duty.officer@oes.sacramento.example.gov", "Duty Officer"))


PREFERENCE_COLUMNS = ("user_id", "email_enabled", "push_enabled",
                      "email_agency_post", "email_reply_to_me", "email_neighborhood_post",
                      "push_agency_post", "push_reply_to_me", "push_neighborhood_post",
                      "neighborhood_digest", "time_zone", "email_off_reason", "updated_at")
SUBSCRIPTION_COLUMNS = ("user_id", "endpoint", "p256dh", "auth", "user_agent", "created_at",
                        "retire_reason")


def browsers_and_email_off(n: int, push_url: str) -> None:
    import base64
    import os as _os

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from django.utils import timezone

    now = timezone.now()
    # One real key pair for every fake browser: encryption work per message is the same.
    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    p256dh = base64.urlsafe_b64encode(key).decode().rstrip("=")
    auth = base64.urlsafe_b64encode(_os.urandom(16)).decode().rstrip("=")
    for first in range(0, n, CHUNK):
        ids = range(first + 1, min(n, first + CHUNK) + 1)
        _population.copy_rows("notifications_pushsubscription", SUBSCRIPTION_COLUMNS,
              [(uid, f"{push_url}/{uid}", p256dh, auth, "bench", now, "") for uid in ids])
        _population.copy_rows("notifications_notificationpreference", PREFERENCE_COLUMNS,
              [(uid, False, True, True, False, False, True, False, False, False, "", "", now)
               for uid in ids])
    from townsquare.notifications.models import NotificationPreference, PushSubscription

    _population.reset_sequences(NotificationPreference, PushSubscription)
    _population.analyze()


# --- the phases -----------------------------------------------------------------------------
def publish(world: dict[str, Any], title: str) -> tuple[Any, float]:
    from townsquare.agencies import actions as agencies

    started = time.perf_counter()
    post, _created = agencies.publish_agency_post(
        world["publisher"], world["agency"], kind="alert", title=title,
        body="A levee on the Sacramento River is failing. Leave the river bank now.")
    elapsed = time.perf_counter() - started
    _ensure_fan_out(post)
    return post, elapsed


def _ensure_fan_out(post: Any) -> None:
    """The publish action enqueues the fan-out after commit; say so loudly if it did not."""
    from django_tasks_db.models import DBTaskResult

    if not DBTaskResult.objects.filter(task_path__endswith="fan_out_agency_post").filter(
            args_kwargs__kwargs__post_id=post.pk).exists():
        from townsquare.notifications import hooks

        print("note: publishing did not enqueue the fan-out; enqueueing it here", flush=True)
        hooks.agency_post_published(post)


def inbox_ready(post: Any, n: int, started: float) -> float:
    """Seconds from `started` until one query confirms every targeted inbox holds the post,
    then (untimed) the inbox selector itself for one resident of every neighborhood."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM accounts_resident r JOIN posts_feeditem f "
            "ON f.neighborhood_id = r.neighborhood_id AND f.agency_post_id = %s "
            "WHERE r.verified_at IS NOT NULL", [post.pk])
        (count,) = cursor.fetchone()
    ready = time.perf_counter() - started
    assert count == n, f"only {count} of {n} inboxes hold the post"
    from townsquare.accounts.models import User
    from townsquare.agencies import selectors

    for user_id in (User.objects.filter(resident__isnull=False)
                    .order_by("resident__neighborhood_id", "pk")
                    .distinct("resident__neighborhood_id").values_list("pk", flat=True)
                    if connection.vendor == "postgresql" else
                    User.objects.filter(resident__isnull=False).values_list("pk", flat=True)[:121]):
        user = User.objects.get(pk=user_id)
        assert post.pk in {item.post.pk for item in selectors.inbox(user).items}
    return ready


def start_workers(count: int, smtp_port: int) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "LOG_LEVEL": "WARNING",
           "DJANGO_SETTINGS_MODULE": "townsquare.settings"}
    return [subprocess.Popen([sys.executable, "-m", "townsquare.cli", "worker",
                              "--worker-id", f"bench-{i}"], env=env, stdin=subprocess.DEVNULL)
            for i in range(count)]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()


def wait_delivered(post: Any, channel: str, n: int) -> dict[str, Any]:
    """Poll until the post's `channel` deliveries are all final; then the figures."""
    from django.db.models import Count, Max, Min

    from townsquare.notifications.models import Delivery

    deadline = time.monotonic() + WAIT_SECONDS
    rows = Delivery.objects.filter(agency_post=post, channel=channel)
    last_change, last_done = time.monotonic(), -1
    while time.monotonic() < deadline:
        states = dict(rows.values_list("state").annotate(n=Count("pk")))
        done = sum(v for k, v in states.items() if k in ("delivered", "failed", "given_up",
                                                         "skipped"))
        if done >= n:
            break
        if done != last_done:
            last_change, last_done = time.monotonic(), done
        elif time.monotonic() - last_change > STALL_SECONDS:
            raise SystemExit(f"{channel}: no progress for {STALL_SECONDS} s: {states}")
        time.sleep(0.25)
    figures = rows.filter(state="delivered").aggregate(
        n=Count("pk"), first=Min("delivered_at"), last=Max("delivered_at"))
    span = (figures["last"] - figures["first"]).total_seconds() if figures["n"] else 0.0
    return {"delivered": figures["n"], "states": states, "span_seconds": round(span, 3),
            "per_second": round(figures["n"] / span, 1) if span else None,
            "last_after_publish_seconds": round(
                (figures["last"] - post.publish_at).total_seconds(), 3) if figures["n"] else None}


def fanout_seconds(post_id: int) -> float | None:
    """Seconds from publishing to the last delivery row written (the post's fan-out job;
    the task or any worker's fan-out loop may have run its steps)."""
    from townsquare.notifications.models import FanoutJob

    job = FanoutJob.objects.filter(agency_post_id=post_id).exclude(finished_at=None).first()
    return round((job.finished_at - job.created_at).total_seconds(), 3) if job else None


def naive_publish(world: dict[str, Any]) -> float:
    """The baseline: publish, then write one delivery row per resident in the request."""
    from django.utils import timezone

    from townsquare.accounts.models import Resident
    from townsquare.agencies import actions as agencies
    from townsquare.notifications.models import Delivery

    started = time.perf_counter()
    post, _created = agencies.publish_agency_post(
        world["publisher"], world["agency"], kind="alert", title="Baseline", body="Naive.")
    now = timezone.now()
    recipients = Resident.objects.filter(verified_at__isnull=False).values_list("user_id",
                                                                                 flat=True)
    Delivery.objects.bulk_create(
        [Delivery(kind="urgent_alert", priority=0, agency_post=post, recipient_id=uid,
                  channel="email", next_attempt_at=now, queued_at=now)
         for uid in recipients.iterator(chunk_size=10_000)], batch_size=5000)
    return time.perf_counter() - started


# --- main ---------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", default=None, help="write the report here")
    parser.add_argument("--no-delivery", action="store_true",
                        help="publish, inbox and baseline only; the fan-out job is timed "
                             "in this process, and no message is sent")
    args = parser.parse_args(argv)
    n = args.recipients

    if args.no_delivery:
        return publish_only(n, args.json)
    with _common.throwaway_database() as db:
        world = build_city(n)
        smtp, push = _sinks.SmtpSink().start(), _sinks.PushSink().start()
        workers: list[subprocess.Popen[bytes]] = []
        try:
            started = time.perf_counter()
            post, publish_seconds = publish(world, "Evacuate the river bank")
            ready = inbox_ready(post, n, started)
            print(f"published in {publish_seconds:.3f} s; every inbox ready after "
                  f"{ready:.3f} s", flush=True)
            workers = start_workers(args.workers, smtp.port)
            email = wait_delivered(post, "email", n)
            email["fanout_seconds"] = fanout_seconds(post.pk)
            email["sink_messages"] = smtp.messages
            email["sink_repeated"] = sum(1 for c in smtp.message_ids.values() if c > 1)
            print(f"email: {email}", flush=True)

            browsers_and_email_off(n, f"http://127.0.0.1:{push.port}/push")
            second, second_publish = publish(world, "Shelters are open")
            push_figures = wait_delivered(second, "push", n)
            push_figures["fanout_seconds"] = fanout_seconds(second.pk)
            push_figures["sink_requests"] = push.received
            print(f"push: {push_figures}", flush=True)
        finally:
            stop_workers(workers)
            smtp.stop()
            push.stop()
        baseline = naive_publish(world)
        report = make_report(n, args.workers, db.vendor, publish_seconds, second_publish,
                             ready, email, push_figures, baseline)
    print_report(report)
    _common.write_json(args.json, report)
    return 0


def publish_only(n: int, json_path: str | None) -> int:
    """Publish, inbox ready, the fan-out job timed here (email rows), and the baseline."""
    with _common.throwaway_database() as db:
        from townsquare.notifications import tasks

        world = build_city(n)
        started = time.perf_counter()
        post, publish_seconds = publish(world, "Evacuate the river bank")
        ready = inbox_ready(post, n, started)
        began = time.perf_counter()
        written = tasks.fan_out_agency_post.call(post_id=post.pk)
        fanout = time.perf_counter() - began
        assert written == n, written
        baseline = naive_publish(world)
        empty = {"per_second": None, "delivered": 0, "span_seconds": None,
                 "fanout_seconds": round(fanout, 3), "last_after_publish_seconds": None,
                 "sink_messages": 0, "sink_repeated": 0}
        report = make_report(n, 0, db.vendor, publish_seconds, publish_seconds, ready, empty,
                             {**empty, "fanout_seconds": None}, baseline)
    report["summary"] = report["summary"][:3]
    print_report(report)
    _common.write_json(json_path, report)
    return 0


def make_report(n: int, workers: int, vendor: str, publish_seconds: float,
                second_publish: float, ready: float, email: dict[str, Any],
                push: dict[str, Any], baseline: float) -> dict[str, Any]:
    speedup = baseline / publish_seconds if publish_seconds else None
    report: dict[str, Any] = {
        "benchmark": "fanout", "recipients": n, "workers": workers,
        "publish_seconds": round(publish_seconds, 4),
        "second_publish_seconds": round(second_publish, 4),
        "inbox_ready_seconds": round(ready, 4),
        "email_per_second": email["per_second"], "push_per_second": push["per_second"],
        "email": email, "push": push,
        "baseline": {"name": "publish + one delivery row per resident in the request "
                             "(bulk_create)", "publish_seconds": round(baseline, 3)},
        "speedup": round(speedup, 1) if speedup else None,
        "targets": TARGETS, "machine": _common.machine_info(), "database": vendor,
    }
    report["summary"] = [
        _common.summary_row("publish (city-wide alert)", publish_seconds * 1000, unit="ms",
                            baseline=baseline * 1000,
                            target_max=TARGETS["publish_seconds"] * 1000),
        _common.summary_row("publish speed-up over the baseline", report["speedup"], unit="x",
                            target_min=TARGETS["speedup"]),
        _common.summary_row("every inbox ready", ready * 1000, unit="ms",
                            target_max=TARGETS["inbox_ready_seconds"] * 1000),
        _common.summary_row("email to the local SMTP sink", email["per_second"] or 0.0,
                            unit="msg/s", target_min=TARGETS["email_per_second"]),
        _common.summary_row("push to the local push service", push["per_second"] or 0.0,
                            unit="msg/s", target_min=TARGETS["push_per_second"]),
    ]
    return report


def print_report(report: dict[str, Any]) -> None:
    rows = [[r["metric"], _common.fmt_value(r["value"], r["unit"]),
             _common.fmt_value(r["baseline"], r["unit"]), r["target"], r["met"]]
            for r in report["summary"]]
    _common.print_table(["metric", "value", "baseline", "target", "met?"], rows,
                        title=f"Fan-out of one alert to {report['recipients']:,} residents "
                              f"({report['database']}, {report['workers']} workers)")
    e, p = report["email"], report["push"]
    print(f"email: {e['delivered']:,} delivered in {e['span_seconds']} s (fan-out "
          f"{e['fanout_seconds']} s; last {e['last_after_publish_seconds']} s after publish; "
          f"sink got {e['sink_messages']:,}, repeated {e['sink_repeated']})")
    print(f"push:  {p['delivered']:,} delivered in {p['span_seconds']} s (fan-out "
          f"{p['fanout_seconds']} s; last {p['last_after_publish_seconds']} s after publish)")


if __name__ == "__main__":
    sys.exit(main())
