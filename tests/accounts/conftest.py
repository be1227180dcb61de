from __future__ import annotations

import io

import pytest

from tests import factories
from townsquare.accounts.models import Resident
from townsquare.places import actions as places
from townsquare.places.models import City, Neighborhood

# Testville gazetteer: two homes inside the grid and one outside every neighborhood.
ADDRESSES = """address,latitude,longitude
12 Alder Lane,38.5957,-121.4961
7 Hazel Court,38.5751,-121.4853
1 Far Away Road,38.2000,-121.9000
"""


@pytest.fixture
def gazetteer(city: City) -> City:
    places.import_addresses(city, io.StringIO(ADDRESSES))
    return city


@pytest.fixture
def alder(city: City) -> Neighborhood:
    return factories.nbhd(city, "Alder")


def waiting(nbhd: Neighborhood, count: int = 1, *, mailable: bool = True) -> list[Resident]:
    """Unverified residents of `nbhd`, signed up through the real action.

    With `mailable` each gets a complete mailing address, so a postcard can go out.
    """
    residents = [Resident.objects.get(user=factories.make_resident(nbhd, verified=False))
                 for _ in range(count)]
    if mailable:
        for n, resident in enumerate(residents, start=1):
            Resident.objects.filter(pk=resident.pk).update(
                home_address=f"{100 + 2 * n} Alder Ln", home_locality="Testville",
                home_state="CA", home_postcode="95831")
            resident.refresh_from_db()
    return residents
