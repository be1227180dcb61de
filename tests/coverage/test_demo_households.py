"""The demo's household estimate imports cleanly against the real Sacramento neighborhoods,
and loading it again changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Sum

from townsquare.core.models import AuditLog
from townsquare.coverage.models import HouseholdCount
from townsquare.demo import households
from townsquare.places import actions as places

DATA = Path(settings.BASE_DIR) / "data" / "sacramento"
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


def test_every_neighborhood_gets_the_estimate_once():
    city = places.import_neighborhoods("Sacramento", DATA / "neighborhoods.geojson").city

    households.load(city, DATA, 2006, NOW)
    households.load(city, DATA, 2006, NOW)

    counts = HouseholdCount.objects.filter(neighborhood__city=city)
    assert counts.count() == 121
    assert counts.aggregate(total=Sum("households"))["total"] == 176_790
    assert set(counts.values_list("source", "as_of")) == {(households.SOURCE, households.AS_OF)}
    # The second load leaves the estimate alone: one import, one audit entry.
    entries = AuditLog.objects.filter(action="coverage.import_households")
    assert [(e.data["created"], e.data["unchanged"]) for e in entries.order_by("pk")] == [
        (121, 0)]
