"""The Knox test for space-time interaction ("near repeats"), over every pair of events.

Each pair of events falls in one distance band and one time band. The observed table
counts the pairs per (distance band, time band); the expected table is the mean of the
same counts over B random permutations of the dates among the events (the places stay,
the dates are shuffled, so space and time are independent by construction); the p-value
of a cell is (1 + #{permutations with a count >= observed}) / (B + 1), one-sided: it asks
whether the cell has *more* pairs than chance gives.

Bands are half-open, from each edge to the next, and the last band is open:
`distance_edges = [0, 1, 100]` means [0, 1), [1, 100), [100, inf). The time difference of
a pair is the whole number of days between their dates, |d_i - d_j|.

How it stays fast (docs/incidents-series.md): the pairs closer in space than the last
distance edge are found once with a KD-tree. The open last distance band is "all pairs
minus the close ones": the all-pairs time-difference histogram is the date histogram
correlated with itself, and permuting dates does not change it. So each permutation only
re-reads the dates of the close pairs, vectorized over chunks of permutations.

Pure numpy/scipy: nothing here knows about townsquare.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.signal import fftconvolve
from scipy.spatial import cKDTree

Metric = Literal["manhattan", "euclidean"]
_MINKOWSKI_P = {"manhattan": 1, "euclidean": 2}
# Permutations drawn at once; each is then counted on its own, so that the dates of the
# close pairs stay small enough for the processor's cache.
_PERMUTATIONS_PER_DRAW = 64


@dataclass(frozen=True)
class KnoxResult:
    """Tables are (distance bands) x (time bands)."""

    distance_edges: tuple[float, ...]
    time_edges: tuple[float, ...]
    observed: NDArray[np.int64]
    expected: NDArray[np.float64]
    knox_ratio: NDArray[np.float64]  # nan where expected is 0
    p_value: NDArray[np.float64]
    permutations: int
    close_pairs: int  # pairs closer than the last distance edge (the KD-tree's work)


def _check_edges(edges: Sequence[float], name: str) -> NDArray[np.float64]:
    values = np.asarray(edges, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"{name}: give at least one edge")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name}: edges must be finite numbers")
    if values[0] < 0:
        raise ValueError(f"{name}: edges must not be negative")
    if values.size > 1 and not np.all(np.diff(values) > 0):
        raise ValueError(f"{name}: edges must be strictly increasing")
    return values


def _band(values: NDArray[np.floating] | NDArray[np.integer], edges: NDArray[np.float64],
          ) -> NDArray[np.intp]:
    """Band index of each value; -1 below the first edge."""
    return np.searchsorted(edges, values, side="right") - 1


def pair_distances(x: NDArray[np.float64], y: NDArray[np.float64], i: NDArray[np.intp],
                   j: NDArray[np.intp], metric: Metric) -> NDArray[np.float64]:
    dx, dy = x[i] - x[j], y[i] - y[j]
    if metric == "manhattan":
        return np.abs(dx) + np.abs(dy)
    return np.hypot(dx, dy)


def close_pairs(x: ArrayLike, y: ArrayLike, radius: float, metric: Metric = "euclidean",
                ) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
    """Every pair (i < j) strictly closer than `radius`, with its distance (KD-tree)."""
    if metric not in _MINKOWSKI_P:
        raise ValueError(f"metric must be manhattan or euclidean, not {metric!r}")
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xs.size < 2 or radius <= 0:
        empty = np.empty(0, dtype=np.intp)
        return empty, empty, np.empty(0)
    tree = cKDTree(np.column_stack([xs, ys]))
    # A hair wider than the radius, then the exact test below: the tree's own rounding
    # must not drop a pair that our distance puts just inside.
    pairs = tree.query_pairs(radius * (1 + 1e-9), p=_MINKOWSKI_P[metric],
                             output_type="ndarray")
    i, j = pairs[:, 0].astype(np.intp), pairs[:, 1].astype(np.intp)
    distance = pair_distances(xs, ys, i, j, metric)
    keep = distance < radius
    return i[keep], j[keep], distance[keep]


def all_pairs_time_histogram(days: NDArray[np.int64]) -> NDArray[np.int64]:
    """h[k] = number of pairs (i < j) whose dates are k days apart, k = 0 .. span."""
    offset = days - days.min()
    per_day = np.bincount(offset).astype(float)
    # Correlating the date histogram with itself counts ordered pairs by difference;
    # the exact integers come back by rounding (counts stay far below 2**53).
    both = np.rint(fftconvolve(per_day, per_day[::-1])).astype(np.int64)
    centre = per_day.size - 1
    histogram = both[centre:].copy()
    histogram[0] = (histogram[0] - days.size) // 2  # drop each event paired with itself
    return histogram


class _ClosePairs:
    """The pairs closer than the last distance edge, found once and sorted by distance band,
    with buffers to count one table per date permutation without allocating."""

    def __init__(self, xs: NDArray[np.float64], ys: NDArray[np.float64],
                 day_numbers: NDArray[np.int64], d_edges: NDArray[np.float64],
                 t_edges: NDArray[np.float64], metric: Metric,
                 all_pairs: NDArray[np.int64]) -> None:
        i, j, distance = close_pairs(xs, ys, float(d_edges[-1]), metric)
        order = np.argsort(distance, kind="stable")
        self.i, self.j = i[order], j[order]
        self.count = int(i.size)
        # Slices of the sorted pairs per finite band (pairs below the first edge come first
        # and belong to no band).
        self.bounds = np.searchsorted(distance[order], d_edges, side="left")
        shifted = day_numbers - day_numbers.min()
        # The day gap is a whole number: gap < edge is gap < ceil(edge).
        self.t_edges = np.ceil(t_edges).astype(np.int64)
        small = max(int(shifted.max()), int(self.t_edges.max())) < np.iinfo(np.int16).max
        dtype = np.int16 if small else np.int32
        self.days = shifted.astype(dtype)
        self.t_edges = self.t_edges.astype(dtype)
        self.all_pairs = all_pairs
        self.n_dist, self.n_time = d_edges.size, t_edges.size
        self._a = np.empty(self.count, dtype=dtype)
        self._b = np.empty(self.count, dtype=dtype)

    def table(self, dates: NDArray[np.integer]) -> NDArray[np.int64]:
        """(distance bands) x (time bands) pair counts when event k has date dates[k]."""
        gap, other = self._a, self._b
        np.take(dates, self.i, out=gap)
        np.take(dates, self.j, out=other)
        np.subtract(gap, other, out=gap)
        np.abs(gap, out=gap)
        result = np.zeros((self.n_dist, self.n_time), dtype=np.int64)
        below = np.empty(self.n_time + 1, dtype=np.int64)
        for row in range(self.n_dist - 1):
            segment = gap[self.bounds[row]:self.bounds[row + 1]]
            for col, edge in enumerate(self.t_edges):
                below[col] = np.count_nonzero(segment < edge)
            below[self.n_time] = segment.size
            result[row] = np.diff(below)
        # The open band: every pair minus every close pair (whatever its band).
        whole = gap[:self.count]
        for col, edge in enumerate(self.t_edges):
            below[col] = np.count_nonzero(whole < edge)
        below[self.n_time] = whole.size
        result[self.n_dist - 1] = self.all_pairs - np.diff(below)
        return result


def knox(x: ArrayLike, y: ArrayLike, days: ArrayLike, *, distance_edges: Sequence[float],
         time_edges: Sequence[float], metric: Metric = "euclidean", permutations: int = 999,
         seed: int | None = None) -> KnoxResult:
    """The Knox test; see the module docstring. `days` are whole day numbers."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    day_numbers = np.asarray(days)
    if not (xs.shape == ys.shape == day_numbers.shape) or xs.ndim != 1:
        raise ValueError("x, y and days must be one-dimensional and of the same length")
    n = xs.size
    if n < 2:
        raise ValueError("the Knox test needs at least 2 events")
    if not (np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))):
        raise ValueError("coordinates must be finite numbers")
    if not np.issubdtype(day_numbers.dtype, np.integer):
        if not np.all(np.equal(np.mod(day_numbers, 1), 0)):
            raise ValueError("days must be whole day numbers")
    day_numbers = day_numbers.astype(np.int64)
    if permutations < 1:
        raise ValueError("permutations must be at least 1")
    if metric not in _MINKOWSKI_P:
        raise ValueError(f"metric must be manhattan or euclidean, not {metric!r}")
    d_edges = _check_edges(distance_edges, "distance bands")
    t_edges = _check_edges(time_edges, "time bands")
    n_dist, n_time = d_edges.size, t_edges.size

    # Time band of every possible difference (0 .. span days): a lookup table, with the
    # differences below the first time edge sent to an extra, discarded column.
    span = int(day_numbers.max() - day_numbers.min())
    time_lut = _band(np.arange(span + 1), t_edges)
    time_lut[time_lut < 0] = n_time
    all_pairs = np.bincount(time_lut, weights=all_pairs_time_histogram(day_numbers),
                            minlength=n_time + 1)[:n_time].round().astype(np.int64)

    close = _ClosePairs(xs, ys, day_numbers, d_edges, t_edges, metric, all_pairs)
    observed = close.table(close.days)
    rng = np.random.default_rng(seed)
    total = np.zeros((n_dist, n_time), dtype=np.float64)
    at_least = np.zeros((n_dist, n_time), dtype=np.int64)
    done = 0
    while done < permutations:
        chunk = min(_PERMUTATIONS_PER_DRAW, permutations - done)
        for dates in rng.permuted(np.broadcast_to(close.days, (chunk, n)), axis=1):
            counts = close.table(dates)
            total += counts
            at_least += counts >= observed
        done += chunk

    expected = total / permutations
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / np.where(expected > 0, expected, 1), np.nan)
    return KnoxResult(
        distance_edges=tuple(float(e) for e in d_edges),
        time_edges=tuple(float(e) for e in t_edges),
        observed=observed.astype(np.int64), expected=expected, knox_ratio=ratio,
        p_value=(1 + at_least) / (permutations + 1), permutations=permutations,
        close_pairs=close.count)
