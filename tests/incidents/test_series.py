"""Candidate series from the app's incidents: the Knox test on a planted series, the
window it finds, the connected groups, and the neighborhoods they touch."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pytest

from tests import factories
from townsquare.incidents import series
from townsquare.incidents.models import Incident
from townsquare.places.models import City

_keys = itertools.count(1)
START = date(2026, 3, 1)
END = date(2026, 5, 1)  # 61 days


def incident(city: City, lat: float, lon: float, day: date, category: str = "vandalism",
             block: str = "100 BLOCK OF ELM ST", description: str = "GRAFFITI") -> Incident:
    """One incident as the import writes it, placed in the neighborhood holding it."""
    nbhd = next(n for n in city.neighborhoods.all()
                if n.min_lat <= lat < n.max_lat and n.min_lon <= lon < n.max_lon)
    return Incident.objects.create(
        city=city, neighborhood=nbhd, key=f"series-{next(_keys)}",
        occurred_at=datetime.combine(day, time(12), tzinfo=UTC), occurred_on=day,
        offense_code="594", description=description, category=category, block=block,
        lat=lat, lon=lon, source="test")


def scatter(city: City, n: int, seed: int = 1, category: str = "vandalism") -> None:
    """`n` incidents spread over the 3 x 3 km of Testville and the 61 days, none within
    about 400 m of the corner where `plant` puts its series."""
    rng = np.random.default_rng(seed)
    placed = 0
    while placed < n:
        lat = float(rng.uniform(factories.NORTH - 3 * factories.STEP + 1e-4,
                                factories.NORTH - 1e-4))
        lon = float(rng.uniform(factories.WEST + 1e-4,
                                factories.WEST + 3 * factories.STEP - 1e-4))
        if abs(lat - CORNER_LAT) < 0.004 and abs(lon - CORNER_LON) < 0.005:
            continue
        placed += 1
        incident(city, lat, lon, START + timedelta(days=int(rng.integers(0, 61))),
                 category=category)


# The planted series: 6 incidents around the corner of Alder, Birch, Dogwood and Elm (the
# grid's first inner corner), within about 80 m and over 3 days.
CORNER_LAT = factories.NORTH - factories.STEP
CORNER_LON = factories.WEST + factories.STEP
PLANTED = [(+0.0003, -0.0003, 0), (+0.0002, +0.0004, 1), (-0.0003, -0.0002, 1),
           (-0.0002, +0.0003, 2), (+0.0004, +0.0001, 2), (-0.0004, -0.0004, 3)]


def plant(city: City, first: date = date(2026, 4, 10)) -> list[Incident]:
    return [incident(city, CORNER_LAT + dlat, CORNER_LON + dlon, first + timedelta(days=d),
                     block=f"{k + 1}00 BLOCK OF CORNER ST")
            for k, (dlat, dlon, d) in enumerate(PLANTED)]


def test_to_metres_keeps_distances() -> None:
    # 0.01 degree of latitude is 1,111.95 m; of longitude at 38.595 N, 869.3 m.
    x, y = series.to_metres(np.array([38.59, 38.60, 38.60]), np.array([-121.5, -121.5, -121.49]))
    assert float(np.hypot(x[1] - x[0], y[1] - y[0])) == pytest.approx(1111.95, abs=0.01)
    assert float(np.hypot(x[2] - x[1], y[2] - y[1])) == pytest.approx(869.3, abs=0.5)


def test_a_planted_series_is_found_with_its_neighborhoods(city) -> None:
    scatter(city, 120)
    planted = plant(city)

    report = series.find_series(city.pk, "vandalism", START, END)

    assert report.incidents == 126
    assert report.knox is not None
    assert report.knox.p_value[0, 0] <= 0.05
    assert report.window == series.Window(metres=200.0, days=4)
    assert len(report.series) == 1
    found = report.series[0]
    assert [i.pk for i in found.incidents] == [p.pk for p in planted]
    assert (found.first, found.last, found.size) == (date(2026, 4, 10), date(2026, 4, 13), 6)
    assert [n.name for n in found.neighborhoods] == ["Alder", "Birch", "Dogwood", "Elm"]
    assert found.incidents[0].block == "100 BLOCK OF CORNER ST"


def test_the_same_data_gives_the_same_answer(city) -> None:
    scatter(city, 60)
    plant(city)
    first = series.find_series(city.pk, "vandalism", START, END)
    again = series.find_series(city.pk, "vandalism", START, END)
    assert first.knox.p_value.tolist() == again.knox.p_value.tolist()
    assert [[i.pk for i in s.incidents] for s in first.series] == [
        [i.pk for i in s.incidents] for s in again.series]


def test_only_the_given_neighborhoods_category_and_window_count(city) -> None:
    plant(city)
    plant(city, first=date(2026, 2, 1))  # before the window
    scatter(city, 30, category="burglary")
    alder = factories.nbhd(city, "Alder")

    everywhere = series.find_series(city.pk, "vandalism", START, END)
    in_alder = series.find_series(city.pk, "vandalism", START, END,
                                  neighborhood_ids=[alder.pk])

    assert everywhere.incidents == 6
    # Only the first planted incident lies north-west of the corner, in Alder.
    assert in_alder.incidents == 1
    assert in_alder.knox is None and in_alder.series == []


def test_no_significant_cell_means_no_series(city) -> None:
    scatter(city, 80, seed=4)
    report = series.find_series(city.pk, "vandalism", START, END)
    assert report.incidents == 80
    assert report.knox is not None
    assert report.window is None
    assert report.series == []


def test_groups_need_three_linked_incidents() -> None:
    x = np.array([0.0, 50.0, 100.0, 1000.0, 1050.0, 5000.0])
    y = np.zeros(6)
    days = np.array([0, 1, 2, 0, 1, 0])
    groups = series.linked_groups(x, y, days, series.Window(metres=60.0, days=2))
    # 0-1 and 1-2 are linked (50 m, 1 day): a chain of three; 3-4 are only two.
    assert [g.tolist() for g in groups] == [[0, 1, 2]]
    assert series.linked_groups(x, y, days, series.Window(metres=60.0, days=1)) == []


def test_latest_day(city) -> None:
    assert series.latest_day(city.pk, "vandalism") is None
    plant(city)
    assert series.latest_day(city.pk, "vandalism") == date(2026, 4, 13)
