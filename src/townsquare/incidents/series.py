"""Candidate series: incidents of one category that are closer in space and time than
chance explains (the Knox test, stats/knox.py), grouped into connected sets.

1. The incidents of a category in some neighborhoods (an agency's jurisdiction, passed in
   as ids: this app knows nothing of agencies) during [start, end) are placed on a local
   flat map in metres (equirectangular around their mean latitude: over a city the error
   is far below a block).
2. The Knox test counts every pair by distance and time band and compares each cell with
   date permutations. A cell is significant when p <= alpha and it has more pairs than
   expected, in a finite band (the open last bands are "far apart", never a series).
3. The window is the tightest significant cell: its upper distance and time edges. Two
   incidents are linked when they are closer than both; candidate series are connected
   groups of at least `min_size` linked incidents (scipy's connected components).

A candidate is a lead for an analyst, not a finding: see docs/incidents-series.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from townsquare.incidents.models import Incident
from townsquare.places.models import Neighborhood
from townsquare.stats.knox import KnoxResult, close_pairs, knox

DISTANCE_EDGES = (0.0, 200.0, 400.0, 800.0)  # metres: [0,200), [200,400), [400,800), 800+
TIME_EDGES = (0.0, 4.0, 8.0, 15.0)  # days: 0-3, 4-7, 8-14, 15 or more
PERMUTATIONS = 499
SEED = 20060101  # the page shows the same answer every time for the same data
ALPHA = 0.05
MIN_SIZE = 3
EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class SeriesIncident:
    """What the page shows of an incident: its block, never finer."""

    pk: int
    occurred_on: date
    description: str
    block: str
    neighborhood_id: int
    lat: float
    lon: float


@dataclass(frozen=True)
class CandidateSeries:
    incidents: list[SeriesIncident]
    neighborhoods: list[Neighborhood]

    @property
    def first(self) -> date:
        return self.incidents[0].occurred_on

    @property
    def last(self) -> date:
        return self.incidents[-1].occurred_on

    @property
    def size(self) -> int:
        return len(self.incidents)


@dataclass(frozen=True)
class Window:
    """Linked: closer than `metres` and fewer than `days` days apart."""

    metres: float
    days: int


@dataclass(frozen=True)
class SeriesReport:
    category: str
    start: date
    end: date
    incidents: int
    knox: KnoxResult | None  # None with fewer than 2 incidents
    window: Window | None  # None when no cell is significant
    series: list[CandidateSeries] = field(default_factory=list)


def to_metres(lats: np.ndarray, lons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A local equirectangular projection around the points' mean latitude, in metres."""
    if lats.size == 0:
        return lats.astype(float), lons.astype(float)
    lat0 = math.radians(float(lats.mean()))
    x = np.radians(lons - lons.mean()) * EARTH_RADIUS_M * math.cos(lat0)
    y = np.radians(lats - lats.mean()) * EARTH_RADIUS_M
    return x, y


def significant_window(result: KnoxResult, alpha: float = ALPHA) -> Window | None:
    """The tightest significant finite cell (smallest distance band, then time band)."""
    rows, cols = result.observed.shape
    for row in range(rows - 1):
        for col in range(cols - 1):
            if (result.p_value[row, col] <= alpha
                    and result.observed[row, col] > result.expected[row, col]):
                return Window(metres=result.distance_edges[row + 1],
                              days=int(math.ceil(result.time_edges[col + 1])))
    return None


def linked_groups(x: np.ndarray, y: np.ndarray, days: np.ndarray, window: Window,
                  min_size: int = MIN_SIZE) -> list[np.ndarray]:
    """Indices of each connected group of >= min_size events linked within the window,
    each in date order; the largest groups first, then the earliest."""
    n = x.size
    i, j, _distance = close_pairs(x, y, window.metres)
    keep = np.abs(days[i] - days[j]) < window.days
    i, j = i[keep], j[keep]
    graph = coo_matrix((np.ones(i.size, dtype=np.int8), (i, j)), shape=(n, n))
    _count, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels)
    groups = []
    for label in np.flatnonzero(sizes >= min_size):
        members = np.flatnonzero(labels == label)
        groups.append(members[np.lexsort((members, days[members]))])
    groups.sort(key=lambda g: (-g.size, int(days[g[0]]), int(g[0])))
    return groups


def find_series(city_id: int, category: str, start: date, end: date, *,
                neighborhood_ids: Sequence[int] | None = None,
                distance_edges: Sequence[float] = DISTANCE_EDGES,
                time_edges: Sequence[float] = TIME_EDGES, permutations: int = PERMUTATIONS,
                seed: int = SEED, alpha: float = ALPHA, min_size: int = MIN_SIZE,
                ) -> SeriesReport:
    """The Knox test and the candidate series of `category` in [start, end) in the city
    (or in `neighborhood_ids` of it). Three queries whatever the number of incidents: the
    incidents' places and dates, the series' incidents, their neighborhoods."""
    rows = Incident.objects.filter(city_id=city_id, category=category,
                                   occurred_on__gte=start, occurred_on__lt=end)
    if neighborhood_ids is not None:
        rows = rows.filter(neighborhood_id__in=list(neighborhood_ids))
    points = list(rows.order_by("pk").values_list("pk", "lat", "lon", "occurred_on"))
    report = SeriesReport(category=category, start=start, end=end, incidents=len(points),
                          knox=None, window=None)
    if len(points) < 2:
        return report
    pks = np.array([p[0] for p in points])
    x, y = to_metres(np.array([p[1] for p in points]), np.array([p[2] for p in points]))
    days = np.array([p[3].toordinal() for p in points], dtype=np.int64)
    result = knox(x, y, days, distance_edges=distance_edges, time_edges=time_edges,
                  metric="euclidean", permutations=permutations, seed=seed)
    window = significant_window(result, alpha)
    if window is None:
        return SeriesReport(category=category, start=start, end=end, incidents=len(points),
                            knox=result, window=None)
    groups = linked_groups(x, y, days, window, min_size)
    return SeriesReport(category=category, start=start, end=end, incidents=len(points),
                        knox=result, window=window, series=_load(groups, pks))


def _load(groups: list[np.ndarray], pks: np.ndarray) -> list[CandidateSeries]:
    wanted = [int(pks[k]) for group in groups for k in group]
    if not wanted:
        return []
    found = {
        row.pk: row for row in Incident.objects.filter(pk__in=wanted).only(
            "pk", "occurred_on", "description", "block", "neighborhood_id", "lat", "lon")}
    names = {n.pk: n for n in Neighborhood.objects.filter(
        pk__in={row.neighborhood_id for row in found.values()})}
    series = []
    for group in groups:
        members = [found[int(pks[k])] for k in group]
        incidents = [SeriesIncident(pk=m.pk, occurred_on=m.occurred_on,
                                    description=m.description, block=m.block,
                                    neighborhood_id=m.neighborhood_id, lat=m.lat, lon=m.lon)
                     for m in members]
        ids = sorted({m.neighborhood_id for m in members}, key=lambda i: names[i].name)
        series.append(CandidateSeries(incidents=incidents,
                                      neighborhoods=[names[i] for i in ids]))
    return series


def latest_day(city_id: int, category: str,
               neighborhood_ids: Sequence[int] | None = None) -> date | None:
    """The date of the latest incident of `category` (where the page's default window ends)."""
    rows = Incident.objects.filter(city_id=city_id, category=category)
    if neighborhood_ids is not None:
        rows = rows.filter(neighborhood_id__in=list(neighborhood_ids))
    return rows.order_by("-occurred_on").values_list("occurred_on", flat=True).first()
