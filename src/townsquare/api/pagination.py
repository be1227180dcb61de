"""The list shape `{"items": [...], "next": cursor | null}` and its opaque cursors.

Lists ordered by time use `core.cursors` (the last item's created_at and id), as the feed
does. Short lists that a selector returns whole (a post's replies, the moderation queue, a
city's neighborhoods) are cut into pages here with the same keyset rule, so a cursor
never skips or repeats an item even when items are added between two pages.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Protocol, TypeVar

from django.utils.translation import gettext as _
from ninja import Query

from townsquare.core import cursors
from townsquare.core.errors import Invalid

T = TypeVar("T")

DEFAULT_LIMIT = 25
MAX_LIMIT = 200

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size, 1 to 200.")]
Cursor = Annotated[
    str | None, Query(max_length=200, description="The `next` value of the previous page.")
]


def page(items: list[Any], next_cursor: str | None) -> dict[str, Any]:
    return {"items": items, "next": next_cursor}


class Timed(Protocol):
    created_at: dt.datetime
    pk: Any


K = TypeVar("K", bound=Timed)


def oldest_first(items: Sequence[K], *, cursor: str | None,
                 limit: int) -> tuple[list[K], str | None]:
    """A page of `items` (already sorted by created_at, id ascending) after `cursor`."""
    rest: Sequence[K] = items
    if cursor:
        after = cursors.decode(cursor)
        rest = [item for item in items if (item.created_at, item.pk) > after]
    return _cut(rest, limit)


def newest_first(rows: Sequence[K], *, limit: int) -> tuple[list[K], str | None]:
    """Cut a selector's `limit + 1` rows (newest first) into a page and its cursor."""
    return _cut(rows, limit)


def _cut(rows: Sequence[K], limit: int) -> tuple[list[K], str | None]:
    chunk = list(rows[:limit])
    if len(rows) <= limit or not chunk:
        return chunk, None
    return chunk, cursors.encode(chunk[-1].created_at, chunk[-1].pk)


def by_name(items: Sequence[T], *, cursor: str | None, limit: int,
            key: Callable[[T], tuple[str, int]]) -> tuple[list[T], str | None]:
    """A page of `items` (sorted by `key` = (name, id)) after `cursor`."""
    rest: Sequence[T] = items
    if cursor:
        after = _decode_name_cursor(cursor)
        rest = [item for item in items if key(item) > after]
    chunk = list(rest[:limit])
    more = len(rest) > limit
    return chunk, _encode_name_cursor(key(chunk[-1])) if more and chunk else None


def _encode_name_cursor(value: tuple[str, int]) -> str:
    raw = json.dumps(["n", value[0], value[1]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_name_cursor(cursor: str) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode())
        tag, name, pk = json.loads(raw.decode())
        if tag != "n" or not isinstance(name, str) or type(pk) is not int:
            raise ValueError("not a name cursor")
        return name, pk
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise Invalid(_("The cursor is not valid."), {"cursor": [_("Not a cursor.")]}) from exc
