"""Incidents for tests, written as the import writes them: the Incident rows and the
DailyCount rows that count them, always in agreement."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time

from django.db.models import F

from tests.factories import center_of
from townsquare.incidents.models import DailyCount, Incident
from townsquare.places.models import Neighborhood

_keys = itertools.count(1)


def add_incidents(nbhd: Neighborhood, day: date, category: str = "property", n: int = 1,
                  block: str = "100 BLOCK OF ELM ST") -> list[Incident]:
    """`n` incidents of `category` in `nbhd` on `day`, and their daily count."""
    lat, lon = center_of(nbhd)
    created = Incident.objects.bulk_create([
        Incident(city_id=nbhd.city_id, neighborhood=nbhd, key=f"test-{next(_keys)}",
                 occurred_at=datetime.combine(day, time(12), tzinfo=UTC), occurred_on=day,
                 offense_code="0000", description=f"TEST {category.upper()}",
                 category=category, block=block, lat=lat, lon=lon, source="test")
        for _ in range(n)])
    row, made = DailyCount.objects.get_or_create(
        city_id=nbhd.city_id, neighborhood=nbhd, category=category, day=day,
        defaults={"count": n})
    if not made:
        DailyCount.objects.filter(pk=row.pk).update(count=F("count") + n)
    return created


def add_many(nbhd: Neighborhood, counts: dict[tuple[str, date], int]) -> int:
    """Several days and categories at once: {(category, day): n}; returns the total."""
    for (category, day), n in counts.items():
        add_incidents(nbhd, day, category, n)
    return sum(counts.values())
