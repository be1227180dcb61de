"""The Knox test: the published Burkitt example, a brute-force count, seeds, a planted cluster."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from townsquare.stats.knox import all_pairs_time_histogram, close_pairs, knox

DATA = Path(__file__).parent / "data"


def burkitt() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    table = np.loadtxt(DATA / "burkitt.csv", delimiter=",", skiprows=1)
    return table[:, 0], table[:, 1], table[:, 2].astype(np.int64)


def test_burkitt_published_example() -> None:
    """PySAL's worked example: delta = 20 (<=), tau = 5 days (<=) gives X = 13 pairs, and
    13 of 188 cases' 17,578 pairs are close in space (3,429) and in time (52): E = 10.14.

    Our bands are half-open, so "<= 20" on the integer grid is [0, 20.01) (25 pairs lie
    exactly 20 apart), and "<= 5 days" is [0, 6).
    """
    x, y, t = burkitt()
    result = knox(x, y, t, distance_edges=[0, 20.01], time_edges=[0, 6], permutations=999,
                  seed=7)
    assert result.observed.tolist() == [[13, 3416], [39, 14110]]
    assert int(result.observed.sum()) == 188 * 187 // 2
    assert result.close_pairs == 3429
    # The permutation mean estimates E = 3429 * 52 / 17578 = 10.144 (standard error ~0.1).
    assert result.expected[0, 0] == pytest.approx(3429 * 52 / 17578, abs=0.35)
    # Every permutation keeps the margins: each row and column of expected sums exactly.
    assert result.expected.sum(axis=1) == pytest.approx([3429, 14149])
    assert result.expected.sum(axis=0) == pytest.approx([52, 17526])
    assert result.knox_ratio[0, 0] == pytest.approx(13 / result.expected[0, 0])
    # P(X >= 13) under Poisson(10.14) is 0.232 (P(X > 13) would be 0.151).
    assert 0.18 <= result.p_value[0, 0] <= 0.29


def test_burkitt_strict_band_excludes_the_pairs_exactly_on_the_edge() -> None:
    x, y, t = burkitt()
    result = knox(x, y, t, distance_edges=[0, 20], time_edges=[0, 6], permutations=9, seed=1)
    assert result.observed.tolist() == [[13, 3391], [39, 14135]]


def brute_force(x, y, t, d_edges, t_edges, metric):
    observed = np.zeros((len(d_edges), len(t_edges)), dtype=int)
    for a, b in itertools.combinations(range(len(x)), 2):
        dx, dy = x[a] - x[b], y[a] - y[b]
        dist = abs(dx) + abs(dy) if metric == "manhattan" else (dx * dx + dy * dy) ** 0.5
        gap = abs(int(t[a]) - int(t[b]))
        row = sum(1 for e in d_edges if dist >= e) - 1
        col = sum(1 for e in t_edges if gap >= e) - 1
        if row >= 0 and col >= 0:
            observed[row, col] += 1
    return observed


@pytest.mark.parametrize("metric", ["manhattan", "euclidean"])
@pytest.mark.parametrize(("d_edges", "t_edges"), [
    ([0, 50, 150, 300], [0, 3, 10, 30]),
    ([20, 100], [2, 7]),  # pairs below the first edge belong to no band
    ([0], [0]),  # one open band: every pair
])
def test_observed_matches_a_brute_force_count(metric, d_edges, t_edges) -> None:
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 1000, 150), rng.uniform(0, 1000, 150)
    t = rng.integers(0, 90, 150)
    x[5], y[5] = x[6] + 50, y[6]  # a pair exactly on an edge: [50, 150) takes it
    result = knox(x, y, t, distance_edges=d_edges, time_edges=t_edges, metric=metric,
                  permutations=5, seed=1)
    assert result.observed.tolist() == brute_force(x, y, t, d_edges, t_edges, metric).tolist()


def test_permuted_counts_match_a_brute_force_count_of_the_same_permutation() -> None:
    """One permutation (B = 1) with a known seed: the expected table IS that permutation."""
    rng = np.random.default_rng(11)
    x, y, t = rng.uniform(0, 500, 80), rng.uniform(0, 500, 80), rng.integers(0, 40, 80)
    d_edges, t_edges = [0, 40, 120], [0, 5, 15]
    result = knox(x, y, t, distance_edges=d_edges, time_edges=t_edges, permutations=1, seed=5)
    permuted = np.random.default_rng(5).permuted(
        np.broadcast_to(t - t.min(), (1, 80)), axis=1)[0]
    assert result.expected.tolist() == brute_force(x, y, permuted, d_edges, t_edges,
                                                   "euclidean").tolist()


def test_same_seed_same_result_other_seed_other_result() -> None:
    rng = np.random.default_rng(2)
    x, y, t = rng.uniform(0, 1000, 300), rng.uniform(0, 1000, 300), rng.integers(0, 60, 300)
    args = dict(distance_edges=[0, 100, 200], time_edges=[0, 7, 14], permutations=99)
    first = knox(x, y, t, seed=42, **args)
    again = knox(x, y, t, seed=42, **args)
    other = knox(x, y, t, seed=43, **args)
    assert first.expected.tolist() == again.expected.tolist()
    assert first.p_value.tolist() == again.p_value.tolist()
    assert first.expected.tolist() != other.expected.tolist()


def test_a_planted_space_time_cluster_gets_a_small_p() -> None:
    rng = np.random.default_rng(9)
    x, y = rng.uniform(0, 5000, 400), rng.uniform(0, 5000, 400)
    t = rng.integers(0, 365, 400)
    # 12 events within 100 m of one spot over 5 days.
    x[:12], y[:12] = 2500 + rng.uniform(0, 100, 12), 2500 + rng.uniform(0, 100, 12)
    t[:12] = 200 + rng.integers(0, 5, 12)
    result = knox(x, y, t, distance_edges=[0, 200, 1000], time_edges=[0, 7, 30],
                  permutations=999, seed=1)
    # The 66 planted pairs and 8 chance ones; chance alone gives about 17.
    assert result.observed[0].tolist() == [74, 64, 349]
    assert result.expected[0, 0] == pytest.approx(17.19, abs=0.01)
    assert result.p_value[0, 0] == pytest.approx(1 / 1000)  # no permutation reached 74
    assert result.p_value[0, 1] > 0.05
    assert result.knox_ratio[0, 0] == pytest.approx(74 / result.expected[0, 0])


def test_the_p_value_counts_ties_as_at_least_observed() -> None:
    """Two events, one pair: every permutation gives the same table, so p = 1 everywhere
    a count equals the observed one (the P(X > x) version would give 1 / (B + 1))."""
    result = knox([0, 1], [0, 0], [0, 3], distance_edges=[0, 5], time_edges=[0, 7],
                  permutations=19, seed=1)
    assert result.observed.tolist() == [[1, 0], [0, 0]]
    assert result.expected.tolist() == [[1.0, 0.0], [0.0, 0.0]]
    assert result.p_value.tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert result.knox_ratio[0, 0] == 1.0
    assert np.isnan(result.knox_ratio[1, 1])


def test_all_pairs_time_histogram() -> None:
    days = np.array([3, 3, 4, 10])
    assert all_pairs_time_histogram(days).tolist() == [1, 2, 0, 0, 0, 0, 1, 2]


def test_close_pairs_is_strict() -> None:
    i, j, d = close_pairs([0, 3, 10], [0, 4, 0], 5.0)
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == []
    i, j, d = close_pairs([0, 3, 10], [0, 4, 0], 5.0001)
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == [(0, 1)]
    assert d.tolist() == [5.0]


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(distance_edges=[10, 5], time_edges=[0]), "distance bands: edges must be strictly"),
    (dict(distance_edges=[-1, 5], time_edges=[0]), "distance bands: edges must not be neg"),
    (dict(distance_edges=[0], time_edges=[]), "time bands: give at least one edge"),
    (dict(distance_edges=[0], time_edges=[0], permutations=0), "permutations must be"),
    (dict(distance_edges=[0], time_edges=[0], metric="chebyshev"), "metric must be"),
])
def test_bad_arguments_are_refused(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        knox([0, 1, 2], [0, 1, 2], [0, 1, 2], **kwargs)


def test_fewer_than_two_events_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 2 events"):
        knox([0], [0], [0], distance_edges=[0], time_edges=[0])
