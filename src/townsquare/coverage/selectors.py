"""Coverage reads: how many neighborhoods of a city have launched, how many households they
hold where the city counted them, and the launch history. Public numbers: no caller rules.

Totals are aggregates in the database (one query); the per-neighborhood rows come in a
second query (and the counts' sources in a third), whatever the number of
neighborhoods. See docs/coverage.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.core.errors import Forbidden
from townsquare.coverage.models import HouseholdCount
from townsquare.places.models import City, Neighborhood


@dataclass(frozen=True)
class Item:
    slug: str
    name: str
    launched_at: dt.datetime | None
    verified_members: int
    households: int | None  # None where the city gave no count

    @property
    def launched(self) -> bool:
        return self.launched_at is not None

    @property
    def members_needed(self) -> int:
        """How many more verified neighbors it needs to launch (0 once launched)."""
        if self.launched:
            return 0
        return max(0, settings.TOWNSQUARE_LAUNCH_THRESHOLD - self.verified_members)


@dataclass(frozen=True)
class Coverage:
    city: City
    neighborhoods: int
    launched: int
    # Households, over the neighborhoods the city counted (None: no count at all).
    households: int | None
    households_reached: int | None
    counted_neighborhoods: int
    items: list[Item]
    sources: list[tuple[str, dt.date]]  # where the household counts come from, and when

    @property
    def share_launched(self) -> float:
        return self.launched / self.neighborhoods if self.neighborhoods else 0.0

    @property
    def share_households(self) -> float | None:
        """Households in launched neighborhoods over all counted households."""
        if not self.households:
            return None
        return (self.households_reached or 0) / self.households

    @property
    def launch_dates(self) -> list[dt.datetime]:
        """When each launched neighborhood launched, oldest first."""
        return sorted(item.launched_at for item in self.items if item.launched_at is not None)

    @property
    def not_launched(self) -> list[Item]:
        return [item for item in self.items if not item.launched]


def city_coverage(city: City) -> Coverage:
    nbhds = Neighborhood.objects.filter(city=city)
    launched = Q(launched_at__isnull=False)
    counted = Q(household_count__isnull=False)
    totals = nbhds.aggregate(
        neighborhoods=Count("pk"),
        launched=Count("pk", filter=launched),
        counted=Count("pk", filter=counted),
        households=Sum("household_count__households"),
        reached=Sum("household_count__households", filter=launched),
    )
    rows = nbhds.order_by("name", "pk").values_list(
        "slug", "name", "launched_at", "verified_members",
        F("household_count__households"))
    items = [Item(slug, name, launched_at, members, households)
             for slug, name, launched_at, members, households in rows]
    counted_any = totals["counted"] > 0
    return Coverage(
        city=city,
        neighborhoods=totals["neighborhoods"],
        launched=totals["launched"],
        households=totals["households"] if counted_any else None,
        households_reached=(totals["reached"] or 0) if counted_any else None,
        counted_neighborhoods=totals["counted"],
        items=items,
        sources=list(HouseholdCount.objects.filter(neighborhood__city=city)
                     .order_by("source", "as_of").values_list("source", "as_of").distinct())
        if counted_any else [],
    )


def recruiting(user: Any, city: City) -> Coverage:
    """The coverage of the city for the recruiting page: operators only."""
    if not policy.can_use_recruiting_tools(user):
        raise Forbidden(_("Only operators can open the recruiting tools."))
    return city_coverage(city)
