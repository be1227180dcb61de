"""Quiet hours: a time window, in the resident's time zone, when non-urgent messages wait."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo


def zone(name: str, fallback: str) -> zoneinfo.ZoneInfo:
    for candidate in (name, fallback, "UTC"):
        if candidate:
            try:
                return zoneinfo.ZoneInfo(candidate)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return zoneinfo.ZoneInfo("UTC")


# Old aliases and fixed offsets that the zone database keeps for compatibility: not offered.
_NOT_OFFERED = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")


@functools.cache
def time_zone_names() -> tuple[str, ...]:
    """The time zones a resident may pick, as the zone database names them (Area/City),
    sorted; UTC last."""
    names = sorted(n for n in zoneinfo.available_timezones()
                   if "/" in n and not n.startswith(_NOT_OFFERED))
    return (*names, "UTC")


def end_of_quiet(now: dt.datetime, start: dt.time | None, end: dt.time | None,
                 tz: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """When the quiet hours that contain `now` end (aware, UTC), or None if `now` is not in
    them. A window may span midnight (22:00-07:00)."""
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(tz)
    t = local.time().replace(tzinfo=None)
    inside = (start <= t < end) if start < end else (t >= start or t < end)
    if not inside:
        return None
    day = local.date() if t < end else local.date() + dt.timedelta(days=1)
    until = dt.datetime.combine(day, end, tzinfo=tz)
    return until.astimezone(dt.UTC)
