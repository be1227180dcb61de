"""Fan-out: from one source to its delivery rows, in set-based SQL.

One `INSERT ... SELECT` per channel over a group of recipients (the verified residents of
a neighborhood), joined with their preferences (COALESCE to the defaults: most residents
have no row) and, for push, with their live browser subscriptions. `ON CONFLICT DO NOTHING`
on the delivery keys makes a second run write nothing, so every step is safe to run again
after a crash. An agency post goes out in chunks of a few thousand recipients, each its
own short transaction that also moves the post's leased cursor on (fanout_jobs.py): a
city-wide alert never holds one long lock, and a worker that dies mid-way is taken over
within seconds.

A city-wide alert adds up to a million rows in seconds. On PostgreSQL the fan-out then
refreshes the table's planner statistics itself (ANALYZE samples a fixed number of rows,
so it costs a fraction of a second at any size): with the statistics of an almost empty
queue the planner would read and sort the whole backlog for every claim instead of walking
the open-work index, until autovacuum's next ANALYZE (a minute or more later, and never
where autovacuum is off).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from townsquare.accounts.models import Resident, User
from townsquare.agencies.models import AgencyPost, AgencyReply, AgencyStaff
from townsquare.notifications import kinds
from townsquare.notifications.models import Delivery, NotificationPreference, PushSubscription
from townsquare.questions.models import Vote

_INSERT_COLUMNS = ("kind", "priority", "agency_post_id", "reply_id", "post_id", "question_id",
                   "outcome_id", "recipient_id",
                   "channel", "subscription_id", "state", "attempts", "next_attempt_at",
                   "leased_by", "last_error", "message_id", "queued_at")


def analyze_every() -> int:
    """New rows after which the fan-out refreshes the delivery table's statistics."""
    return int(settings.TOWNSQUARE_FANOUT_ANALYZE_ROWS)


class Statistics:
    """Counts the rows a fan-out writes; on PostgreSQL, runs ANALYZE on the delivery table
    each time another `analyze_every()` rows are in, and at the end of a large fan-out."""

    def __init__(self) -> None:
        self.written = self.unanalyzed = 0

    def add(self, written: int) -> None:
        self.written += written
        self.unanalyzed += written
        if self.unanalyzed >= analyze_every():
            self._analyze()

    def finish(self) -> None:
        if self.unanalyzed and self.written >= analyze_every():
            self._analyze()

    def _analyze(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Delivery._meta.db_table}")
        self.unanalyzed = 0


def _db(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _wanted(channel: str, kind: str) -> str:
    """SQL: the preference allows `kind` on `channel` (p = the preference row, maybe NULL)."""
    switch = f"COALESCE(p.{channel}_enabled, {_bool(kinds.DEFAULTS[f'{channel}_enabled'])})"
    field = kinds.field_for(channel, kind)
    if field is None:
        return switch
    return f"{switch} AND COALESCE(p.{field}, {_bool(kinds.DEFAULTS[field])})"


def _bool(value: bool) -> str:
    # TRUE/FALSE: PostgreSQL needs booleans here; SQLite reads them as 1/0 (3.23+).
    return "TRUE" if value else "FALSE"


def _insert(channel: str, kind: str, source: dict[str, int | None], recipients_sql: str,
            params: list[Any], *, start: dt.datetime, now: dt.datetime,
            extra_where: str = "") -> int:
    """INSERT ... SELECT delivery rows for `recipients_sql` (a FROM clause naming the
    recipient's user id `uid`); returns how many rows were written."""
    table = Delivery._meta.db_table
    preferences = NotificationPreference._meta.db_table
    push = channel == kinds.PUSH
    join_push = (f" JOIN {PushSubscription._meta.db_table} s ON s.user_id = uid "
                 "AND s.retired_at IS NULL") if push else ""
    values = [kind, kinds.PRIORITY[kind], source.get("agency_post"), source.get("reply"),
              source.get("post"), source.get("question"), source.get("outcome")]
    select = (f"SELECT %s, %s, %s, %s, %s, %s, %s, uid, %s, {'s.id' if push else 'NULL'}, "
              "'queued', 0, "
              "%s, '', '', '', %s")
    sql = (f"INSERT INTO {table} ({', '.join(_INSERT_COLUMNS)}) {select} "  # noqa: S608
           f"FROM ({recipients_sql}) r{join_push} "
           f"LEFT JOIN {preferences} p ON p.user_id = uid "
           f"WHERE {_wanted(channel, kind)}{extra_where} ON CONFLICT DO NOTHING")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, channel, _db(start), _db(now), *params])
        return max(cursor.rowcount, 0)


def _residents_of(neighborhood_id: int, exclude_user: int | None = None) -> tuple[str, list]:
    residents, users = Resident._meta.db_table, User._meta.db_table
    sql = (f"SELECT x.user_id AS uid FROM {residents} x JOIN {users} u ON u.id = x.user_id "  # noqa: S608
           "WHERE x.neighborhood_id = %s AND x.verified_at IS NOT NULL AND u.is_active")
    params: list[Any] = [neighborhood_id]
    if exclude_user is not None:
        sql += " AND x.user_id <> %s"
        params.append(exclude_user)
    return sql, params


def _staff_of(agency_id: int) -> tuple[str, list]:
    staff, users = AgencyStaff._meta.db_table, User._meta.db_table
    return (f"SELECT x.user_id AS uid FROM {staff} x JOIN {users} u ON u.id = x.user_id "  # noqa: S608
            "WHERE x.agency_id = %s AND x.active AND u.is_active", [agency_id])


@dataclass(frozen=True)
class Chunk:
    """One step of an agency post's fan-out: the rows written, the last recipient covered
    (None: nobody was left after the cursor) and whether the group may hold more."""

    written: int
    last_recipient_id: int | None
    more: bool


def agency_post_chunk(post: AgencyPost, neighborhood_id: int, after_recipient_id: int, *,
                      limit: int, now: dt.datetime) -> Chunk:
    """Delivery rows of an agency post for the next `limit` recipients (by user id, after
    `after_recipient_id`) of one targeted neighborhood: its verified residents (for a
    practice post, whatever the neighborhood, the agency's own staff), email and push.
    Run in the caller's transaction, which also moves the job's cursor (fanout_jobs.py)."""
    group, params = (_staff_of(post.agency_id) if post.practice
                     else _residents_of(neighborhood_id))
    bounds = (f"SELECT COUNT(*), MAX(uid) FROM (SELECT uid FROM ({group}) g "  # noqa: S608
              "WHERE uid > %s ORDER BY uid LIMIT %s) t")
    with connection.cursor() as cursor:
        cursor.execute(bounds, [*params, after_recipient_id, limit])
        count, last = cursor.fetchone()
    if not count:
        return Chunk(0, None, more=False)
    recipients = f"SELECT uid FROM ({group}) g WHERE uid > %s AND uid <= %s"  # noqa: S608
    kind = kinds.agency_kind(post.kind)
    start = max(post.publish_at, now)
    written = sum(_insert(channel, kind, {"agency_post": post.pk}, recipients,
                          [*params, after_recipient_id, last], start=start, now=now)
                  for channel in kinds.SENDING_CHANNELS)
    return Chunk(written, int(last), more=count >= limit)


def reply(reply_id: int, post_author_user_id: int, replier_user_id: int, *,
          now: dt.datetime) -> int:
    """Delivery rows telling a post's author about a reply (not their own)."""
    if post_author_user_id == replier_user_id:
        return 0
    users = User._meta.db_table
    recipients = f"SELECT id AS uid FROM {users} WHERE id = %s AND is_active"  # noqa: S608
    written = 0
    with transaction.atomic():
        for channel in kinds.SENDING_CHANNELS:
            written += _insert(channel, kinds.REPLY_TO_ME, {"reply": reply_id}, recipients,
                               [post_author_user_id], start=now, now=now)
    return written


def neighborhood_post(post_id: int, neighborhood_id: int, author_user_id: int, *,
                      now: dt.datetime) -> int:
    """Delivery rows of a resident's post for the neighbors who want each one: push, and
    email unless they chose the daily digest (which collects them instead)."""
    recipients, params = _residents_of(neighborhood_id, exclude_user=author_user_id)
    written = 0
    with transaction.atomic():
        for channel in kinds.SENDING_CHANNELS:
            digest = (f" AND NOT COALESCE(p.neighborhood_digest, "
                      f"{_bool(kinds.DEFAULTS['neighborhood_digest'])})"
                      if channel == kinds.EMAIL else "")
            written += _insert(channel, kinds.NEIGHBORHOOD_POST, {"post": post_id},
                               recipients, params, start=now, now=now, extra_where=digest)
    return written


def question_answered(question_id: int, asker_id: int, *, now: dt.datetime) -> int:
    """Delivery rows telling a question's asker and everyone who upvoted it (active
    accounts, by their settings) that the agency answered."""
    residents, users = Resident._meta.db_table, User._meta.db_table
    votes = Vote._meta.db_table
    recipients = (f"SELECT x.user_id AS uid FROM {residents} x "  # noqa: S608
                  f"JOIN {users} u ON u.id = x.user_id WHERE u.is_active AND (x.id = %s "
                  f"OR x.id IN (SELECT v.resident_id FROM {votes} v WHERE v.question_id = %s))")
    written = 0
    with transaction.atomic():
        for channel in kinds.SENDING_CHANNELS:
            written += _insert(channel, kinds.QUESTION_ANSWERED, {"question": question_id},
                               recipients, [asker_id, question_id], start=now, now=now)
    return written


def outcome(outcome_id: int, agency_post_id: int, *, now: dt.datetime) -> int:
    """Delivery rows telling everyone who replied to a request for information (replies not
    deleted, active accounts, by their settings) what came of it."""
    replies, residents = AgencyReply._meta.db_table, Resident._meta.db_table
    users = User._meta.db_table
    recipients = (f"SELECT DISTINCT x.user_id AS uid FROM {replies} r "  # noqa: S608
                  f"JOIN {residents} x ON x.id = r.author_id JOIN {users} u ON u.id = x.user_id "
                  "WHERE r.post_id = %s AND r.deleted_at IS NULL AND u.is_active")
    written = 0
    with transaction.atomic():
        for channel in kinds.SENDING_CHANNELS:
            written += _insert(channel, kinds.REQUEST_OUTCOME, {"outcome": outcome_id},
                               recipients, [agency_post_id], start=now, now=now)
    return written
