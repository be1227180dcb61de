"""Fixed-window rate limits kept in the cache (Redis at scale, files on the embedded default).

Limits are checked in the action layer, so the web pages and the API share them.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from townsquare.core.errors import RateLimited


def _rule(name: str) -> tuple[int, int]:
    count, seconds = settings.TOWNSQUARE_RATE_LIMITS[name].split("/")
    return int(count), int(seconds)


def hit(name: str, key: object, *, message: str | None = None) -> None:
    """Count one attempt of `name` by `key`; raise RateLimited past the limit."""
    limit, window = _rule(name)
    bucket = int(time.time() // window)
    cache_key = f"rl:{name}:{key}:{bucket}"
    cache.add(cache_key, 0, timeout=window + 5)
    try:
        used = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 5)
        used = 1
    if used > limit:
        raise RateLimited(message or "Too many attempts. Please wait and try again later.")


def reset(name: str, key: object) -> None:
    _limit, window = _rule(name)
    cache.delete(f"rl:{name}:{key}:{int(time.time() // window)}")
