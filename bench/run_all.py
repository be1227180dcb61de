"""Run every benchmark at sizes that finish in a few minutes, and print one summary table.

    .venv/bin/python bench/run_all.py [--only NAME ...] [--check]

Each benchmark runs as its own process (a fresh interpreter, its own throw-away database
derived from DATABASE_URL, SQLite by default) with `--json`, and its full output passes
through. The sizes here are for a quick look on a small machine; docs/performance.md has
the full-size figures and how to reproduce them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402  (the bench directory is not a package)

HERE = Path(__file__).resolve().parent

# name -> arguments (besides --json). Full sizes: feed 3,000,000 posts, locate 1,000,000.
BENCHMARKS: dict[str, list[str]] = {
    "feed": ["--posts", "300000"],
    "locate": ["--points", "200000"],
    # Full size: 100,000 and 1,000,000 recipients (docs/performance.md).
    "fanout": ["--recipients", "20000"],
    # Full size: 100,000 and 1,000,000 verified residents (docs/performance.md).
    "publish": ["--residents", "20000", "--samples", "10"],
    # Full size already: 10,000 incidents, 999 permutations (the baseline is extrapolated).
    "knox": ["--incidents", "10000", "--permutations", "999", "--repeat", "1"],
    # Full size: 1,000,000 incidents (docs/incidents.md); the baseline is extrapolated.
    "import": ["--incidents", "100000", "--baseline-rows", "500"],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), help="run just these")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)

    rows: list[list[Any]] = []
    failed: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="townsquare-bench-") as tmp:
        for name in args.only or BENCHMARKS:
            report = run(name, Path(tmp) / f"{name}.json")
            if report is None:
                failed.append(name)
                rows.append([name, "(failed: see its output above)", None, None, None, False])
                continue
            for item in summary_of(name, report):
                rows.append([name, item["metric"], _common.fmt_value(item["value"], item["unit"]),
                             _common.fmt_value(item["baseline"], item["unit"]),
                             item["target"], item["met"]])

    database = "PostgreSQL" if _common.is_postgres(os.environ.get("DATABASE_URL", "")) else "SQLite"
    _common.print_table(
        ["benchmark", "metric", "value", "baseline", "target", "met?"], rows,
        title=f"Summary ({database}, {time.perf_counter() - started:.0f} s in all)",
    )
    missed = [r for r in rows if r[5] is False]
    if failed:
        return 2
    return 1 if args.check and missed else 0


def run(name: str, json_path: Path) -> dict[str, Any] | None:
    command = [sys.executable, str(HERE / f"{name}.py"), *BENCHMARKS[name], "--json",
               str(json_path)]
    print(f"\n=== {name}: {' '.join(command[1:-2])}", flush=True)
    result = subprocess.run(command, check=False)
    if not json_path.exists():
        print(f"=== {name} exited with {result.returncode} and wrote no report", flush=True)
        return None
    report = json.loads(json_path.read_text())
    if result.returncode != 0:
        # A non-zero exit with a report means a check inside the benchmark failed; the
        # summary shows which.
        print(f"=== {name} exited with {result.returncode}", flush=True)
    return report


def summary_of(name: str, report: dict[str, Any]) -> list[dict[str, Any]]:
    """The benchmark's own `summary` rows, or rows read from a report that has none."""
    if "summary" in report:
        return report["summary"]
    if name == "locate":
        return _locate_summary(report)
    return [_common.summary_row("(no summary in its report)", None, unit="")]


def _locate_summary(report: dict[str, Any]) -> list[dict[str, Any]]:
    """bench/locate.py reports its own shape; turn it into summary rows."""
    targets = report.get("targets", {})
    fast = report.get("locate_many", {}).get("points_per_s")
    slow = report.get("baseline", {}).get("points_per_s")
    rows = [
        _common.summary_row("locate_many rate", fast, unit="points/s", baseline=slow,
                            target_min=targets.get("points_per_s")),
        _common.summary_row("speed-up over the per-point loop", report.get("speedup"),
                            unit="x", target_min=targets.get("speedup")),
    ]
    identical = report.get("identical_on_common_points")
    rows.append(_common.summary_row("same answers as the baseline", identical, unit="",
                                    target="yes", met=identical))
    return rows


if __name__ == "__main__":
    sys.exit(main())
