"""Benchmark: the Knox test (`stats.knox.knox`) against the naive loop over every pair.

    .venv/bin/python bench/knox.py [--incidents N] [--permutations B] [--baseline-pairs K]
                                   [--json OUT] [--check]

N synthetic incidents (fixed seed) over a 20 km x 20 km city (Sacramento's size) and one
year: 85% scattered at random, 15% in small near-repeat bursts (a few incidents within
about 150 m and 10 days), so the test has something to find. Bands as an analyst would set
them for burglaries: distance edges 0, 100, 200, 400, 800 m (5 bands, the last open) and
time edges 0, 7, 14, 28 days (4 bands).

The baseline is the textbook loop: for the observed table and for each of the B
permutations, every pair's distance and day gap, binned one pair at a time. It runs on the
first K pairs only and its time is extrapolated to N(N-1)/2 pairs x (B + 1) tables; the
output says so. Its observed table is checked against `knox` on the first 600 incidents
(every pair), so both count the same thing. No database is needed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402  (the bench directory is not a package)
from townsquare.stats.knox import knox  # noqa: E402

DISTANCE_EDGES = [0.0, 100.0, 200.0, 400.0, 800.0]
TIME_EDGES = [0, 7, 14, 28]
TARGET_SECONDS = 10.0
SEED = 20060101


def synthetic(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    scattered = int(n * 0.85)
    x = rng.uniform(0, 20_000, n)
    y = rng.uniform(0, 20_000, n)
    days = rng.integers(0, 365, n)
    start = scattered
    while start < n:  # bursts of 3 to 8 incidents near one spot within 10 days
        size = min(int(rng.integers(3, 9)), n - start)
        x[start:start + size] = x[start] + rng.normal(0, 60, size)
        y[start:start + size] = y[start] + rng.normal(0, 60, size)
        days[start:start + size] = days[start] + rng.integers(0, 10, size)
        start += size
    return x, y, days


def naive_tables(x, y, days, pairs_limit: int | None = None) -> tuple[np.ndarray, int]:
    """One table, one pair at a time (Python floats, as a straightforward script does)."""
    xs, ys, ts = x.tolist(), y.tolist(), days.tolist()
    table = np.zeros((len(DISTANCE_EDGES), len(TIME_EDGES)), dtype=np.int64)
    n, done = len(xs), 0
    for a in range(n):
        for b in range(a + 1, n):
            if pairs_limit is not None and done >= pairs_limit:
                return table, done
            distance = ((xs[a] - xs[b]) ** 2 + (ys[a] - ys[b]) ** 2) ** 0.5
            gap = abs(ts[a] - ts[b])
            row = sum(1 for edge in DISTANCE_EDGES if distance >= edge) - 1
            col = sum(1 for edge in TIME_EDGES if gap >= edge) - 1
            table[row, col] += 1
            done += 1
    return table, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--permutations", type=int, default=999)
    parser.add_argument("--baseline-pairs", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best counts")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(SEED)
    x, y, days = synthetic(args.incidents, rng)
    n, b = args.incidents, args.permutations
    all_pairs = n * (n - 1) // 2

    knox(x[:500], y[:500], days[:500], distance_edges=DISTANCE_EDGES, time_edges=TIME_EDGES,
         permutations=9, seed=1)  # warm-up: first-call costs are not the rate
    seconds = float("inf")
    result = None
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        result = knox(x, y, days, distance_edges=DISTANCE_EDGES, time_edges=TIME_EDGES,
                      permutations=b, seed=1)
        seconds = min(seconds, time.perf_counter() - started)
    assert result is not None

    # The baseline counts what knox counts (every pair of the first 600 incidents).
    small = knox(x[:600], y[:600], days[:600], distance_edges=DISTANCE_EDGES,
                 time_edges=TIME_EDGES, permutations=1, seed=1)
    same = naive_tables(x[:600], y[:600], days[:600])[0].tolist() == small.observed.tolist()

    started = time.perf_counter()
    _table, timed_pairs = naive_tables(x, y, days, pairs_limit=args.baseline_pairs)
    baseline_timed = time.perf_counter() - started
    baseline_seconds = baseline_timed / timed_pairs * all_pairs * (b + 1)
    speedup = baseline_seconds / seconds
    met = seconds <= TARGET_SECONDS and same

    print(f"{n:,} synthetic incidents ({all_pairs:,} pairs, {result.close_pairs:,} closer than "
          f"{DISTANCE_EDGES[-1]:g} m), {len(DISTANCE_EDGES)} x {len(TIME_EDGES)} bands, "
          f"{b:,} permutations")
    print(f"{'':>26} {'seconds':>12}")
    print(f"{'knox (KD-tree, vectorized)':>26} {seconds:>12.2f}   (best of {max(1, args.repeat)})")
    print(f"{'naive pair loop':>26} {baseline_seconds:>12,.0f}   (extrapolated)")
    print(f"  (the loop was timed on {timed_pairs:,} pairs: {baseline_timed:.2f} s; at that rate"
          f" {all_pairs:,} pairs x {b + 1:,} tables take {baseline_seconds:,.0f} s,"
          f" {baseline_seconds / 86400:,.1f} days)")
    print(f"speed-up: {speedup:,.0f}x   same observed table as the loop on 600 incidents: "
          f"{'yes' if same else 'NO'}")
    print("observed (rows: distance bands, columns: time bands):")
    print(result.observed)
    print("knox ratio:")
    print(np.round(result.knox_ratio, 2))
    print(f"target: <= {TARGET_SECONDS:g} s -> {'met' if met else 'NOT met'}")

    report = {
        "benchmark": "knox",
        "summary": [
            _common.summary_row("knox, 10,000 x 999 permutations" if n == 10_000 and b == 999
                                else f"knox, {n:,} x {b:,} permutations", seconds, unit="s",
                                baseline=baseline_seconds, target_max=TARGET_SECONDS),
            _common.summary_row("speed-up over the pair loop (extrapolated)", speedup,
                                unit="x"),
            _common.summary_row("same table as the pair loop", same, unit="", target="yes",
                                met=same),
        ],
        "incidents": n,
        "permutations": b,
        "pairs": all_pairs,
        "close_pairs": result.close_pairs,
        "distance_edges": DISTANCE_EDGES,
        "time_edges": TIME_EDGES,
        "seconds": seconds,
        "baseline": {"timed_pairs": timed_pairs, "timed_seconds": baseline_timed,
                     "extrapolated_seconds": baseline_seconds, "extrapolated": True},
        "speedup": speedup,
        "same_table_as_baseline": same,
        "observed": result.observed.tolist(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(),
                    "load_average": [round(v, 2) for v in os.getloadavg()]},
        "numpy": np.__version__,
        "met": met,
    }
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 1 if (args.check and not met) or not same else 0


if __name__ == "__main__":
    sys.exit(main())
