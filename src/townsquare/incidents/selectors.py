"""Reads of the crime numbers: counts of a period, by category, by week or month and by
neighborhood, each one aggregate query over DailyCount (never a loop over incidents), and the
summary that compares two periods with its intervals. See docs/incidents.md."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from townsquare.core.errors import Invalid
from townsquare.incidents.models import Category, DailyCount, Incident
from townsquare.places.models import City, Neighborhood
from townsquare.stats import poisson


@dataclass(frozen=True)
class Period:
    """The days [start, end): `end` is the first day after the period."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True)
class Summary:
    """A count with its exact 95% interval and, if there is a comparison period, the ratio
    of the daily rates with its exact 95% interval and the E-test's two-sided p-value.
    `rate_ratio` is None when the comparison period has no incident; `rate_ratio_ci[1]` is
    None (unbounded) then too."""

    count: int
    count_ci: tuple[float, float]
    compare_count: int | None = None
    rate_ratio: float | None = None
    rate_ratio_ci: tuple[float, float | None] | None = None
    p_value: float | None = None

    @property
    def change(self) -> str | None:
        """"up" or "down" when the whole interval is above or below 1, "unclear" when it
        holds 1 (no clear change), None without a comparison."""
        if self.rate_ratio_ci is None:
            return None
        lo, hi = self.rate_ratio_ci
        if lo > 1:
            return "up"
        if hi is not None and hi < 1:
            return "down"
        return "unclear"


def check_category(category: str | None) -> str | None:
    """The category as given (None or "" for all of them); Invalid for an unknown one."""
    if not category:
        return None
    if category not in Category.values:
        raise Invalid(_("Unknown category."),
                      fields={"category": [_("Choose one of: %(choices)s.")
                                           % {"choices": ", ".join(Category.values)}]})
    return category


def _daily(city: City, neighborhood: Neighborhood | None,
           category: str | None) -> QuerySet[DailyCount]:
    rows = DailyCount.objects.filter(city=city)
    if neighborhood is not None:
        rows = rows.filter(neighborhood=neighborhood)
    if category:
        rows = rows.filter(category=category)
    return rows


def _in(period: Period, prefix: str = "") -> Q:
    return Q(**{f"{prefix}day__gte": period.start, f"{prefix}day__lt": period.end})


def counts(city: City, neighborhood: Neighborhood | None, category: str | None,
           period: Period, compare: Period | None = None) -> tuple[int, int | None]:
    """The incidents in `period` (and in `compare`), in one query."""
    rows = _daily(city, neighborhood, category)
    sums = {"now": Sum("count", filter=_in(period), default=0)}
    if compare is not None:
        sums["before"] = Sum("count", filter=_in(compare), default=0)
    wanted = _in(period) if compare is None else _in(period) | _in(compare)
    got = rows.filter(wanted).aggregate(**sums)
    return int(got["now"]), None if compare is None else int(got["before"])


def summarize(count: int, days: int, compare_count: int | None = None,
              compare_days: int | None = None) -> Summary:
    """The statistics of a count over `days` days, against `compare_count` over
    `compare_days` if given: rates per day, so periods of different lengths compare."""
    count_ci = poisson.exact_ci(count)
    if compare_count is None or compare_days is None:
        return Summary(count=count, count_ci=count_ci)
    lo, hi = poisson.rate_ratio_ci(count, days, compare_count, compare_days)
    ratio = None if compare_count == 0 else (count / days) / (compare_count / compare_days)
    return Summary(count=count, count_ci=count_ci, compare_count=compare_count,
                   rate_ratio=ratio, rate_ratio_ci=(lo, None if math.isinf(hi) else hi),
                   p_value=poisson.e_test(count, days, compare_count, compare_days))


def summary(city: City, neighborhood: Neighborhood | None, category: str | None,
            period: Period, compare: Period | None = None) -> Summary:
    count, compare_count = counts(city, neighborhood, category, period, compare)
    return summarize(count, period.days, compare_count,
                     None if compare is None else compare.days)


def data_span(city: City) -> Period | None:
    """The days the city's published incidents cover, first to last (None without any)."""
    got = DailyCount.objects.filter(city=city).aggregate(first=Min("day"), last=Max("day"))
    if got["first"] is None:
        return None
    return Period(got["first"], got["last"] + timedelta(days=1))


def by_category(city: City, neighborhood: Neighborhood | None,
                period: Period) -> dict[str, int]:
    """Every category (zeros included), in the order of Category."""
    rows = (_daily(city, neighborhood, None).filter(_in(period)).values("category")
            .annotate(n=Sum("count")).order_by())
    got = {row["category"]: int(row["n"]) for row in rows}
    return {category: got.get(category, 0) for category in Category.values}


def by_neighborhood(city: City, period: Period, category: str | None = None) -> dict[int, int]:
    """Neighborhood id -> incidents in the period (neighborhoods without any left out)."""
    rows = (_daily(city, None, category).filter(_in(period)).values("neighborhood_id")
            .annotate(n=Sum("count")).order_by())
    return {row["neighborhood_id"]: int(row["n"]) for row in rows}


@dataclass(frozen=True)
class Bucket:
    period: Period
    count: int


def weekly(city: City, neighborhood: Neighborhood | None, period: Period,
           category: str | None = None) -> list[Bucket]:
    """Seven-day buckets ending at the period's end (the first may be shorter): the
    database sums each day, then the days go into their buckets."""
    rows = (_daily(city, neighborhood, category).filter(_in(period)).values("day")
            .annotate(n=Sum("count")).order_by())
    per_day = {row["day"]: int(row["n"]) for row in rows}
    buckets = []
    end = period.end
    while end > period.start:
        start = max(period.start, end - timedelta(days=7))
        buckets.append(Bucket(Period(start, end),
                              sum(n for day, n in per_day.items() if start <= day < end)))
        end = start
    return buckets[::-1]


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def monthly(city: City, neighborhood: Neighborhood | None, period: Period,
            category: str | None = None) -> list[Bucket]:
    """Calendar months (the first and last cut to the period), summed in the database."""
    rows = (_daily(city, neighborhood, category).filter(_in(period))
            .annotate(month=TruncMonth("day")).values("month").annotate(n=Sum("count"))
            .order_by())
    per_month = {_month_start(row["month"]): int(row["n"]) for row in rows}
    buckets = []
    month = _month_start(period.start)
    while month < period.end:
        nxt = _next_month(month)
        buckets.append(Bucket(Period(max(month, period.start), min(nxt, period.end)),
                              per_month.get(month, 0)))
        month = nxt
    return buckets


def recent_incidents(city: City, neighborhood: Neighborhood | None, period: Period,
                     limit: int = 20) -> list[dict]:
    """The latest incidents of the period as residents may see them: the day, the category
    and the published block, never the point."""
    rows = Incident.objects.filter(city=city, occurred_on__gte=period.start,
                                   occurred_on__lt=period.end)
    if neighborhood is not None:
        rows = rows.filter(neighborhood=neighborhood)
    return list(rows.order_by("-occurred_on", "-pk")
                .values("occurred_on", "category", "block")[:limit])
