"""The demo's police incidents: the real Sacramento file, imported as an operator would
(`townsquare import_incidents data/sacramento/crime-2006-01.csv --city sacramento`).

Idempotent: every row has a key, so loading the demo again adds nothing twice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from townsquare.incidents.actions import ImportResult, import_incidents
from townsquare.places.models import City

INCIDENTS_FILE = "crime-2006-01.csv"


def load(city: City, data_dir: Path, seed: int, now: dt.datetime) -> ImportResult:
    """Called by loader.load after the agencies are in place."""
    return import_incidents(city, data_dir / INCIDENTS_FILE, format="sacramento")
