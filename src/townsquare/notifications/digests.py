"""The daily digest of neighborhood posts: when each resident's digest is cut, and its row.

A resident who chose the digest (`neighborhood_digest`, with neighborhood posts by email
on, and email on) gets one email a day, cut at TOWNSQUARE_DIGEST_HOUR (default 7:00) in
their time zone (their setting, else their city's), listing the new posts of their
neighborhood they may read since their last digest. Nothing new: no row, no email.

Planning is set-based, like the fan-out: per time zone whose hour has come, one
`INSERT ... SELECT` writes a `Delivery` row (channel email, `digest_on` = the local date)
for each such resident with at least one new live post by someone else in their
neighborhood, `ON CONFLICT DO NOTHING` on the (digest_on, recipient) key, so running it
again (another worker, a restart) writes nothing twice. The row is then sent by the
delivery engine like any other (leases, retries, quiet hours); what it lists is decided
when it is rendered, by policy for that resident (sources.py), so a post hidden or
deleted in between is left out, and a digest left with nothing is skipped.

The window of a digest is (`digest_since`, `queued_at`]: it starts where the resident's
previous digest was cut (at most DIGEST_MAX_DAYS back; a first digest: one day back), so
a day without a digest loses nothing and no post is listed twice.

Every `townsquare worker` runs the planner from its delivery loop (delivery.py) every
PLAN_EVERY_SECONDS; no cron, no extra process. See docs/notifications.md.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from townsquare.accounts.models import Resident, User
from townsquare.notifications import kinds, quiet
from townsquare.notifications.models import Delivery, NotificationPreference
from townsquare.places.models import City, Neighborhood
from townsquare.posts.models import Post

logger = logging.getLogger("townsquare.notifications")

DEFAULT_HOUR = 7  # local time of the cut when TOWNSQUARE_DIGEST_HOUR is not set
LATE_HOURS = 4  # a worker that was down at the hour still cuts until this much later
DIGEST_MAX_DAYS = 7  # a digest never reaches further back than this
MAX_POSTS = 50  # listed in one digest; the rest are counted, with a link to the feed
PLAN_EVERY_SECONDS = 60.0


def hour() -> int:
    return int(getattr(settings, "TOWNSQUARE_DIGEST_HOUR", DEFAULT_HOUR))


def _db(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def due_on(now: dt.datetime, zone: dt.tzinfo) -> dt.date | None:
    """The local date whose digest is due at `now` in `zone`, or None outside the hours
    when digests are cut (from the hour until LATE_HOURS later, the same day)."""
    local = now.astimezone(zone)
    minutes = local.hour * 60 + local.minute
    start = hour() * 60
    if start <= minutes < min(24 * 60, start + LATE_HOURS * 60):
        return local.date()
    return None


def _eligible_sql() -> str:
    """FROM ... WHERE of the residents who want the digest (p: preference, x: resident,
    c: city)."""
    preferences, residents = NotificationPreference._meta.db_table, Resident._meta.db_table
    users, places = User._meta.db_table, Neighborhood._meta.db_table
    return (f"{preferences} p JOIN {residents} x ON x.user_id = p.user_id "
            f"JOIN {users} u ON u.id = p.user_id "
            f"JOIN {places} n ON n.id = x.neighborhood_id "
            f"JOIN {City._meta.db_table} c ON c.id = n.city_id "
            "WHERE p.neighborhood_digest AND p.email_enabled AND p.email_neighborhood_post "
            "AND u.is_active AND x.verified_at IS NOT NULL")


def zones() -> list[tuple[str, str]]:
    """The distinct (preference time zone, city time zone) pairs of digest readers."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT p.time_zone, c.time_zone FROM {_eligible_sql()}")  # noqa: S608
        return [(own or "", city or "") for own, city in cursor.fetchall()]


def cut(own_zone: str, city_zone: str, day: dt.date, now: dt.datetime) -> int:
    """Write the digest rows of `day` for the readers of this zone pair who have new posts
    in their neighborhood; returns how many rows were written (0 when run again)."""
    table, posts = Delivery._meta.db_table, Post._meta.db_table
    first = now - dt.timedelta(days=1)
    floor = now - dt.timedelta(days=DIGEST_MAX_DAYS)
    # w: each reader with the end of their previous digest; v: with their window's start.
    readers = (
        f"SELECT p.user_id AS uid, x.id AS rid, x.neighborhood_id AS nid, "  # noqa: S608
        f"(SELECT MAX(d.queued_at) FROM {table} d WHERE d.recipient_id = p.user_id "
        "AND d.digest_on IS NOT NULL AND d.queued_at < %s) AS prev "
        f"FROM {_eligible_sql()} AND p.time_zone = %s AND c.time_zone = %s "
        f"AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.recipient_id = p.user_id "
        "AND t.channel = 'email' AND t.digest_on = %s)")
    windows = ("SELECT uid, rid, nid, CASE WHEN prev IS NULL THEN %s "  # noqa: S608
               f"WHEN prev < %s THEN %s ELSE prev END AS since FROM ({readers}) w")
    # A cheap first look (live posts by others); policy decides at rendering.
    sql = (f"INSERT INTO {table} (kind, priority, agency_post_id, reply_id, post_id, "  # noqa: S608
           "digest_on, digest_since, recipient_id, channel, subscription_id, state, attempts, "
           "next_attempt_at, leased_by, last_error, message_id, queued_at) "
           "SELECT %s, %s, NULL, NULL, NULL, %s, v.since, v.uid, 'email', NULL, 'queued', 0, "
           f"%s, '', '', '', %s FROM ({windows}) v WHERE EXISTS (SELECT 1 FROM {posts} q "
           "WHERE q.neighborhood_id = v.nid AND q.author_id <> v.rid "
           "AND q.deleted_at IS NULL AND q.hidden_at IS NULL "
           "AND q.created_at > v.since AND q.created_at <= %s) ON CONFLICT DO NOTHING")
    day_value = connection.ops.adapt_datefield_value(day)
    params = [kinds.NEIGHBORHOOD_POST, kinds.PRIORITY[kinds.NEIGHBORHOOD_POST], day_value,
              _db(now), _db(now),
              _db(first), _db(floor), _db(floor),
              _db(now), own_zone, city_zone, day_value,
              _db(now)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


class Planner:
    """Cuts the digests that are due. Remembers which (zone pair, day) this process has
    cut, so that it looks at each once a day; another process cutting the same again
    writes nothing (the unique key)."""

    def __init__(self) -> None:
        self.done: set[tuple[str, str, dt.date]] = set()

    def run(self, now: dt.datetime) -> int:
        written = 0
        for own_zone, city_zone in zones():
            day = due_on(now, quiet.zone(own_zone, city_zone))
            if day is None or (own_zone, city_zone, day) in self.done:
                continue
            count = cut(own_zone, city_zone, day, now)
            self.done.add((own_zone, city_zone, day))
            if count:
                logger.info("Daily digests of %s (%s): %d.", day, own_zone or city_zone,
                            count)
            written += count
        # Forget the days that are over (a process may run for months).
        self.done = {key for key in self.done if key[2] >= (now - dt.timedelta(days=2)).date()}
        return written
