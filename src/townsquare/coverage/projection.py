"""When every neighborhood will have launched, at the pace so far, and how sure that is.

The model (docs/coverage.md, "The projection"):

- Launches arrive as a Poisson process with one constant rate: each day is like any other,
  and one launch does not make the next more or less likely.
- The pace is measured from the first launch to now. The first launch opens that window,
  so it is not counted in it: k = launches - 1 events over T days, rate = k / T per day.
  (Counting it would bias the pace upwards, most of all when there are few launches.)
- The rate's 95% interval is the exact (Garwood) one: [chi2(2.5%; 2k) / 2, chi2(97.5%;
  2k + 2) / 2] / T. The central date is now + remaining / rate; the range is
  now + remaining / upper rate to now + remaining / lower rate.
- It does not know that neighborhoods differ (the easy ones tend to launch first, so the
  last ones may come slower than the pace says), and the range only covers the uncertainty
  of the rate, not the luck of the remaining launches themselves.

With fewer than MIN_LAUNCHES launches or fewer than MIN_DAYS days since the first one there
is too little history, and it says so instead of giving a date.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import chi2

MIN_LAUNCHES = 3
MIN_DAYS = 30
LEVEL = 0.95
_DAY_SECONDS = 86400.0


class Status(enum.StrEnum):
    COMPLETE = "complete"  # every neighborhood has launched
    NOT_ENOUGH_HISTORY = "not_enough_history"
    PROJECTED = "projected"


@dataclass(frozen=True)
class Projection:
    status: Status
    remaining: int  # neighborhoods not launched yet
    launches: int
    span_days: float  # from the first launch to now
    rate_per_day: float | None = None
    rate_low: float | None = None
    rate_high: float | None = None
    central: dt.datetime | None = None
    earliest: dt.datetime | None = None
    latest: dt.datetime | None = None

    @property
    def per_month(self) -> float | None:
        """The pace in launches per 30 days, for people."""
        return None if self.rate_per_day is None else self.rate_per_day * 30


def rate_interval(events: int, days: float, level: float = LEVEL) -> tuple[float, float]:
    """The exact (Garwood) interval of a Poisson rate per day: `events` over `days`."""
    alpha = 1 - level
    low = 0.0 if events == 0 else float(chi2.ppf(alpha / 2, 2 * events)) / 2
    high = float(chi2.ppf(1 - alpha / 2, 2 * events + 2)) / 2
    return low / days, high / days


def project(launch_dates: Sequence[dt.datetime], total: int,
            now: dt.datetime) -> Projection:
    """The projection for a city with `total` neighborhoods that launched at `launch_dates`."""
    dates = sorted(launch_dates)
    remaining = total - len(dates)
    span = (now - dates[0]).total_seconds() / _DAY_SECONDS if dates else 0.0
    if remaining <= 0 and total > 0:
        return Projection(Status.COMPLETE, 0, len(dates), span)
    if len(dates) < MIN_LAUNCHES or span < MIN_DAYS:
        return Projection(Status.NOT_ENOUGH_HISTORY, max(remaining, 0), len(dates), span)
    events = len(dates) - 1
    rate = events / span
    low, high = rate_interval(events, span)

    def after(per_day: float) -> dt.datetime:
        return now + dt.timedelta(days=remaining / per_day)

    return Projection(Status.PROJECTED, remaining, len(dates), span, rate_per_day=rate,
                      rate_low=low, rate_high=high, central=after(rate),
                      earliest=after(high), latest=after(low))
