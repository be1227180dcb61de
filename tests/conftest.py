from __future__ import annotations

import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def city(db):
    return factories.make_city()


@pytest.fixture
def roles(city):
    """One account per role of the authorization matrix, keyed by role name.

    neighbor, lead and unverified live in Alder; nearby lives in Birch (touches Alder);
    stranger lives in Ironwood (does not touch Alder). anonymous is None.
    """
    alder = factories.nbhd(city, "Alder")
    return {
        "anonymous": None,
        "unverified": factories.make_resident(alder, verified=False, name="Una Verified"),
        "neighbor": factories.make_resident(alder, name="Nora Neighbor"),
        "nearby": factories.make_resident(factories.nbhd(city, "Birch"), name="Nick Nearby"),
        "stranger": factories.make_resident(factories.nbhd(city, "Ironwood"), name="Sam Stranger"),
        "lead": factories.make_resident(alder, lead=True, name="Lee Lead"),
        "operator": factories.make_operator(),
    }


@pytest.fixture
def police(city):
    """Testville Police: jurisdiction every neighborhood (tests/agencies/factories.py)."""
    from tests.agencies.factories import make_agency

    return make_agency(city)


@pytest.fixture
def water(city):
    """Testville Water, another agency of the same city."""
    from tests.agencies.factories import WATER_DOMAIN, make_agency

    return make_agency(city, "Testville Water", domain=WATER_DOMAIN, kind="utility")


@pytest.fixture
def agency_roles(city, police, water):
    """One account per role of the agency authorization matrix, keyed by role name.

    resident_in and unverified live in Alder (where the agency posts of the tests go),
    resident_out in Ironwood (never targeted by them); admin, publisher and tips are
    Testville Police staff; other_staff is Testville Water's admin. anonymous is None.
    """
    from tests.agencies.factories import make_staff

    alder = factories.nbhd(city, "Alder")
    return {
        "anonymous": None,
        "unverified": factories.make_resident(alder, verified=False, name="Uma Unverified"),
        "resident_in": factories.make_resident(alder, name="Ina Inside"),
        "resident_out": factories.make_resident(factories.nbhd(city, "Ironwood"),
                                                name="Otto Outside"),
        "admin": make_staff(police, "admin", "Alma Admin"),
        "publisher": make_staff(police, "publisher", "Pat Publisher"),
        "tips": make_staff(police, "tips", "Tia Tips"),
        "other_staff": make_staff(water, "admin", "Walt Water"),
        "operator": factories.make_operator(),
    }
