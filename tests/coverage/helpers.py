"""Building coverage worlds for the tests: launches through the real verification action,
then dated as a city's history would have them."""

from __future__ import annotations

import datetime as dt
import io

from tests import factories
from townsquare.coverage import actions
from townsquare.places.models import City, Neighborhood

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def launch(city: City, name: str, members: int, when: dt.datetime | None = None) -> None:
    """Verify `members` residents of the neighborhood (the test settings' threshold decides
    whether it launches), then date its launch `when`."""
    nbhd = factories.nbhd(city, name)
    for _ in range(members):
        factories.make_resident(nbhd)
    if when is not None:
        # The launch happened now; the history of a real city is older.
        Neighborhood.objects.filter(pk=nbhd.pk, launched_at__isnull=False).update(
            launched_at=when)


def import_counts(city: City, text: str, *, source: str = "Testville census 2025",
                  as_of: dt.date = dt.date(2025, 4, 1)) -> actions.HouseholdImport:
    return actions.import_household_counts(None, city, io.StringIO(text), source=source,
                                           as_of=as_of)
