"""The real Sacramento file (7,584 rows) into the real 121 neighborhoods: the counts, and
the daily counts kept exactly true, also across a re-import that changes nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db.models import Count
from django.test import TestCase

from townsquare.incidents.actions import import_incidents
from townsquare.incidents.models import DailyCount, Incident
from townsquare.places import actions as places

DATA = Path(settings.BASE_DIR) / "data" / "sacramento"


def groups_from_incidents() -> dict[tuple[int, str, object], int]:
    rows = (Incident.objects.values("neighborhood_id", "category", "occurred_on")
            .annotate(n=Count("id")).order_by())
    return {(r["neighborhood_id"], r["category"], r["occurred_on"]): r["n"] for r in rows}


def groups_from_daily_counts() -> dict[tuple[int, str, object], int]:
    return {(n, c, d): count for n, c, d, count in DailyCount.objects.values_list(
        "neighborhood_id", "category", "day", "count")}


class RealFileTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.city = places.import_neighborhoods("Sacramento", DATA / "neighborhoods.geojson").city
        cls.result = import_incidents(cls.city, DATA / "crime-2006-01.csv")

    def test_every_row_is_imported_or_outside(self):
        # The data's README: 7,189 points inside a neighborhood, the rest outside; the
        # 38 rows that appear twice in the file are two incidents each.
        assert str(self.result) == "imported 7189, unchanged 0, outside 395, rejected 0"
        assert Incident.objects.filter(city=self.city).count() == 7189
        assert Incident.objects.filter(neighborhood__slug="pocket").count() == 156

    def test_days_are_january_2006_local(self):
        days = Incident.objects.values_list("occurred_on", flat=True)
        assert (str(min(days)), str(max(days))) == ("2006-01-01", "2006-01-31")

    def test_daily_counts_equal_the_incidents_per_group(self):
        expected = groups_from_incidents()
        assert groups_from_daily_counts() == expected
        assert sum(expected.values()) == 7189

    def test_importing_again_changes_nothing(self):
        incidents = list(Incident.objects.order_by("id").values_list())
        counts = list(DailyCount.objects.order_by("id").values_list())
        out = StringIO()

        call_command("import_incidents", str(DATA / "crime-2006-01.csv"), "--city",
                     "sacramento", "--format", "sacramento", stdout=out)

        assert out.getvalue() == "imported 0, unchanged 7189, outside 395, rejected 0\n"
        assert list(Incident.objects.order_by("id").values_list()) == incidents
        assert list(DailyCount.objects.order_by("id").values_list()) == counts
        assert groups_from_daily_counts() == groups_from_incidents()
