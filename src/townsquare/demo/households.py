"""The demo's household counts per neighborhood, for the coverage page: an illustrative
estimate (data/README.md says how it was made), imported as an operator would.

Idempotent: loading the demo again adds nothing twice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from townsquare.coverage import actions
from townsquare.coverage.models import HouseholdCount
from townsquare.places.models import City

ESTIMATE = Path(__file__).resolve().parent / "data" / "sacramento-households-estimate.csv"
SOURCE = "Illustrative demo estimate (area x 750 households per km²), not real data"
# The estimate's density is about Sacramento's in the 2020 census.
AS_OF = dt.date(2020, 4, 1)


def load(city: City, data_dir: Path, seed: int, now: dt.datetime) -> None:
    """Called by loader.load after the agencies are in place. Counts already imported from
    the estimate are left alone (an import records an audit entry every time it runs)."""
    if HouseholdCount.objects.filter(neighborhood__city=city, source=SOURCE).exists():
        return
    actions.import_household_counts(None, city, ESTIMATE, source=SOURCE, as_of=AS_OF)
