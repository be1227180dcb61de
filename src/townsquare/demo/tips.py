"""The demo's tips to the police, and one closed loop on the graffiti request.

Idempotent: loading the demo again adds nothing twice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from townsquare.places.models import City


def load(city: City, data_dir: Path, seed: int, now: dt.datetime) -> None:
    """Called by loader.load after the agencies are in place."""
