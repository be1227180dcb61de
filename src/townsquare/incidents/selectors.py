"""Reads of the crime numbers: counts of a period, by category, by week or month and by
neighborhood, each one aggregate query over DailyCount (never a loop over incidents), and the
summary that compares two periods with its intervals. See docs/incidents.md."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
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

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)


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
    # A neighborhood's rows by the neighborhood alone: with the city too, PostgreSQL may
    # pick the (city, day) index and read the whole city's days.
    if neighborhood is not None:
        rows = DailyCount.objects.filter(neighborhood=neighborhood)
    else:
        rows = DailyCount.objects.filter(city=city)
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


# The city-wide totals per neighborhood (the crime pages' map) sum a year of the whole city:
# they are kept this many seconds, under a key that names the city's data version, so an
# import that adds incidents shows at once.
TOTALS_CACHE_SECONDS = 600


def data_version(city_id: int) -> int:
    """A number that changes whenever an import adds incidents to the city."""
    return int(cache.get(f"incidents:version:{city_id}") or 0)


def data_changed(city_id: int) -> None:
    """Called after an import commits: every cached total of the city is stale."""
    cache.set(f"incidents:version:{city_id}", time.time_ns(), timeout=None)


def neighborhood_totals(city: City, period: Period) -> dict[int, int]:
    """by_neighborhood for every category, cached (see TOTALS_CACHE_SECONDS)."""
    key = (f"incidents:totals:{city.pk}:{data_version(city.pk)}:"
           f"{period.start}:{period.end}")
    totals = cache.get(key)
    if totals is None:
        totals = by_neighborhood(city, period)
        cache.set(key, totals, timeout=TOTALS_CACHE_SECONDS)
    return totals


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
    rows = Incident.objects.filter(occurred_on__gte=period.start, occurred_on__lt=period.end)
    rows = (rows.filter(neighborhood=neighborhood) if neighborhood is not None
            else rows.filter(city=city))
    labels = dict(Category.choices)
    latest = rows.order_by("-occurred_on", "-pk").values("occurred_on", "category", "block")
    return [{**row, "label": labels.get(row["category"], row["category"])}
            for row in latest[:limit]]


# --- The crime pages ------------------------------------------------------------------------
# The comparison covers the latest COMPARE_DAYS days of the city's data, against the same days
# a year before when the data reach back that far, else the days just before; with less
# data, the latest half against the half before. Below MIN_DAYS days there is no trend.
COMPARE_DAYS = 90
MIN_DAYS = 14
CHART_DAYS = 365
WEEKLY_UP_TO_DAYS = 92
SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class CategoryRow:
    category: str
    label: str
    summary: Summary


@dataclass(frozen=True)
class ChartBar:
    period: Period
    count: int
    ci: tuple[float, float]


@dataclass(frozen=True)
class CrimeReport:
    span: Period | None  # the days the city's data cover; None without any
    too_little: bool  # fewer than MIN_DAYS days of data: no comparison, no chart
    period: Period | None = None  # the latest days, compared with...
    compare: Period | None = None  # ... these
    year_before: bool = False  # whether `compare` is the same days a year before
    overall: Summary | None = None
    categories: list[CategoryRow] | None = None
    window: Period | None = None  # the chart's and the map's days
    unit: str = "month"  # "week" or "month"
    bars: list[ChartBar] | None = None
    per_neighborhood: dict[int, int] | None = None
    recent: list[dict] | None = None

    @property
    def clear_by_test(self) -> bool:
        return (self.overall is not None and self.overall.p_value is not None
                and self.overall.p_value < SIGNIFICANCE)


def comparison_periods(span: Period) -> tuple[Period, Period, bool] | None:
    """(latest, earlier, whether earlier is a year before), or None with too little data."""
    end = span.end
    length = COMPARE_DAYS
    year_before = Period(end - timedelta(days=length + 365), end - timedelta(days=365))
    if year_before.start >= span.start:
        return Period(end - timedelta(days=length), end), year_before, True
    if span.days < 2 * length:
        length = span.days // 2
    if length < MIN_DAYS // 2:
        return None
    latest = Period(end - timedelta(days=length), end)
    return latest, Period(latest.start - timedelta(days=length), latest.start), False


def by_category_compared(city: City, neighborhood: Neighborhood | None, period: Period,
                         compare: Period) -> list[CategoryRow]:
    """Every category's count in `period` against `compare`, in one query. The rows carry
    the intervals, not the E-test: the page tests the total only (one test, not ten)."""
    rows = (_daily(city, neighborhood, None).filter(_in(period) | _in(compare))
            .values("category")
            .annotate(now=Sum("count", filter=_in(period), default=0),
                      before=Sum("count", filter=_in(compare), default=0))
            .order_by())
    got = {row["category"]: (int(row["now"]), int(row["before"])) for row in rows}
    result = []
    for category, label in Category.choices:
        now, before = got.get(category, (0, 0))
        lo, hi = poisson.rate_ratio_ci(now, period.days, before, compare.days)
        ratio = None if before == 0 else (now / period.days) / (before / compare.days)
        result.append(CategoryRow(category, str(label), Summary(
            count=now, count_ci=poisson.exact_ci(now), compare_count=before,
            rate_ratio=ratio, rate_ratio_ci=(lo, None if math.isinf(hi) else hi))))
    return result


def crime_report(city: City, neighborhood: Neighborhood | None) -> CrimeReport:
    """Everything a crime page shows, in a fixed number of queries whatever the data."""
    span = data_span(city)
    if span is None:
        return CrimeReport(span=None, too_little=True)
    window = Period(max(span.start, span.end - timedelta(days=CHART_DAYS)), span.end)
    per_neighborhood = neighborhood_totals(city, window)
    recent = recent_incidents(city, neighborhood, window)
    periods = comparison_periods(span)
    if periods is None:
        return CrimeReport(span=span, too_little=True, window=window,
                           per_neighborhood=per_neighborhood, recent=recent)
    period, compare, year_before = periods
    unit = "week" if window.days <= WEEKLY_UP_TO_DAYS else "month"
    buckets = (weekly if unit == "week" else monthly)(city, neighborhood, window)
    return CrimeReport(
        span=span, too_little=False, period=period, compare=compare, year_before=year_before,
        overall=summary(city, neighborhood, None, period, compare),
        categories=by_category_compared(city, neighborhood, period, compare),
        window=window, unit=unit,
        bars=[ChartBar(b.period, b.count, poisson.exact_ci(b.count)) for b in buckets],
        per_neighborhood=per_neighborhood, recent=recent)
