"""The launch history for people: launches per month as a table, and the geometry of a step
chart of neighborhoods launched over time (drawn as inline SVG by the coverage page)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 640.0, 260.0
LEFT, RIGHT, TOP, BOTTOM = 48.0, 16.0, 16.0, 36.0


@dataclass(frozen=True)
class Month:
    first_day: dt.date
    launched: int  # in that month
    total: int  # launched by the end of it
    share: float  # of all neighborhoods


@dataclass(frozen=True)
class XTick:
    x: float
    when: dt.datetime  # formatted by the template, in the reader's language


@dataclass(frozen=True)
class YTick:
    y: float
    count: int


@dataclass(frozen=True)
class StepChart:
    width: float
    height: float
    path: str  # the step line
    goal_y: float  # the line of 100%
    axis_y: float  # where the time axis runs
    left: float  # the plot's left and right edges
    right: float
    x_ticks: list[XTick]
    y_ticks: list[YTick]


def by_month(launch_dates: Sequence[dt.datetime], total: int, time_zone: str) -> list[Month]:
    """One row per month from the first launch's to the last's (months without a launch
    included, so the table reads as a timeline)."""
    zone = zoneinfo.ZoneInfo(time_zone)
    days = sorted(when.astimezone(zone).date() for when in launch_dates)
    if not days:
        return []
    counts: dict[dt.date, int] = {}
    for day in days:
        key = day.replace(day=1)
        counts[key] = counts.get(key, 0) + 1
    rows, running, month = [], 0, days[0].replace(day=1)
    while month <= days[-1]:
        running += counts.get(month, 0)
        rows.append(Month(month, counts.get(month, 0), running,
                          running / total if total else 0.0))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return rows


def step_chart(launch_dates: Sequence[dt.datetime], total: int,
               now: dt.datetime) -> StepChart | None:
    """Neighborhoods launched (y, 0 to `total`) against time (x, first launch to now)."""
    dates = sorted(launch_dates)
    if not dates or total <= 0:
        return None
    start, end = dates[0], max(now, dates[-1])
    span = max((end - start).total_seconds(), 1.0)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(when: dt.datetime) -> float:
        return round(LEFT + inner_w * (when - start).total_seconds() / span, 1)

    def y(count: float) -> float:
        return round(TOP + inner_h * (1 - count / total), 1)

    parts = [f"M{x(start)} {y(0)}"]
    for count, when in enumerate(dates, start=1):
        parts.append(f"H{x(when)}V{y(count)}")
    parts.append(f"H{x(end)}")
    x_ticks = [XTick(x(when), when) for when in (start, end)]
    y_ticks = [YTick(y(count), count) for count in sorted({0, total // 2, total})]
    return StepChart(WIDTH, HEIGHT, "".join(parts), y(total), y(0), LEFT, WIDTH - RIGHT,
                     x_ticks, y_ticks)
