"""The circuit breaker of a channel: a server that cannot be reached pauses the channel,
not its messages.

When a channel cannot reach its far end at all (the mail relay refuses connections, times
out, answers 421, does not resolve; a push service cannot be connected to), that is no
fault of the messages: the engine (delivery.py) puts them back to `queued` without counting
the attempt, and pauses the channel (`scope`: "email", or "push:<host>" for one push
service) for TOWNSQUARE_DELIVERY_PAUSE_SECONDS, doubling with each failed probe up to
TOWNSQUARE_DELIVERY_PAUSE_MAX_SECONDS. While paused, no worker claims the channel's rows
(email) or hands them to the server (push, per host). When the pause ends the next batch is
the probe: delivered messages close the breaker, another failure pauses it again, longer.

The state lives in the cache, so every worker that shares the cache shares the breaker
(Redis at scale, the file cache on one machine). With a per-process cache each worker keeps
its own and probes on its own: one connection attempt per worker per pause, still correct.
Times are the engine's clock (`now`), so tests that run the clock ahead see pauses end.
A cache that cannot be reached counts as no pause: delivery goes on, each batch probing.
See docs/notifications.md#when-a-server-cannot-be-reached.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from typing import TypedDict

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("townsquare.notifications")

KEY = "townsquare:breaker:{}"


class State(TypedDict):
    until: float  # POSIX time the pause ends
    failures: int  # failed probes in a row
    reason: str


def pause_seconds(failures: int) -> float:
    """The pause after `failures` failed probes in a row: doubling, capped, with a little
    jitter so that workers do not probe in step."""
    base = float(settings.TOWNSQUARE_DELIVERY_PAUSE_SECONDS)
    cap = float(settings.TOWNSQUARE_DELIVERY_PAUSE_MAX_SECONDS)
    delay = min(cap, base * 2 ** min(max(0, failures - 1), 20))
    return delay * random.uniform(0.9, 1.0)  # noqa: S311 (jitter, not security)


def state(scope: str) -> State | None:
    try:
        return cache.get(KEY.format(scope))
    except Exception:  # a cache that is down must not stop delivery: no pause known
        logger.warning("The cache cannot be read; the %s breaker counts as closed.", scope,
                       exc_info=True)
        return None


def _write(scope: str, value: State | None, timeout: int = 0) -> None:
    try:
        if value is None:
            cache.delete(KEY.format(scope))
        else:
            cache.set(KEY.format(scope), value, timeout=timeout)
    except Exception:  # without the cache, each batch probes the server itself
        logger.warning("The cache cannot be written; the %s breaker is not shared.", scope,
                       exc_info=True)


def paused_until(scope: str, now: dt.datetime) -> dt.datetime | None:
    """When the pause of `scope` ends, or None if it may be tried now."""
    current = state(scope)
    if current is None or current["until"] <= now.timestamp():
        return None
    return dt.datetime.fromtimestamp(current["until"], tz=dt.UTC)


def trip(scope: str, reason: str, now: dt.datetime) -> dt.datetime:
    """The far end of `scope` could not be reached: pause it (or keep the pause another
    worker started) and return when the pause ends."""
    current = state(scope)
    if current is not None and current["until"] > now.timestamp():
        return dt.datetime.fromtimestamp(current["until"], tz=dt.UTC)
    failures = (current["failures"] if current else 0) + 1
    pause = pause_seconds(failures)
    until = now.timestamp() + pause
    cap = float(settings.TOWNSQUARE_DELIVERY_PAUSE_MAX_SECONDS)
    # Forgotten a while after the last failure: a later outage starts with a short pause.
    _write(scope, State(until=until, failures=failures, reason=reason[:300]),
           timeout=int(pause + 2 * cap + 60))
    logger.warning("Cannot reach the %s server (%s); paused for %.0f s (failure %d in a "
                   "row). Its messages wait; no attempt is counted.", scope, reason, pause,
                   failures)
    return dt.datetime.fromtimestamp(until, tz=dt.UTC)


def close(scope: str) -> None:
    """The far end answered: forget the pause."""
    if state(scope) is not None:
        _write(scope, None)
        logger.warning("The %s server can be reached again; its messages go out.", scope)
