"""The one statement that reads a feed page, and the model objects made from its rows.

A page is the merge of one keyset stream per neighborhood (`_keys_sql`), joined in the same
statement to the posts, their authors, the authors' accounts and the posts' neighborhoods.
The statement is written out, and its rows turned into models here, because composing it
through the ORM cost more than the database spends running it (docs/performance.md).
Which neighborhoods a resident reads is decided by policy, never here. The post model is
the one `FeedItem.post` points to (this app imports no posts code).

On PostgreSQL the statement is sent with server-side binding, so psycopg prepares it after a
few uses on a connection (`prepare_threshold`, settings.py) and PostgreSQL stops planning
it on every call; the ORM's other queries bind on the client and are never prepared. On
SQLite, the sqlite3 module keeps compiled statements by text already.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Field, Model
from django.db.models.base import DEFERRED
from django.utils import timezone

from townsquare.accounts.models import Resident, User
from townsquare.feeds.models import FeedItem
from townsquare.places.models import Neighborhood


@dataclass
class Row:
    """One item of a page: its key, and the post (resident posts) or the agency post id."""

    created_at: dt.datetime
    id: int
    post: Model | None  # posts.Post
    agency_post_id: int | None


def read_page(neighborhoods: list[int], after: tuple[dt.datetime, int] | None,
              limit: int) -> tuple[list[Row], bool]:
    """The first `limit` items of the streams of `neighborhoods` (the first is the
    resident's own, the others followed nearby ones) after the key `after`, newest first,
    none of them in the future or expired; and whether more follow."""
    prep = FeedItem._meta.get_field("created_at").get_db_prep_value
    now = timezone.now()
    bound = prep(min(after[0], now) if after is not None else now, connection)
    tie: list[Any] = [prep(after[0], connection), after[1]] if after is not None else []
    expiry = prep(now, connection)
    params: list[Any] = []
    for nbhd in neighborhoods:
        params += [nbhd, bound, *tie, expiry]
    with _statement_cursor() as cursor:
        cursor.execute(_page_sql(len(neighborhoods), after is not None, limit + 1), params)
        rows = cursor.fetchall()
    db = connections[connection.alias]  # the connection itself, not the per-thread proxy
    return [_row(values, db) for values in rows[:limit]], len(rows) > limit


# --- The statement -----------------------------------------------------------------------
def _keys_sql(streams: int, after: bool, limit: int) -> str:
    """The keys of a page: every stream, merged.

    Stream 0 is the resident's own neighborhood (index `feed_nbhd_keyset`), streams 1..n
    the followed nearby ones, shared rows only (partial index `feed_nbhd_shared_keyset`:
    the bare `share_nearby` term is what lets SQLite match its predicate). Each stream keeps
    its own ORDER BY ... LIMIT, so each is a backward index range scan that stops after
    `limit` rows; the outer ORDER BY merges at most `limit * streams` rows (PostgreSQL
    plans it as a Merge Append that reads only what the page needs). `SELECT * FROM (...)`
    around every stream is what lets SQLite accept a LIMIT per part; the ORM's `union()`
    cannot, there. All values are parameters but the LIMITs, written in as integers: with a
    parameter there, the generic plan PostgreSQL weighs for a prepared statement assumes a
    tenth of the rows instead of `limit`, looks ten times as costly, and is never chosen,
    so the statement would be planned on every call after all.

    Agency posts have rows too (`agency_post_id` set, one per targeted neighborhood, never
    shared): their `created_at` is the publish time, possibly in the future, so every
    stream is bounded by `created_at <= now` (which also bounds the index range), and an
    expired row is skipped by its own `expires_at`, with no join (docs/agencies.md).
    """
    table = connection.ops.quote_name(FeedItem._meta.db_table)
    # `created_at <= bound` bounds the index range (bound: now, or the cursor's time if
    # earlier); the equal-time tie after a cursor is filtered after, as are expired rows.
    tie = " AND NOT (created_at = %s AND id >= %s)" if after else ""
    parts = [
        f"SELECT * FROM (SELECT created_at, id, post_id, agency_post_id FROM {table}"  # noqa: S608
        f" WHERE neighborhood_id = %s{' AND share_nearby' if number else ''}"
        f" AND created_at <= %s{tie} AND (expires_at IS NULL OR expires_at > %s)"
        f" ORDER BY created_at DESC, id DESC LIMIT {int(limit)}) AS stream{number}"
        for number in range(streams)
    ]
    return " UNION ALL ".join(parts) + f" ORDER BY 1 DESC, 2 DESC LIMIT {int(limit)}"


@dataclass(frozen=True)
class _Part:
    """One model's columns in the page statement: where they are and how to load them."""

    model: type[Model]
    alias: str
    start: int
    attnames: tuple[str, ...]
    columns: tuple[str, ...]
    # Where each of the model's concrete fields is in a row; None: not loaded (deferred).
    positions: tuple[int | None, ...]
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


# (model, table alias, how it joins, the fields loaded; None: all). A feed shows the whole
# post, and of its author only the public label (policy.public_resident_label): display
# name, neighborhood, street. Nothing else of the author is loaded: not the private home
# point and address, and no column that would only cost conversion. Reading another field
# of an author or a neighborhood costs one query per object (Django loads deferred fields on
# access), so the API and the feed page are held to a fixed number of queries by tests.
@functools.cache
def _joins() -> tuple[tuple[type[Model], str, str, tuple[str, ...] | None], ...]:
    post = FeedItem._meta.get_field("post").related_model  # posts.Post, once apps are ready
    return (
        (post, "p", "p.id = page.post_id", None),
        (Resident, "r", "r.id = p.author_id", ("id", "user", "neighborhood", "street")),
        (User, "u", "u.id = r.user_id", ("id", "display_name")),
        (Neighborhood, "n", "n.id = p.neighborhood_id", ("id", "city", "name", "slug")),
    )


_KEY_COLUMNS = 4  # page.created_at, page.id, page.post_id, page.agency_post_id


def _converters(field: Field, alias: str) -> tuple[Any, tuple[Callable[..., Any], ...]]:
    """What the ORM applies to a column's raw value (e.g. text to datetime on SQLite)."""
    column = field.get_col(alias)
    return column, tuple(connection.ops.get_db_converters(column)
                         + field.get_db_converters(connection))


@functools.cache
def _parts() -> tuple[_Part, ...]:
    parts, start = [], _KEY_COLUMNS
    for model, alias, _join, loaded in _joins():
        fields = [f for f in model._meta.concrete_fields if loaded is None or f.name in loaded]
        converters = []
        for index, field in enumerate(fields):
            column, functions = _converters(field, alias)
            if functions:
                converters.append((start + index, functions, column))
        where = {field: start + index for index, field in enumerate(fields)}
        parts.append(_Part(model, alias, start, tuple(f.attname for f in fields),
                           tuple(f.column for f in fields),
                           tuple(where.get(f) for f in model._meta.concrete_fields),
                           tuple(converters)))
        start += len(fields)
    return tuple(parts)


@functools.lru_cache(maxsize=256)
def _page_sql(streams: int, after: bool, limit: int) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(f"{part.alias}.{quote(column)}"
                        for part in _parts() for column in part.columns)
    joins = " ".join(f"LEFT JOIN {quote(model._meta.db_table)} {alias} ON {on}"
                     for model, alias, on, _loaded in _joins())
    return (f"SELECT page.created_at, page.id, page.post_id, page.agency_post_id, {columns}"  # noqa: S608
            f" FROM ({_keys_sql(streams, after, limit)}) AS page {joins}"
            " ORDER BY page.created_at DESC, page.id DESC")


@contextmanager
def _statement_cursor() -> Iterator[CursorWrapper]:
    """Django's cursor (health check, query log, execute wrappers, error translation); on
    PostgreSQL with psycopg 3, over a server-binding cursor, so that psycopg may prepare the
    statement."""
    with connection.cursor() as cursor:
        server_binding = None
        if connection.vendor == "postgresql":
            from django.db.backends.postgresql import base

            server_binding = getattr(base, "ServerBindingCursor", None)  # psycopg 3 only
        if server_binding is None:
            yield cursor
            return
        wrapper = _LoggedCursor if connection.queries_logged else CursorWrapper
        with wrapper(server_binding(connection.connection), connection) as bound:
            yield bound


class _LoggedCursor(CursorDebugWrapper):
    """The query log entry of a server-bound statement. Django reads the text of the last
    query from psycopg, which keeps none for a prepared statement: log the statement with
    its parameters inlined, as the ORM's queries are logged."""

    def execute(self, sql: str, params: Any = None) -> Any:
        logged = self.db.ops.compose_sql(sql, params)
        with self.debug_sql(logged, params):
            return CursorWrapper.execute(self, sql, params)


# --- Rows to objects ---------------------------------------------------------------------
@functools.cache
def _key_converters() -> tuple[Any, tuple[Callable[..., Any], ...]]:
    return _converters(FeedItem._meta.get_field("created_at"), "page")


def _row(values: tuple[Any, ...], db: BaseDatabaseWrapper) -> Row:
    column, functions = _key_converters()
    created_at = values[0]
    for convert in functions:
        created_at = convert(created_at, column, db)
    if values[2] is None:
        return Row(created_at, values[1], None, values[3])
    return Row(created_at, values[1], _post(list(values), db), None)


def _post(values: list[Any], db: BaseDatabaseWrapper) -> Model:
    """The post with its author, the author's account and the post's neighborhood loaded,
    linked as `select_related("author__user", "neighborhood")` links them."""
    post, resident, user, neighborhood = (_instance(part, values, db) for part in _parts())
    author, where = _post_links()
    author.set_cached_value(post, resident)
    where.set_cached_value(post, neighborhood)
    Resident.user.field.set_cached_value(resident, user)
    Resident.user.field.remote_field.set_cached_value(user, resident)
    return post


@functools.cache
def _post_links() -> tuple[Field, Field]:
    """The post's `author` and `neighborhood` foreign keys."""
    meta = _joins()[0][0]._meta
    return meta.get_field("author"), meta.get_field("neighborhood")


def _instance(part: _Part, values: list[Any], db: BaseDatabaseWrapper) -> Any:
    """`Model.from_db` as the ORM calls it, given every concrete field (DEFERRED: not
    loaded)."""
    for index, functions, column in part.converters:
        value = values[index]
        for convert in functions:
            value = convert(value, column, db)
        values[index] = value
    fields = [DEFERRED if at is None else values[at] for at in part.positions]
    return part.model.from_db(db.alias, part.attnames, fields)
