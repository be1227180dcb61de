"""The demo imports the real Sacramento incidents with the operators' import, once.

The demo is loaded once for the class (setUpTestData, rolled back after). Pocket's count is
computed here straight from the raw files with shapely, not taken from the code."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import shapely
from django.conf import settings
from django.db.models import Sum
from django.test import TestCase
from django.utils import timezone

from townsquare.demo import crime_data, loader
from townsquare.incidents.models import DailyCount, Incident
from townsquare.places.models import Neighborhood

DATA = Path(settings.BASE_DIR) / "data" / "sacramento"


def pocket_count_from_the_raw_files() -> int:
    """Incidents whose point Pocket covers (edge included) and no smaller neighborhood
    does: the placement rule of places/geoindex.py, worked out independently."""
    features = json.loads((DATA / "neighborhoods.geojson").read_text())["features"]
    shapes = {f["properties"]["name"]: shapely.geometry.shape(f["geometry"]) for f in features}
    with open(DATA / "crime-2006-01.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lons = np.array([float(row["longitude"]) for row in rows])
    lats = np.array([float(row["latitude"]) for row in rows])
    pocket = shapes["Pocket"]
    inside = shapely.intersects_xy(pocket, lons, lats)
    for name, shape in shapes.items():
        if name != "Pocket" and shape.area < pocket.area:
            inside &= ~shapely.intersects_xy(shape, lons, lats)
    return int(inside.sum())


class DemoIncidentsTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.summary = loader.load(DATA)
        cls.city = cls.summary.city

    def test_pocket_has_the_incidents_its_polygon_covers(self):
        pocket = Neighborhood.objects.get(city=self.city, slug="pocket")
        expected = pocket_count_from_the_raw_files()

        assert expected == 156  # the data's README says so too
        assert Incident.objects.filter(neighborhood=pocket).count() == expected
        assert DailyCount.objects.filter(neighborhood=pocket).aggregate(
            n=Sum("count"))["n"] == expected

    def test_every_incident_inside_a_neighborhood_is_there(self):
        assert Incident.objects.filter(city=self.city).count() == 7189
        assert set(Incident.objects.values_list("source", flat=True)) == {"sacramento"}

    def test_loading_again_adds_nothing(self):
        before = list(Incident.objects.order_by("id").values_list("id", "key"))

        result = crime_data.load(self.city, DATA, loader.SEED, timezone.now())

        assert str(result) == "imported 0, unchanged 7189, outside 395, rejected 0"
        assert list(Incident.objects.order_by("id").values_list("id", "key")) == before
