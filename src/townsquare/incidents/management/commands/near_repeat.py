"""`townsquare near_repeat CSV --distance-bands EDGES --time-bands EDGES --json OUT`: the
Knox test over every pair of events of any CSV file (columns x, y, date). See
docs/incidents-series.md and the contract in docs/api.md."""

from __future__ import annotations

import csv
import json
import math
import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.stats.knox import KnoxResult, knox

REQUIRED = ("x", "y", "date")
# A file full of bad rows should not scroll the terminal away; the count is still exact.
SHOW_PROBLEMS = 20


def parse_edges(text: str, name: str) -> list[float]:
    """`0,1,100` -> [0.0, 1.0, 100.0]: finite, non-negative, strictly increasing."""
    try:
        edges = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise CommandError(
            f"{name}: {text!r} is not a comma-separated list of numbers") from None
    if not edges:
        raise CommandError(f"{name}: give at least one edge")
    if not all(math.isfinite(e) for e in edges):
        raise CommandError(f"{name}: edges must be finite numbers")
    if edges[0] < 0:
        raise CommandError(f"{name}: edges must not be negative (got {edges[0]:g})")
    if any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
        raise CommandError(f"{name}: edges must be strictly increasing (got {text})")
    return edges


def parse_day(text: str) -> int:
    """An ISO 8601 date (or date and time: its date) as a day number."""
    value = text.strip()
    try:
        return date.fromisoformat(value).toordinal()
    except ValueError:
        return datetime.fromisoformat(value).date().toordinal()


def read_events(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in (reader.fieldnames or [])]
            missing = [name for name in REQUIRED if name not in header]
            if missing:
                raise CommandError(
                    f"{path}: missing column(s) {', '.join(missing)}; the file needs a header "
                    f"line with x, y and date (found: {', '.join(header) or 'nothing'})")
            reader.fieldnames = header
            xs: list[float] = []
            ys: list[float] = []
            days: list[int] = []
            problems: list[str] = []
            for row in reader:
                line = reader.line_num
                try:
                    x, y = float(row["x"] or ""), float(row["y"] or "")
                    if not (math.isfinite(x) and math.isfinite(y)):
                        raise ValueError
                except (TypeError, ValueError):
                    problems.append(f"line {line}: x and y must be numbers "
                                    f"(got {row['x']!r}, {row['y']!r})")
                    continue
                try:
                    day = parse_day(row["date"] or "")
                except (TypeError, ValueError):
                    problems.append(f"line {line}: date must be an ISO 8601 date "
                                    f"(got {row['date']!r})")
                    continue
                xs.append(x)
                ys.append(y)
                days.append(day)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from exc
    if problems:
        shown = problems[:SHOW_PROBLEMS]
        if len(problems) > SHOW_PROBLEMS:
            shown.append(f"... and {len(problems) - SHOW_PROBLEMS} more")
        raise CommandError("\n".join([f"{path}: {len(problems)} bad row(s), nothing written",
                                      *shown]))
    if len(xs) < 2:
        raise CommandError(f"{path}: the Knox test needs at least 2 events, found {len(xs)}")
    return np.array(xs), np.array(ys), np.array(days, dtype=np.int64)


def as_json(result: KnoxResult) -> dict[str, Any]:
    """The contract's four tables; a ratio with nothing expected is null (strict JSON)."""
    ratio = [[None if math.isnan(v) else float(v) for v in row]
             for row in result.knox_ratio.tolist()]
    return {
        "observed": result.observed.tolist(),
        "expected": result.expected.tolist(),
        "knox_ratio": ratio,
        "p_value": result.p_value.tolist(),
    }


def write_atomically(path: Path, text: str) -> None:
    """The whole file or none of it: a reader never sees half a report."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = (
        "The Knox test for near repeats over every pair of events in a CSV file with the "
        "columns x, y (projected, in the unit of the distance bands) and date (ISO 8601)."
    )
    requires_system_checks: list[str] = []  # reads a file, never the database

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", type=Path, help="The CSV file (columns x, y, date).")
        parser.add_argument("--distance-bands", required=True,
                            help="Band edges, e.g. 0,100,200: [0,100), [100,200), [200,inf).")
        parser.add_argument("--time-bands", required=True,
                            help="Band edges in days, e.g. 0,7,14: [0,7), [7,14), [14,inf).")
        parser.add_argument("--metric", choices=["manhattan", "euclidean"],
                            default="euclidean")
        parser.add_argument("--permutations", type=int, default=999,
                            help="Random permutations of the dates (default 999).")
        parser.add_argument("--seed", type=int, default=None,
                            help="Seed of the permutations, for a reproducible result.")
        parser.add_argument("--json", required=True, type=Path, dest="out",
                            help="Where to write the tables.")

    def handle(self, *args: Any, **options: Any) -> None:
        distance_edges = parse_edges(options["distance_bands"], "--distance-bands")
        time_edges = parse_edges(options["time_bands"], "--time-bands")
        if options["permutations"] < 1:
            raise CommandError("--permutations must be at least 1")
        out: Path = options["out"]
        if not out.parent.is_dir() and str(out.parent):
            raise CommandError(f"Cannot write {out}: no such directory")
        x, y, days = read_events(options["csv"])
        result = knox(x, y, days, distance_edges=distance_edges, time_edges=time_edges,
                      metric=options["metric"], permutations=options["permutations"],
                      seed=options["seed"])
        text = json.dumps(as_json(result), allow_nan=False)
        try:
            write_atomically(out, text + "\n")
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc}") from exc
        self.stdout.write(
            f"Knox test: {x.size} events, {x.size * (x.size - 1) // 2} pairs "
            f"({result.close_pairs} closer than {distance_edges[-1]:g}), "
            f"{result.permutations} permutations; wrote {out}")
