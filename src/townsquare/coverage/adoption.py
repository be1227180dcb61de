"""Adoption evidence: per neighborhood, how many residents joined beside how crime changed,
and the comparisons a city can make between neighborhoods that launched and those that did
not. Public numbers: no caller rules. See docs/incidents.md, "Adoption evidence".

What the numbers are, and the design (written down so a reader can check it):

- Periods: the city's two comparison periods (incidents.selectors.comparison_periods): the
  latest 90 days against the same days a year before, or against the days just before.
- Per neighborhood: the rate ratio latest / earlier with its exact interval and the E-test,
  and the months of data a 10% change would need to be detected (stats.power), from the
  earlier period's monthly rate.
- Weighted displacement difference (stats.wdd): treated are the neighborhoods that launched
  after the earlier period began and by the start of the latest one (before the latest
  period, at least partly not yet launched in the earlier one); the displacement area is
  their nearby neighborhoods not launched by the end of the latest period; the control is
  every other neighborhood not launched by then. Neighborhoods launched before the earlier
  period or during the latest one are left out: they have no before and after here. Counts
  are rates per neighborhood and per day; the control's change is subtracted for the treated
  area and again for the displacement area (so its variance counts four times).
- Staggered adoption: for each launch day L inside the data, w = the shortest of 90 days,
  the days of data before L and the days after; the neighborhoods launching that day count
  [L - w, L) and [L, L + w); the neighborhoods not yet launched at L + w count the same
  days. Cohorts are stacked: the pooled ratio is (T1 / T0) / (C1 / C0), its 95% interval
  from the normal approximation on the log (variance 1/T0 + 1/T1 + 1/C0 + 1/C1); a
  not-yet-launched neighborhood is a control of every cohort it waits through.

None of this is a causal claim: neighborhoods choose to join (self-selection), a bad year
is often followed by a better one (regression to the mean), residents who talk more may
report more (reporting changes), and crime can move next door (displacement).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db.models import F, Q, Sum
from scipy.stats import norm

from townsquare.incidents import selectors as incidents
from townsquare.incidents.models import DailyCount
from townsquare.incidents.selectors import Period, Summary
from townsquare.places.models import City, Neighborhood
from townsquare.stats import power
from townsquare.stats.wdd import WDDResult, wdd

# A 10% change, as in "a 10% change in this neighborhood would need N months to detect".
DETECT_CHANGE = -0.10
DAYS_PER_MONTH = 365.25 / 12
# Fewer incidents than this in both periods together: the row says there are too few.
FEW_INCIDENTS = 10
STAGGER_MAX_DAYS = 90
STAGGER_MIN_DAYS = 7


@dataclass(frozen=True)
class Row:
    slug: str
    name: str
    launched_at: dt.datetime | None
    verified_members: int
    households: int | None  # None where the city gave no count
    earlier: int | None  # incidents in the earlier period (None without enough data)
    latest: int | None
    summary: Summary | None
    months_to_detect: int | None  # None without incidents to measure against
    group: str  # treated, displacement, control or excluded (the WDD design)

    @property
    def share_households(self) -> float | None:
        """Verified residents over the city's household count, where it gave one."""
        if not self.households:
            return None
        return self.verified_members / self.households

    @property
    def share_percent(self) -> float | None:
        share = self.share_households
        return None if share is None else share * 100

    @property
    def few(self) -> bool:
        return self.earlier is None or (self.earlier + (self.latest or 0)) < FEW_INCIDENTS


@dataclass(frozen=True)
class Pooled:
    """Stacked staggered-adoption comparison: incidents before and after, launched against
    not yet launched, and the ratio of their after / before ratios with its interval."""

    cohorts: int
    treated_before: int
    treated_after: int
    control_before: int
    control_after: int

    @property
    def ratio(self) -> float | None:
        if min(self.treated_before, self.treated_after, self.control_before,
               self.control_after) == 0:
            return None
        return ((self.treated_after / self.treated_before)
                / (self.control_after / self.control_before))

    @property
    def ci(self) -> tuple[float, float] | None:
        ratio = self.ratio
        if ratio is None:
            return None
        se = math.sqrt(1 / self.treated_before + 1 / self.treated_after
                       + 1 / self.control_before + 1 / self.control_after)
        half = float(norm.ppf(0.975)) * se
        return ratio * math.exp(-half), ratio * math.exp(half)


@dataclass(frozen=True)
class WDDGroups:
    counts: dict[str, tuple[int, int]]  # group -> (earlier, latest)
    sizes: dict[str, int]  # group -> neighborhoods
    result: WDDResult | None  # None without treated or control neighborhoods


@dataclass(frozen=True)
class Evidence:
    city: City
    span: Period | None
    latest: Period | None
    earlier: Period | None
    year_before: bool
    rows: list[Row]
    wdd: WDDGroups | None
    staggered: Pooled | None

    @property
    def enough(self) -> bool:
        """Whether there is data enough for any comparison at all."""
        return self.latest is not None


def _as_day(moment: dt.datetime, city: City) -> dt.date:
    return moment.astimezone(ZoneInfo(city.time_zone)).date()


def _group(launch: dt.date | None, latest: Period, earlier: Period, nearby_treated: bool) -> str:
    if launch is not None and earlier.start < launch <= latest.start:
        return "treated"
    if launch is not None and launch < latest.end:
        return "excluded"
    return "displacement" if nearby_treated else "control"


def _wdd(groups: dict[int, str], earlier_counts: dict[int, int],
         latest_counts: dict[int, int], latest: Period, earlier: Period) -> WDDGroups:
    counts: dict[str, tuple[int, int]] = {}
    sizes: dict[str, int] = {}
    for name in ("treated", "displacement", "control"):
        members = [pk for pk, group in groups.items() if group == name]
        sizes[name] = len(members)
        counts[name] = (sum(earlier_counts.get(pk, 0) for pk in members),
                        sum(latest_counts.get(pk, 0) for pk in members))
    result = None
    if sizes["treated"] and sizes["control"]:
        # Rates per neighborhood and per day, so areas and periods of different sizes compare.
        # The displacement area is judged against the same control: the WDD subtracts the
        # control's change twice, so the control goes in once at half its size (its change
        # doubled, its variance four times), which keeps the variance right.
        result = wdd(counts["control"], counts["treated"], (0, 0),
                     counts["displacement"] if sizes["displacement"] else (0, 0),
                     time_weights=(earlier.days, latest.days),
                     area_weights=(sizes["control"] / 2, sizes["treated"], 1,
                                   max(1, sizes["displacement"])))
    return WDDGroups(counts=counts, sizes=sizes, result=result)


def _staggered(city: City, span: Period, launches: dict[int, dt.date | None]) -> Pooled | None:
    cohorts: dict[dt.date, list[int]] = {}
    for pk, day in launches.items():
        if day is not None and span.start < day < span.end:
            cohorts.setdefault(day, []).append(pk)
    totals = [0, 0, 0, 0]
    used = 0
    for day, treated in sorted(cohorts.items()):
        days = min(STAGGER_MAX_DAYS, (day - span.start).days, (span.end - day).days)
        if days < STAGGER_MIN_DAYS:
            continue
        end = day + timedelta(days=days)
        controls = [pk for pk, launched in launches.items() if launched is None or launched >= end]
        if not controls:
            continue
        before = Q(day__gte=day - timedelta(days=days), day__lt=day)
        after = Q(day__gte=day, day__lt=end)
        rows = (DailyCount.objects.filter(city=city, neighborhood_id__in=[*treated, *controls])
                .filter(before | after).values("neighborhood_id")
                .annotate(b=Sum("count", filter=before, default=0),
                          a=Sum("count", filter=after, default=0)).order_by())
        treated_set = set(treated)
        for row in rows:
            offset = 0 if row["neighborhood_id"] in treated_set else 2
            totals[offset] += int(row["b"])
            totals[offset + 1] += int(row["a"])
        used += 1
    if not used:
        return None
    return Pooled(cohorts=used, treated_before=totals[0], treated_after=totals[1],
                  control_before=totals[2], control_after=totals[3])


def city_evidence(city: City) -> Evidence:
    """The adoption evidence of a city: a handful of aggregate queries, whatever its size
    (plus one per launch day inside the data for the staggered comparison)."""
    nbhds = list(Neighborhood.objects.filter(city=city).order_by("name", "pk").values_list(
        "pk", "slug", "name", "launched_at", "verified_members",
        F("household_count__households")))
    launches = {pk: (_as_day(at, city) if at is not None else None)
                for pk, _s, _n, at, _m, _h in nbhds}
    span = incidents.data_span(city)
    periods = incidents.comparison_periods(span) if span is not None else None
    if periods is None:
        rows = [Row(slug, name, at, members, households, None, None, None, None, "excluded")
                for _pk, slug, name, at, members, households in nbhds]
        return Evidence(city, span, None, None, False, rows, None, None)

    latest, earlier, year_before = periods
    latest_counts = incidents.by_neighborhood(city, latest)
    earlier_counts = incidents.by_neighborhood(city, earlier)
    treated = {pk for pk, day in launches.items()
               if day is not None and earlier.start < day <= latest.start}
    nearby = Neighborhood.nearby.through.objects.filter(
        from_neighborhood_id__in=treated).values_list("to_neighborhood_id", flat=True)
    next_to_treated = set(nearby) - treated
    groups = {pk: _group(day, latest, earlier, pk in next_to_treated)
              for pk, day in launches.items()}

    rows = []
    for pk, slug, name, at, members, households in nbhds:
        before, after = earlier_counts.get(pk, 0), latest_counts.get(pk, 0)
        months = None
        if before:
            months = power.months_to_detect(before / (earlier.days / DAYS_PER_MONTH),
                                            DETECT_CHANGE)
        rows.append(Row(slug, name, at, members, households, before, after,
                        incidents.summarize(after, latest.days, before, earlier.days),
                        months, groups[pk]))
    return Evidence(city, span, latest, earlier, year_before, rows,
                    _wdd(groups, earlier_counts, latest_counts, latest, earlier),
                    _staggered(city, span, launches))
