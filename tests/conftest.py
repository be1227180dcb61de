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
