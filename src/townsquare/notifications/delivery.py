"""The delivery engine: claim a batch with a lease, hand it to its channels, record.

    claim  -> one statement marks up to N due deliveries `sending`, leased to this worker
              until now + lease, and returns them (PostgreSQL: FOR UPDATE SKIP LOCKED, so
              workers claim disjoint rows; SQLite: one writer at a time anyway);
    render -> per source one Content, per row one Notice; rows that must not go out any
              more are skipped (withdrawn, unsubscribed, moved away), rows in the
              recipient's quiet hours wait for its end (urgent alerts never wait);
    send   -> each channel gets its notices and reports one Outcome per notice;
    record -> outcomes are written as they come, in small groups, and only for rows this
              worker still holds (state `sending`, leased_by = me).

A worker that dies leaves its rows `sending`; when the lease runs out another worker claims
them again. So a message is repeated only when a worker died between handing it over and
recording it, and the repeat carries the same Message-ID. A transient failure is retried
with exponential backoff and jitter (and no sooner than a Retry-After) up to
TOWNSQUARE_DELIVERY_MAX_ATTEMPTS claims, then given up with its reason.

A server that cannot be reached (the mail relay is down) is not a failure of the message:
its rows go back to `queued` with the attempt not counted, and the channel (or the one push
service) is paused by the circuit breaker (breaker.py): no worker claims a paused channel's
rows, or hands a paused push service its messages, until the pause ends. See
docs/notifications.md and docs/adr/0001-background-work-and-delivery.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import random
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from townsquare.core import tasks_recovery
from townsquare.notifications import breaker, digests, kinds, links, reasons
from townsquare.notifications.channels import (
    DELIVERED,
    FAILED,
    RETRY,
    SENT,
    UNREACHABLE,
    Notice,
    Outcome,
    for_name,
)
from townsquare.notifications.models import Delivery, PushSubscription
from townsquare.notifications.models.deliveries import OPEN_STATES

logger = logging.getLogger("townsquare.notifications")

MAX_BACKOFF_SECONDS = 6 * 3600
FLUSH_EVERY = 50  # outcomes recorded per statement group: few repeats after a crash
IDLE_SECONDS = 0.5  # a drain loop with nothing to do looks again after this


def lease_seconds() -> int:
    return int(settings.TOWNSQUARE_DELIVERY_LEASE_SECONDS)


def max_attempts() -> int:
    return int(settings.TOWNSQUARE_DELIVERY_MAX_ATTEMPTS)


def default_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{threading.get_ident() % 100000}"


def backoff(attempts: int, retry_after: float | None = None) -> float:
    """Seconds before the next try after `attempts` claims: exponential, with jitter
    (half to all of it, so a burst of failures does not come back as one burst)."""
    base = float(settings.TOWNSQUARE_DELIVERY_BACKOFF_SECONDS)
    delay = min(MAX_BACKOFF_SECONDS, base * 2 ** max(0, attempts - 1))
    delay *= random.uniform(0.5, 1.0)  # noqa: S311 (jitter, not security)
    return max(delay, retry_after or 0.0)


# --- claim --------------------------------------------------------------------------------
@dataclass
class Claimed:
    id: int
    kind: str
    channel: str
    agency_post_id: int | None
    reply_id: int | None
    post_id: int | None
    recipient_id: int
    subscription_id: int | None
    attempts: int
    message_id: str
    priority: int
    question_id: int | None = None
    outcome_id: int | None = None


_COLUMNS = ("id", "kind", "channel", "agency_post_id", "reply_id", "post_id", "recipient_id",
            "subscription_id", "attempts", "message_id", "priority", "question_id",
            "outcome_id")


class ClaimCursor:
    """Where a worker's next claim starts in the open-work index (priority, id).

    A finished delivery leaves dead entries at the head of that index until VACUUM removes
    them. After a city-wide alert there are hundreds of thousands, and a claim that starts
    at the head steps over all of them every time (measured on PostgreSQL: 0.05 s per claim
    with 50,000 delivered, 0.2 s with 250,000). So a worker goes on after the last (priority,
    id) it claimed, and starts from the head again when a claim comes back short (the
    backlog behind the cursor is done) or every `rescan_seconds`: retries that fell due,
    leases that ran out and newer, more urgent work before the cursor wait at most that.
    """

    def __init__(self, rescan_seconds: float | None = None) -> None:
        self.rescan_seconds = (rescan_seconds if rescan_seconds is not None
                               else settings.TOWNSQUARE_DELIVERY_RESCAN_SECONDS)
        self.after: tuple[int, int] | None = None
        self.since = time.monotonic()

    def start(self) -> tuple[int, int] | None:
        """Where the next claim starts: after this (priority, id), or at the head (None)."""
        if self.after is not None and time.monotonic() - self.since >= self.rescan_seconds:
            self.after = None
        if self.after is None:
            self.since = time.monotonic()
        return self.after

    def advance(self, claimed: list[Claimed], limit: int) -> None:
        if len(claimed) < limit:
            self.after = None
        else:
            self.after = max((row.priority, row.id) for row in claimed)


def _db(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def claim(worker_id: str, *, limit: int, now: dt.datetime, lease: int | None = None,
          after: tuple[int, int] | None = None,
          paused: Iterable[str] = ()) -> list[Claimed]:
    """Lease up to `limit` due deliveries to `worker_id` and return them, most urgent first.

    Due: queued or failed-to-retry whose time has come, or `sending` whose lease ran out
    (its worker died). Each claim counts as an attempt, so a message that kills its worker
    every time is given up after the last attempt instead of killing workers for ever; a
    row handed back unsent (quiet hours, a server that cannot be reached) gets it back.
    With `after`, only work after that (priority, id) in claim order (see ClaimCursor);
    rows of the `paused` channels (breaker.py) are left alone.
    """
    paused = [name for name in paused if name in Delivery.Channel.values]
    table = Delivery._meta.db_table
    until = now + dt.timedelta(seconds=lease or lease_seconds())
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    # The open states, said once more: the planner then walks the partial open-work index
    # in (priority, id) order and stops at `limit`, instead of sorting the whole backlog.
    open_states = ", ".join(f"'{state}'" for state in OPEN_STATES)
    start = " AND (priority, id) > (%s, %s)" if after is not None else ""
    if paused:
        start += f" AND channel NOT IN ({', '.join(['%s'] * len(paused))})"
    sql = f"""
        UPDATE {table} SET state = 'sending', lease_until = %s, leased_by = %s,
            attempts = attempts + 1,
            message_id = CASE WHEN message_id = ''
                THEN '<townsquare.' || CAST(id AS TEXT) || '@' || %s || '>'
                ELSE message_id END
        WHERE id IN (
            SELECT id FROM {table}
            WHERE state IN ({open_states}){start}
              AND ((state IN ('queued', 'failed') AND next_attempt_at <= %s)
                   OR (state = 'sending' AND lease_until < %s))
            ORDER BY priority, id LIMIT %s{lock})
        RETURNING {", ".join(_COLUMNS)}"""  # noqa: S608 (table name from the model)
    params = [_db(until), worker_id, links.message_domain(), *(after or ()), *paused,
              _db(now), _db(now), limit]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    claimed = [Claimed(*row) for row in rows]
    claimed.sort(key=lambda c: c.id)
    return claimed


# --- record -------------------------------------------------------------------------------
class Recorder:
    """Collects outcomes and writes them in groups, only for rows this worker still holds."""

    def __init__(self, worker_id: str, now: dt.datetime, ids: Iterable[int]) -> None:
        self.worker_id = worker_id
        self.now = now
        self.held = set(ids)
        self.done: dict[str, list[int]] = defaultdict(list)  # state -> ids
        self.updates: list[tuple[str, Any, str, int]] = []  # (state, next_at, error, id)
        self.paused: list[tuple[Any, str, int]] = []  # (next_at, error, id)
        self.tripped: dict[str, dt.datetime] = {}  # scope -> end of its pause
        self.retire_subscriptions: dict[int, str] = {}
        self.retire_emails: dict[int, str] = {}
        self.push_ok: set[int] = set()
        self.pending = 0
        self.lock = threading.Lock()
        self.counts: dict[str, int] = defaultdict(int)

    def outcome(self, row: Claimed, outcome: Outcome) -> None:
        if outcome.error:
            outcome = dataclasses.replace(outcome, error=reasons.public(outcome.error))
        with self.lock:
            self._outcome(row, outcome)
            self.pending += 1
            if self.pending >= FLUSH_EVERY:
                self.flush()

    def _outcome(self, row: Claimed, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        if outcome.status == UNREACHABLE:
            # Not the message's fault: back to the queue, the attempt not counted, until
            # the pause of what could not be reached ends.
            scope = outcome.scope or row.channel
            until = self.tripped.get(scope)
            if until is None:  # once per scope and batch
                until = self.tripped[scope] = breaker.trip(scope, outcome.error, self.now)
            self.paused.append((_db(until), f"waiting: {outcome.error}"[:500], row.id))
            return
        if outcome.status in (DELIVERED, SENT):
            self.done[outcome.status].append(row.id)
            if row.channel == kinds.PUSH and row.subscription_id:
                self.push_ok.add(row.subscription_id)
            return
        if outcome.retire:
            if row.channel == kinds.PUSH and row.subscription_id:
                self.retire_subscriptions[row.subscription_id] = outcome.error
            elif row.channel == kinds.EMAIL:
                self.retire_emails[row.recipient_id] = outcome.error
        if outcome.status == FAILED:
            self.updates.append(("failed", None, outcome.error, row.id))
        elif row.attempts >= max_attempts():
            self.updates.append(("given_up", None, f"gave up after {row.attempts} attempts: "
                                 f"{outcome.error}"[:500], row.id))
        else:
            delay = backoff(row.attempts, outcome.retry_after)
            at = self.now + dt.timedelta(seconds=delay)
            self.updates.append(("failed", _db(at), outcome.error[:500], row.id))

    def skip(self, row: Claimed, reason: str) -> None:
        with self.lock:
            self.counts["skipped"] += 1
            self.updates.append(("skipped", None, reason, row.id))
            self.pending += 1

    def defer(self, row: Claimed, until: dt.datetime, reason: str) -> None:
        """Not an attempt: back to the queue until `until` (quiet hours)."""
        with self.lock:
            self.counts["deferred"] += 1
            self.updates.append(("deferred", _db(until), reason, row.id))
            self.pending += 1

    def pause(self, row: Claimed, until: dt.datetime, reason: str) -> None:
        """Not an attempt: its server is paused (breaker.py); back to the queue until then."""
        with self.lock:
            self.counts["paused"] += 1
            self.paused.append((_db(until), reason[:500], row.id))
            self.pending += 1

    def flush(self) -> None:
        if not self.pending:
            return
        table = Delivery._meta.db_table
        # The time of recording (the claim's `now` when a test runs the clock ahead).
        now = _db(max(self.now, timezone.now()))
        with transaction.atomic(), connection.cursor() as cursor:
            for state, ids in self.done.items():
                holder = ", ".join(["%s"] * len(ids))
                delivered = ", delivered_at = %s" if state == DELIVERED else ""
                cursor.execute(
                    f"UPDATE {table} SET state = %s, sent_at = %s{delivered}, "  # noqa: S608
                    f"lease_until = NULL, last_error = '' WHERE id IN ({holder}) "
                    "AND state = 'sending' AND leased_by = %s",
                    [state, now, *([now] if delivered else []), *ids, self.worker_id])
            grouped: dict[str, list[tuple[Any, str, int, str]]] = defaultdict(list)
            for state, next_at, error, pk in self.updates:
                grouped[state].append((next_at, error, pk, self.worker_id))
            for state, rows in grouped.items():
                if state == "deferred":
                    sql = (f"UPDATE {table} SET state = 'queued', next_attempt_at = %s, "  # noqa: S608
                           "last_error = %s, lease_until = NULL, attempts = attempts - 1 "
                           "WHERE id = %s AND state = 'sending' AND leased_by = %s")
                else:
                    sql = (f"UPDATE {table} SET state = '{state}', next_attempt_at = %s, "  # noqa: S608
                           "last_error = %s, lease_until = NULL "
                           "WHERE id = %s AND state = 'sending' AND leased_by = %s")
                cursor.executemany(sql, rows)
            if self.paused:
                self._record_paused(cursor, table)
            self._retire()
        self.done.clear()
        self.updates.clear()
        self.paused.clear()
        self.pending = 0

    def _record_paused(self, cursor: Any, table: str) -> None:
        """Back to the queue, the attempt given back; but a message that has waited longer
        than TOWNSQUARE_DELIVERY_MAX_WAIT_SECONDS (a push service that never comes back)
        is given up, so that no row waits for ever."""
        limit = int(settings.TOWNSQUARE_DELIVERY_MAX_WAIT_SECONDS)
        cutoff = _db(self.now - dt.timedelta(seconds=limit))
        days = f"{limit / 86400:g} days" if limit >= 86400 else f"{limit} s"
        sql = (f"UPDATE {table} SET "  # noqa: S608 (table name from the model)
               "state = CASE WHEN queued_at < %s THEN 'given_up' ELSE 'queued' END, "
               "next_attempt_at = CASE WHEN queued_at < %s THEN NULL ELSE %s END, "
               "last_error = CASE WHEN queued_at < %s THEN %s ELSE %s END, "
               "lease_until = NULL, attempts = attempts - 1 "
               "WHERE id = %s AND state = 'sending' AND leased_by = %s")
        cursor.executemany(sql, [
            (cutoff, cutoff, next_at, cutoff,
             f"gave up after waiting {days}: {error}"[:500], error, pk, self.worker_id)
            for next_at, error, pk in self.paused])

    def _retire(self) -> None:
        from townsquare.notifications.actions import retire_email_address, retire_subscription

        for pk, reason in self.retire_subscriptions.items():
            retire_subscription(pk, reason)
        for user_id, reason in self.retire_emails.items():
            retire_email_address(user_id, reason)
        if self.push_ok:
            PushSubscription.objects.filter(pk__in=self.push_ok).update(
                last_success_at=self.now)
        self.retire_subscriptions.clear()
        self.retire_emails.clear()
        self.push_ok.clear()

    def renew(self, lease: int) -> None:
        """Extend the lease of the rows still being sent (a slow batch keeps them)."""
        Delivery.objects.filter(pk__in=self.held, state="sending",
                                leased_by=self.worker_id).update(
            lease_until=timezone.now() + dt.timedelta(seconds=lease))


# --- one batch ----------------------------------------------------------------------------
def process(rows: list[Claimed], worker_id: str, now: dt.datetime) -> dict[str, int]:
    """Render, send and record claimed rows; returns counts per outcome."""
    from townsquare.notifications import sources

    recorder = Recorder(worker_id, now, (r.id for r in rows))
    batch = sources.Batch.load(rows, now)
    by_channel: dict[str, list[tuple[Claimed, Notice]]] = defaultdict(list)
    for row in rows:
        if row.attempts > max_attempts():
            recorder.outcome(row, Outcome(RETRY, "the worker stopped while sending it"))
            continue
        verdict = batch.verdict(row)
        if verdict.skip:
            recorder.skip(row, verdict.skip)
        elif verdict.defer_until is not None:
            recorder.defer(row, verdict.defer_until, "quiet hours")
        else:
            assert verdict.notice is not None
            by_channel[row.channel].append((row, verdict.notice))
    started = time.monotonic()
    for channel_name, pairs in by_channel.items():
        channel = for_name(channel_name)
        pairs = _held_back(channel, pairs, recorder, now)
        by_notice = {id(n): r for r, n in pairs}
        reached: set[str] = set()

        def report(notice: Notice, outcome: Outcome, _rows: dict = by_notice,
                   _channel: Any = channel, _reached: set[str] = reached) -> None:
            if outcome.status in (DELIVERED, SENT):
                _reached.add(_channel.scope(notice))
            recorder.outcome(_rows[id(notice)], outcome)

        try:
            if pairs:
                channel.send_batch([n for _, n in pairs], report)
        except Exception:  # a channel bug must not lose the batch: the lease brings it back
            logger.exception("The %s channel failed on a batch; its rows wait for their "
                             "lease to run out.", channel_name)
        for scope in reached:
            breaker.close(scope)
        if time.monotonic() - started > lease_seconds() / 3:
            recorder.renew(lease_seconds())
    recorder.flush()
    return dict(recorder.counts)


def _held_back(channel: Any, pairs: list[tuple[Claimed, Notice]], recorder: Recorder,
               now: dt.datetime) -> list[tuple[Claimed, Notice]]:
    """Give back, unsent and with no attempt counted, the notices whose server is paused
    (breaker.py); return the others."""
    pauses: dict[str, dt.datetime | None] = {}
    sendable = []
    for row, notice in pairs:
        scope = channel.scope(notice)
        if scope not in pauses:
            pauses[scope] = breaker.paused_until(scope, now)
        until = pauses[scope]
        if until is None:
            sendable.append((row, notice))
        else:
            recorder.pause(row, until, f"waiting: {scope} cannot be reached")
    return sendable


def paused_channels(now: dt.datetime) -> list[str]:
    """The channels whose breaker is open: claims leave their rows alone."""
    return [name for name in Delivery.Channel.values if breaker.paused_until(name, now)]


def drain_once(worker_id: str | None = None, *, limit: int | None = None,
               now: dt.datetime | None = None, cursor: ClaimCursor | None = None) -> int:
    """Claim and process one batch; returns how many deliveries it held (0: nothing due).
    With a cursor the claim goes on where the worker's last one ended (ClaimCursor)."""
    worker_id = worker_id or default_worker_id()
    now = now or timezone.now()
    limit = limit or settings.TOWNSQUARE_DELIVERY_BATCH
    rows = claim(worker_id, limit=limit, now=now,
                 after=cursor.start() if cursor is not None else None,
                 paused=paused_channels(now))
    if cursor is not None:
        cursor.advance(rows, limit)
    if rows:
        process(rows, worker_id, now)
    return len(rows)


def drain(worker_id: str | None = None, *, now: dt.datetime | None = None,
          max_batches: int = 1_000_000) -> int:
    """Process batches until nothing is due; returns how many deliveries were handled."""
    total, cursor = 0, ClaimCursor()
    for _ in range(max_batches):
        from_head = cursor.after is None
        count = drain_once(worker_id, now=now, cursor=cursor)
        if not count and from_head:  # (nothing after the cursor: look from the head again)
            break
        total += count
    return total


class DeliveryLoop(threading.Thread):
    """`townsquare worker` runs this beside the task queue (TOWNSQUARE_WORKER_LOOPS): drain
    batches while there are any, look again every IDLE_SECONDS otherwise. A stop request
    lets the current batch finish and be recorded. Every digests.PLAN_EVERY_SECONDS it also
    cuts the daily digests that are due (digests.py), so they need no cron either."""

    def __init__(self, worker_id: str | None = None) -> None:
        super().__init__(name="townsquare-delivery", daemon=True)
        self.worker_id = worker_id or default_worker_id()
        self._stop_event = threading.Event()
        self.digests = digests.Planner()
        self._planned_at: float | None = None
        self.cursor = ClaimCursor()

    def stop(self) -> None:
        self._stop_event.set()

    def plan_digests(self) -> int:
        """Cut the digests that are due; a failure is logged and tried at the next turn
        (the delivery of everything else must go on)."""
        self._planned_at = time.monotonic()
        try:
            return self.digests.run(timezone.now())
        except Exception:
            logger.exception("Cutting the daily digests failed; trying again in %.0f s.",
                             digests.PLAN_EVERY_SECONDS)
            return 0

    def _digests_due(self) -> bool:
        return (self._planned_at is None
                or time.monotonic() - self._planned_at >= digests.PLAN_EVERY_SECONDS)

    def run(self) -> None:
        failures = 0
        while not self._stop_event.is_set():
            try:
                close_old_connections()
                if self._digests_due():
                    self.plan_digests()
                from_head = self.cursor.after is None
                busy = drain_once(self.worker_id, cursor=self.cursor) or not from_head
                if failures:
                    logger.warning("Delivery goes on after %d failed attempt(s).", failures)
                failures = 0
            except Exception as exc:  # the thread must outlive any error: it is the delivery
                # The database restarted or went away (or a bug hit one batch): nothing is
                # lost (rows stay leased and come back), so wait longer each time, go on.
                failures += 1
                pause = tasks_recovery.retry_delay(failures)
                if isinstance(exc, DatabaseError):
                    logger.warning("Delivery cannot reach the database (%s: %s); trying "
                                   "again in %.1f s.", type(exc).__name__,
                                   str(exc).strip()[:200], pause)
                else:
                    logger.exception("Delivery draining failed; trying again in %.1f s.",
                                     pause)
                tasks_recovery.close_connections()
                self.cursor.after = None
                self._stop_event.wait(pause)
                continue
            if not busy:
                self._stop_event.wait(IDLE_SECONDS)
        tasks_recovery.close_connections()

    def run_until_idle(self) -> int:
        """`townsquare worker --batch`: cut the due digests, then drain in the calling
        thread until nothing is due."""
        self.plan_digests()
        return drain(self.worker_id)
