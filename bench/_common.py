"""Shared helpers for the benchmarks in this directory.

Every benchmark runs against its OWN throw-away database, derived from `DATABASE_URL`
(SQLite when unset): a temporary file for SQLite, a `townsquare_bench_<pid>` database on
the same server for PostgreSQL. It is dropped at the end, also when the benchmark fails,
is interrupted (Ctrl-C) or terminated (SIGTERM), so a benchmark never touches real data.
Only SIGKILL can leave one behind; the next PostgreSQL run names it.

Each benchmark can write a JSON report (`--json OUT`). `run_all.py` reads the `summary`
list of every report, so a new benchmark only has to fill it with `summary_row(...)`.
"""

from __future__ import annotations

import json
import math
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"


# --- The throw-away database ---------------------------------------------------------------
@dataclass
class BenchDatabase:
    vendor: str  # "sqlite" or "postgresql"
    name: str  # file path (SQLite) or database name (PostgreSQL)
    url: str


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql", "postgis"}


def _libpq_url(url: str) -> str:
    """libpq understands postgres:// and postgresql:// only."""
    parts = urlsplit(url)
    return parts._replace(scheme="postgresql").geturl()


def _with_database(url: str, name: str) -> str:
    return urlsplit(url)._replace(path="/" + name).geturl()


def _admin_execute(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
    import psycopg

    with psycopg.connect(_libpq_url(url), autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def _warn_about_leftovers(url: str) -> None:
    """A benchmark killed with SIGKILL cannot drop its database: say so, never guess."""
    rows = _admin_execute(url, "SELECT datname FROM pg_database "
                               "WHERE datname LIKE 'townsquare\\_bench\\_%' ORDER BY 1")
    for (name,) in rows:
        pid = int(name.rsplit("_", 1)[1]) if name.rsplit("_", 1)[1].isdigit() else 0
        if pid and not Path(f"/proc/{pid}").exists():
            print(f"note: {name} was left by a benchmark that did not finish; if no other "
                  f"machine is running one, drop it: DROP DATABASE \"{name}\";")


def _raise_on_sigterm(signum: int, frame: object) -> None:
    # Turn SIGTERM into an exception so the `finally` that drops the database still runs.
    raise SystemExit(128 + signum)


@contextmanager
def throwaway_database(*, migrate: bool = True) -> Iterator[BenchDatabase]:
    """Point Django at a new, empty database derived from DATABASE_URL; drop it afterwards.

    Must run before Django is set up: the settings read DATABASE_URL at import time. The
    var dir (secret key, file cache) goes to a temporary directory as well.
    """
    source = os.environ.get("DATABASE_URL", "").strip()
    workdir = Path(tempfile.mkdtemp(prefix="townsquare-bench-"))
    previous = signal.signal(signal.SIGTERM, _raise_on_sigterm)
    created_pg: str | None = None
    try:
        if source and is_postgres(source):
            _warn_about_leftovers(source)
            name = f"townsquare_bench_{os.getpid()}"
            _admin_execute(source, f'DROP DATABASE IF EXISTS "{name}"')
            _admin_execute(source, f'CREATE DATABASE "{name}"')
            created_pg = name
            db = BenchDatabase("postgresql", name, _with_database(source, name))
        elif not source or source.startswith("sqlite"):
            path = workdir / "bench.sqlite3"
            db = BenchDatabase("sqlite", str(path), f"sqlite:///{path}")
        else:
            raise SystemExit(f"Unsupported DATABASE_URL scheme: {urlsplit(source).scheme!r}")
        os.environ["DATABASE_URL"] = db.url
        os.environ["TOWNSQUARE_VAR_DIR"] = str(workdir / "var")
        (workdir / "var" / "static").mkdir(parents=True)  # whitenoise warns when it is missing
        setup_django()
        if migrate:
            from django.core.management import call_command

            call_command("migrate", verbosity=0, interactive=False)
        yield db
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if created_pg is not None:
            # FORCE: a connection left open by a failure must not keep the database alive.
            _admin_execute(source, f'DROP DATABASE IF EXISTS "{created_pg}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)


def setup_django() -> None:
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townsquare.settings")
    import django

    django.setup()


# --- Measuring -----------------------------------------------------------------------------
def time_interleaved(cases: dict[str, tuple[Callable[[], Any], Callable[[], Any] | None]], *,
                     samples: int, warmup: int = 3) -> dict[str, list[float]]:
    """Wall-clock milliseconds of `samples` calls of each case, after `warmup` unmeasured ones.

    Cases are `name: (fn, before)`; `before` runs ahead of each call, outside the measured
    time (e.g. to get a fresh user object, as a request has). The cases take turns: sample
    i of every case runs before sample i + 1 of any, so a burst of load from another
    process hits all cases alike instead of one case's whole run.
    """
    result: dict[str, list[float]] = {name: [] for name in cases}
    for number in range(warmup + samples):
        for name, (fn, before) in cases.items():
            if before is not None:
                before()
            start = time.perf_counter()
            fn()
            elapsed = (time.perf_counter() - start) * 1000.0
            if number >= warmup:
                result[name].append(elapsed)
    return result


def percentile(values: Sequence[float], pct: float) -> float:
    """Linear interpolation between closest ranks (numpy's default method)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def p50_p95(values: Sequence[float]) -> tuple[float, float]:
    return percentile(values, 50), percentile(values, 95)


# --- Reporting -----------------------------------------------------------------------------
def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
                title: str | None = None) -> None:
    cells = [[fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        # Text columns left-aligned, figures right-aligned.
        return "  ".join(
            v.rjust(w) if i and _numeric(v) else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    if title:
        print(f"\n{title}")
    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print(line(row))


def _numeric(text: str) -> bool:
    return text.replace(",", "").replace(".", "").lstrip("-").isdigit()


def summary_row(metric: str, value: Any, *, unit: str = "ms", baseline: Any = None,
                target_max: float | None = None, target_min: float | None = None,
                target: str | None = None, met: bool | None = None) -> dict[str, Any]:
    """One line of a benchmark's summary, as `run_all.py` prints it.

    The value meets its target when it is at most `target_max` or at least `target_min`;
    other targets pass `target` (its text) and `met` themselves. No target: both None.
    """
    if target_max is not None:
        target, met = f"<= {_bound(target_max, unit)}", bool(value <= target_max)
    elif target_min is not None:
        target, met = f">= {_bound(target_min, unit)}", bool(value >= target_min)
    return {"metric": metric, "value": value, "unit": unit, "baseline": baseline,
            "target": target, "met": met}


def _bound(value: float, unit: str) -> str:
    return f"{value:,g}{unit}" if unit == "x" else f"{value:,g} {unit}".rstrip()


def fmt_value(value: Any, unit: str) -> str:
    """A figure with its unit, to the precision that unit deserves."""
    if isinstance(value, float) and not math.isnan(value):
        digits = {"ms": 2, "s": 1, "x": 1}.get(unit, 0)
        text = f"{value:,.{digits}f}"
    else:
        text = fmt(value)
    if value is None or not unit:
        return text
    return f"{text}{unit}" if unit == "x" else f"{text} {unit}"


def write_json(path: str | os.PathLike[str] | None, report: dict[str, Any]) -> None:
    if not path:
        return
    Path(path).write_text(json.dumps(report, indent=2, default=str) + "\n")


def machine_info() -> dict[str, Any]:
    """What the figures were measured on (the database part needs Django set up).

    The load average says whether something else competed for the CPUs meanwhile.
    """
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if "django" in sys.modules:
        from django.db import connection

        info["database"] = connection.vendor
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW server_version")
            else:
                cursor.execute("SELECT sqlite_version()")
            info["database_version"] = cursor.fetchone()[0]
    return info


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None
