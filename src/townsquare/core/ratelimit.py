"""Fixed-window rate limits, counted atomically on every backend.

Each attempt is one atomic increment that returns the new count: Redis `INCR` when
`REDIS_URL` is set, otherwise one upsert in the database (`INSERT ... ON CONFLICT DO UPDATE
SET n = n + 1 RETURNING n`, on SQLite and PostgreSQL alike). Two parallel attempts can never
read the same count, so a limit of 20 allows 20 checks, not "about 20".

Limits are checked in the action layer, so the web pages and the API share them. The rules
(`count/seconds`) are in settings.TOWNSQUARE_RATE_LIMITS; docs/privacy.md lists them.
"""

from __future__ import annotations

import hashlib
import time
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from townsquare.core.errors import RateLimited


def _rule(name: str) -> tuple[int, int]:
    count, seconds = settings.TOWNSQUARE_RATE_LIMITS[name].split("/")
    return int(count), int(seconds)


def limit(name: str) -> int:
    """How many attempts of `name` one window allows."""
    return _rule(name)[0]


def _window_key(name: str, key: object, bucket: int) -> str:
    # Hashed: the counters hold no email or client address.
    return hashlib.sha256(f"{name}\x00{key}\x00{bucket}".encode()).hexdigest()


@lru_cache(maxsize=4)
def _connect(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url)


def _redis() -> Any | None:
    url = settings.TOWNSQUARE_RATE_LIMIT_REDIS_URL  # REDIS_URL, except in the tests
    return _connect(url) if url else None


def _increment(counter: str, expires_at: int, now: float) -> int:
    client = _redis()
    if client is not None:
        pipe = client.pipeline()
        pipe.incr(f"rl:{counter}")
        pipe.expireat(f"rl:{counter}", expires_at)
        used, _expiry = pipe.execute()
        return int(used)
    from townsquare.core.models import RateCounter

    table = connection.ops.quote_name(RateCounter._meta.db_table)
    key = connection.ops.quote_name("key")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key}, n, expires_at) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT ({key}) DO UPDATE SET n = {table}.n + 1 RETURNING n",
            [counter, expires_at],
        )
        used = int(cursor.fetchone()[0])
    if used == 1:  # a new window: clear the ones that are over
        RateCounter.objects.filter(expires_at__lt=int(now)).delete()
    return used


def _peek(counter: str) -> int:
    client = _redis()
    if client is not None:
        return int(client.get(f"rl:{counter}") or 0)
    from townsquare.core.models import RateCounter

    row = RateCounter.objects.filter(key=counter).values_list("n", flat=True).first()
    return int(row or 0)


def count(name: str, key: object) -> int:
    """Count one attempt of `name` by `key`; return how many this window holds now."""
    _limit, window = _rule(name)
    now = time.time()
    bucket = int(now // window)
    return _increment(_window_key(name, key, bucket), (bucket + 1) * window + 5, now)


def used(name: str, key: object) -> int:
    """How many attempts of `name` by `key` this window holds, without counting one."""
    _limit, window = _rule(name)
    return _peek(_window_key(name, key, int(time.time() // window)))


def seen(name: str, key: object) -> bool:
    """Whether `key` was counted under `name` in this window or the one before it."""
    _limit, window = _rule(name)
    bucket = int(time.time() // window)
    return any(_peek(_window_key(name, key, b)) > 0 for b in (bucket, bucket - 1))


def hit(name: str, key: object, *, message: str | None = None) -> None:
    """Count one attempt of `name` by `key`; raise RateLimited past the limit."""
    limit, _window = _rule(name)
    if count(name, key) > limit:
        raise RateLimited(message or _("Too many attempts. Please wait and try again later."))


def reset(name: str, key: object) -> None:
    _limit, window = _rule(name)
    counter = _window_key(name, key, int(time.time() // window))
    client = _redis()
    if client is not None:
        client.delete(f"rl:{counter}")
        return
    from townsquare.core.models import RateCounter

    RateCounter.objects.filter(key=counter).delete()
