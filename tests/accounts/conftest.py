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


def waiting(nbhd: Neighborhood, count: int = 1) -> list[Resident]:
    """Unverified residents of `nbhd`, signed up through the real action."""
    return [Resident.objects.get(user=factories.make_resident(nbhd, verified=False))
            for _ in range(count)]
