"""Benchmark: point-in-neighborhood assignment, vectorised `locate_many` vs a per-point loop.

    .venv/bin/python bench/locate.py [--points N] [--baseline-points K] [--json OUT] [--check]

Random points (fixed seed) in Sacramento's bounding box. The index is built straight from
the GeoJSON file (no database needed) with `PolygonIndex.build`, the constructor the
per-process cache uses, and queried with `PolygonIndex.locate` / `locate_baseline`, the
exact methods behind `geoindex.locate_many` / `locate_many_baseline`.

The per-point baseline is slow, so it runs on the first K points only (50,000 by
default) and its rate is extrapolated; the output says so. Both must give identical
answers on those K points.
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
GEOJSON = ROOT / "data" / "sacramento" / "neighborhoods.geojson"
TARGET_RATE = 500_000  # points/s for locate_many
TARGET_SPEEDUP = 20.0
SEED = 20060101


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--baseline-points", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3, help="fast runs; the best counts")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)

    # What _common.setup_django does, spelled out: this benchmark needs no database.
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townsquare.settings")
    import django

    django.setup()
    import shapely

    from townsquare.core.slugs import slugify
    from townsquare.places.geoindex import PolygonIndex
    from townsquare.places.geometry import parse_feature_collection

    features = parse_feature_collection(GEOJSON.read_bytes())
    started = time.perf_counter()
    index = PolygonIndex.build(
        ids=list(range(1, len(features) + 1)),
        geometries=[f.geometry for f in features],
        areas=[f.geometry.area for f in features],
        slugs=[slugify(f.name) for f in features],
    )
    build_seconds = time.perf_counter() - started
    min_lon, min_lat, max_lon, max_lat = shapely.total_bounds(index.geometries).tolist()
    rng = np.random.default_rng(SEED)
    lons = rng.uniform(min_lon, max_lon, args.points)
    lats = rng.uniform(min_lat, max_lat, args.points)

    index.locate(lons[:1000], lats[:1000])  # warm-up: first-call costs are not the rate
    fast_seconds = float("inf")
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        fast = index.locate(lons, lats)
        fast_seconds = min(fast_seconds, time.perf_counter() - started)
    fast_rate = args.points / fast_seconds

    k = min(args.baseline_points, args.points)
    started = time.perf_counter()
    slow = index.locate_baseline(lons[:k], lats[:k])
    slow_seconds = time.perf_counter() - started
    slow_rate = k / slow_seconds
    mismatches = int((slow != fast[:k]).sum())

    speedup = fast_rate / slow_rate
    inside = int((fast != -1).sum())
    met = fast_rate >= TARGET_RATE and speedup >= TARGET_SPEEDUP and mismatches == 0
    results = {
        "benchmark": "locate",
        # The rows bench/run_all.py prints (the shape of _common.summary_row; these
        # targets are minimums, which summary_row does not express).
        "summary": [
            {"metric": "locate_many", "value": fast_rate, "unit": "points/s",
             "baseline": slow_rate, "target": f">= {TARGET_RATE:,} points/s",
             "met": fast_rate >= TARGET_RATE},
            {"metric": "speed-up over the per-point loop", "value": speedup, "unit": "x",
             "baseline": None, "target": f">= {TARGET_SPEEDUP:.0f}x",
             "met": speedup >= TARGET_SPEEDUP and mismatches == 0},
        ],
        "points": args.points,
        "neighborhoods": len(features),
        "index_build_seconds": build_seconds,
        "inside_share": inside / args.points,
        "locate_many": {"points": args.points, "seconds": fast_seconds,
                        "points_per_s": fast_rate, "best_of": max(1, args.repeat)},
        "baseline": {"points": k, "seconds": slow_seconds, "points_per_s": slow_rate,
                     "extrapolated_seconds_for_all": args.points / slow_rate,
                     "extrapolated": k < args.points},
        "identical_on_common_points": mismatches == 0,
        "mismatches": mismatches,
        "speedup": speedup,
        "targets": {"points_per_s": TARGET_RATE, "speedup": TARGET_SPEEDUP},
        "met": met,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "shapely": shapely.__version__,
        "geos": shapely.geos_version_string,
        "numpy": np.__version__,
    }

    print(f"{args.points:,} random points in Sacramento's box, {len(features)} neighborhoods,"
          f" {inside / args.points:.1%} inside one; index built in {build_seconds:.3f} s")
    print(f"{'':>22} {'points':>10} {'seconds':>9} {'points/s':>12}")
    print(f"{'locate_many':>22} {args.points:>10,} {fast_seconds:>9.3f} {fast_rate:>12,.0f}")
    print(f"{'per-point baseline':>22} {k:>10,} {slow_seconds:>9.3f} {slow_rate:>12,.0f}")
    if k < args.points:
        print(f"  (baseline timed on the first {k:,} points; at that rate all {args.points:,}"
              f" would take {args.points / slow_rate:,.1f} s)")
    print(f"speed-up: {speedup:,.1f}x   identical answers on the {k:,} common points: "
          f"{'yes' if mismatches == 0 else f'NO, {mismatches} differ'}")
    print(f"targets: >= {TARGET_RATE:,} points/s and >= {TARGET_SPEEDUP:.0f}x -> "
          f"{'met' if met else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
